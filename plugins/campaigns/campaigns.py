"""Campaigns: editing a draft, previewing it for a member, and its life — start (recipients
filled from the segment in one ``INSERT … SELECT``), pause, resume, cancel. Sending itself is
:mod:`.sending`."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import msgspec

from unionline import (
    Actor,
    Conflict,
    Invalid,
    NotFound,
    current,
    enqueue,
    filter_scope,
    now,
    organization_ancestors,
)
from unionline.channel import Button as ChannelButton
from unionline.channel import ChannelAccount, channel_type, load_account
from unionline.plugins.campaigns import links, rights, segments
from unionline.plugins.campaigns.limits import refuse_text
from unionline.plugins.campaigns.render import fill, member_values, sms_parts
from unionline.plugins.campaigns.schemas import (
    Button,
    CampaignBody,
    CampaignView,
    Counts,
    PreviewView,
    SegmentFilter,
    Trigger,
    Variant,
)
from unionline.plugins.campaigns.vocabulary import CONTACT_KIND, EVENT_COUNTS, VOICE_MAX
from unionline.rows import IdRow


class CampaignRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    purpose: str
    status: str
    filter: SegmentFilter
    channel_order: list[str]
    accounts: dict[str, uuid.UUID]
    variants: dict[str, Variant]
    concurrency: int
    trigger_rule: Trigger


_COLUMNS = (
    "id, organization_id, name, purpose, status, filter, channel_order, accounts, variants,"
    " concurrency, trigger_rule"
)


async def load(campaign_id: uuid.UUID, *, lock: bool = False) -> CampaignRow | None:
    db = current().db
    tail = " FOR UPDATE" if lock and db.is_postgres else ""
    return await db.fetch_one_as(
        CampaignRow, f"SELECT {_COLUMNS} FROM campaigns_campaign WHERE id = {{}}{tail}", campaign_id
    )


async def visible(
    actor: Actor, campaign_id: uuid.UUID, permission: str = rights.READ
) -> CampaignRow:
    row = await load(campaign_id)
    if row is None:
        raise NotFound("campaign does not exist", field="campaign_id")
    await rights.require_in_scope(actor, permission, row.organization_id, "campaign")
    return row


def _encoded(data: CampaignBody) -> list[Any]:
    return [
        data.name.strip(),
        data.purpose,
        msgspec.json.encode(data.filter).decode(),
        json.dumps(list(dict.fromkeys(data.channel_order))),
        json.dumps({k: str(v) for k, v in data.accounts.items()}),
        msgspec.json.encode(data.variants).decode(),
        data.concurrency,
        msgspec.json.encode(data.trigger).decode(),
    ]


async def create(actor: Actor, data: CampaignBody) -> CampaignView:
    await rights.require_in_scope(actor, rights.MANAGE, data.organization_id)
    campaign_id = uuid.uuid4()
    await current().db.execute(
        "INSERT INTO campaigns_campaign (id, organization_id, name, purpose, status, filter,"
        " channel_order, accounts, variants, concurrency, created_by, created_at)"
        " VALUES ({}, {}, 'x', 'info', 'draft', {}, '[]', {}, {}, 8, {}, {})",
        campaign_id, data.organization_id, "{}", "{}", "{}", actor.operator_id, now(),
    )  # fmt: skip
    return await update(actor, campaign_id, data)


async def update(actor: Actor, campaign_id: uuid.UUID, data: CampaignBody) -> CampaignView:
    row = await visible(actor, campaign_id, rights.MANAGE)
    if row.status != "draft":
        raise Conflict("only a draft campaign can be edited", field="status")
    if data.organization_id != row.organization_id:
        await rights.require_in_scope(actor, rights.MANAGE, data.organization_id)
    await _check_trigger(actor, campaign_id, data.trigger)
    _check_buttons(msgspec.structs.asdict(data.variants))
    await current().db.execute(
        "UPDATE campaigns_campaign SET organization_id = {}, name = {}, purpose = {}, filter = {},"
        " channel_order = {}, accounts = {}, variants = {}, concurrency = {}, trigger_rule = {}"
        " WHERE id = {}",
        data.organization_id, *_encoded(data), campaign_id,
    )  # fmt: skip
    return await view(actor, campaign_id)


BUTTON_CHANNELS = ("telegram", "vk")


def _check_buttons(variants: dict[str, Variant | None]) -> None:
    """Link buttons only where a messenger shows them (an SMS would carry them as lines past
    its length, an e-mail has its links in the text, a robot call none)."""
    for channel, variant in variants.items():
        if variant is not None and variant.buttons and channel not in BUTTON_CHANNELS:
            raise Invalid(
                "Кнопки-ссылки бывают только в сообщениях Telegram и VK: уберите их отсюда "
                "или вставьте ссылку в текст",
                field=f"variants.{channel}.buttons",
            )
        for i, button in enumerate(variant.buttons if variant is not None else ()):
            _check_link(button, f"variants.{channel}.buttons[{i}].url")


def _check_link(button: Button, field: str) -> None:
    """The channel SDK's own check of a link (the schema's pattern cannot say all of it: a
    bracketed host that is no IPv6 address, a host whose letters normalize to ``/`` or
    ``@``): refused on save rather than at every send."""
    try:
        ChannelButton(label=button.title.strip(), url=button.url.strip())
    except ValueError:
        raise Invalid(
            "Ссылка кнопки должна быть адресом http(s) с именем сайта", field=field
        ) from None


async def _check_trigger(actor: Actor, campaign_id: uuid.UUID, trigger: Trigger) -> None:
    """A «did not open» step names an earlier campaign the actor sees (not itself); any step
    that names one (kept, unused, by another kind) names one the actor sees."""
    earlier = trigger.after_campaign_id
    if earlier is None and trigger.kind != "not_opened":
        return
    if earlier is None or earlier == campaign_id:
        raise Invalid("choose the earlier campaign", field="trigger.after_campaign_id")
    found = await load(earlier)
    if found is None or not (await rights.scope(actor, rights.READ)).allows(found.organization_id):
        raise Invalid("no such campaign", field="trigger.after_campaign_id")


async def view(actor: Actor, campaign_id: uuid.UUID) -> CampaignView:
    row = await visible(actor, campaign_id)
    return CampaignView(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        purpose=row.purpose,
        status=row.status,  # type: ignore[arg-type]
        filter=row.filter,
        channel_order=row.channel_order,
        accounts=row.accounts,
        variants=row.variants,
        concurrency=row.concurrency,
        trigger=row.trigger_rule,
        counts=await counts(row.id),
    )


async def listing(actor: Actor) -> list[CampaignView]:
    scope = await rights.scope(actor, rights.READ)
    ids = scope.ids()
    where, args = "", []
    if ids is not None:
        where = (
            ("WHERE organization_id IN (" + ", ".join("{}" for _ in ids) + ")")
            if ids
            else "WHERE 1 = 0"
        )
        args = list(ids)
    rows = await current().db.fetch_as(
        IdRow,
        f"SELECT id FROM campaigns_campaign {where} ORDER BY created_at DESC LIMIT 200",
        *args,
    )
    return [await view(actor, r.id) for r in rows]


async def counts(campaign_id: uuid.UUID) -> Counts:
    db = current().db
    found = Counts()
    for r in await db.fetch(
        "SELECT status, COUNT(*) AS n FROM campaigns_recipient WHERE campaign_id = {}"
        " GROUP BY status",
        campaign_id,
    ):
        if r["status"] in Counts.__struct_fields__:
            setattr(found, r["status"], int(r["n"]))
        found.total += int(r["n"])
    for r in await db.fetch(
        "SELECT kind, COUNT(DISTINCT recipient_id) AS n FROM campaigns_event"
        " WHERE campaign_id = {} GROUP BY kind",
        campaign_id,
    ):
        name = EVENT_COUNTS.get(r["kind"])
        if name:
            setattr(found, name, int(r["n"]))
    return found


async def totals(actor: Actor, organization_id: uuid.UUID | None) -> Counts:
    """The counts of every campaign of the actor's scope, summed; with ``organization_id``
    only of the recipients whose member belongs to its subtree (what a primary organization's
    members got of the federation's campaigns). An organization outside the scope, or none at
    all, counts nothing (``filter_scope``)."""
    ids = (await rights.scope(actor, rights.READ)).ids()
    parts, args = [], []
    if ids is not None:
        parts.append(
            "c.organization_id IN (" + ", ".join("{}" for _ in ids) + ")" if ids else "1 = 0"
        )
        args.extend(ids)
    if organization_id is not None:
        members = (await filter_scope(actor, rights.READ, organization_id)).ids() or []
        if not members:
            return Counts()
        parts.append(
            "r.member_id IN (SELECT m.id FROM member_member m WHERE m.organization_id IN ("
            + ", ".join("{}" for _ in members)
            + "))"
        )
        args.extend(members)
    where = ("WHERE " + " AND ".join(parts)) if parts else ""
    joined = "campaigns_recipient r JOIN campaigns_campaign c ON c.id = r.campaign_id"
    found = Counts()
    db = current().db
    for r in await db.fetch(
        f"SELECT r.status, COUNT(*) AS n FROM {joined} {where} GROUP BY r.status", *args
    ):
        if r["status"] in Counts.__struct_fields__:
            setattr(found, r["status"], int(r["n"]))
        found.total += int(r["n"])
    names = EVENT_COUNTS
    for r in await db.fetch(
        "SELECT e.kind, COUNT(DISTINCT e.recipient_id) AS n FROM campaigns_event e"
        " JOIN campaigns_recipient r ON r.id = e.recipient_id"
        f" JOIN campaigns_campaign c ON c.id = r.campaign_id {where} GROUP BY e.kind",
        *args,
    ):
        if r["kind"] in names:
            setattr(found, names[r["kind"]], int(r["n"]))
    return found


# -- preview ----------------------------------------------------------------------------------


def compose(variant: Variant, values: dict[str, str]) -> tuple[str, str, str]:
    """(subject, text, html) of ``variant`` for ``values``. Its link buttons are
    :func:`link_buttons`: the message's own (a channel without buttons gets them as
    «Название: ссылка» lines from the channel SDK)."""
    return fill(variant.subject, values), fill(variant.text, values), fill(variant.html, values)


def link_buttons(variant: Variant, recipient_id: int | None = None) -> tuple[ChannelButton, ...]:
    """The variant's link buttons for the channel SDK; with ``recipient_id`` each link goes
    through the signed click redirect (counted in the statistics)."""
    return tuple(
        ChannelButton(
            label=b.title.strip(),
            url=b.url.strip()
            if recipient_id is None
            else links.tracked(b.url.strip(), recipient_id),
        )
        for b in variant.buttons
    )


async def preview(
    actor: Actor, campaign_id: uuid.UUID, channel: str, member_id: uuid.UUID | None
) -> PreviewView:
    row = await visible(actor, campaign_id)
    variant = row.variants.get(channel)
    if variant is None:
        raise Invalid(f"the campaign has no {channel} message", field="channel")
    if member_id is None:
        sample = await segments.count(actor, row.filter, row.organization_id)
        member_id = sample.sample[0].id if sample.sample else None
    else:
        org = await _member_org(member_id)
        await rights.require_in_scope(actor, rights.READ, org, "member")
    values = await member_values(member_id) if member_id else {}
    values.setdefault("unsubscribe_url", "https://…/campaigns/unsubscribe/…")
    subject, text, html = compose(variant, values)
    parts, chars = sms_parts(text)
    return PreviewView(
        member_id=member_id,
        channel=channel,
        subject=subject,
        text=text,
        html=html,
        sms_parts=parts,
        sms_chars=chars,
        buttons=list(variant.buttons),
    )


async def _member_org(member_id: uuid.UUID) -> uuid.UUID:
    from unionline.plugins.campaigns.consent import member_org

    return await member_org(member_id)


# -- life ---------------------------------------------------------------------------------------


async def campaign_account(
    organization_id: uuid.UUID, account_id: uuid.UUID, field: str
) -> ChannelAccount[Any, Any]:
    """The channel account a campaign of ``organization_id`` may send through: one of its own
    organization, of one above it (a federation's bot) or of one below it. Another branch's
    account is answered as one that does not exist."""
    try:
        account = await load_account(account_id)
    except NotFound:
        raise Invalid("no such channel account", field=field) from None
    line = await organization_ancestors(organization_id)
    if account.organization_id not in line and organization_id not in (
        await organization_ancestors(account.organization_id)
    ):
        raise Invalid("no such channel account", field=field)
    return account


async def check_ready(row: CampaignRow) -> None:
    """A campaign can start when each channel of its order has a message its account takes
    (an SMS within the account's part limit) and an account that can send it."""
    if not row.channel_order:
        raise Invalid("choose at least one channel", field="channel_order")
    _check_buttons({c: row.variants.get(c) for c in row.channel_order})
    for channel in row.channel_order:
        variant = row.variants.get(channel)
        if variant is None or not variant.text.strip():
            raise Invalid(f"write the {channel} message", field=f"variants.{channel}.text")
        if channel == "email" and not variant.subject.strip():
            raise Invalid("an e-mail needs a subject", field="variants.email.subject")
        account_id = row.accounts.get(channel)
        if account_id is None:
            raise Invalid(f"choose the {channel} account", field=f"accounts.{channel}")
        account = await campaign_account(row.organization_id, account_id, f"accounts.{channel}")
        if account.status != "active":
            raise Invalid("the channel account is not active", field=f"accounts.{channel}")
        kind = channel_type(account.channel).contact_kind
        if kind != CONTACT_KIND[channel] and account.channel != "reference":
            raise Invalid(
                f"a {account.channel} account cannot send {channel}", field=f"accounts.{channel}"
            )
        capabilities = channel_type(account.channel).capabilities
        spoken = channel == "voice" and account.channel != "reference"
        if not (capabilities.spoken if spoken else capabilities.text):
            # A robot call needs a channel that speaks a broadcast (a phone line); any other
            # message one that takes text. Else every recipient would fail: it does not start.
            raise Invalid(
                f"a {account.channel} account cannot send a campaign's {channel} message",
                field=f"accounts.{channel}",
            )
        # This account cannot although its channel can (a PBX that speaks no text): a draft
        # saved before the refusal existed, or started by the schedule, never starts.
        refusal = channel_type(account.channel).broadcast_refusal(account)
        if refusal:
            raise Invalid(refusal, field=f"accounts.{channel}")
        refuse_text(account, channel, variant, link_buttons(variant), row.id)
        if channel == "voice" and len(variant.text) > VOICE_MAX:
            raise Invalid(
                f"a robot call says at most {VOICE_MAX} characters", field="variants.voice.text"
            )


async def start(actor: Actor, campaign_id: uuid.UUID, *, kick: bool = True) -> CampaignView:
    """Fill the recipients from the segment in one statement and queue the sending job
    (``kick=False``: a test drives the worker's steps itself)."""
    row = await visible(actor, campaign_id, rights.MANAGE)
    if row.status not in ("draft", "scheduled", "late"):
        raise Conflict(f"the campaign is {row.status}", field="status")
    await check_ready(row)
    compiled = await segments.compiled_for(
        actor, row.filter, row.organization_id, purpose=row.purpose
    )
    db = current().db
    async with db.transaction():
        moved = await db.fetch(
            "UPDATE campaigns_campaign SET status = 'sending', started_at = {} WHERE id = {}"
            " AND status IN ('draft', 'scheduled', 'late') RETURNING id",
            time.time(),
            campaign_id,
        )
        if not moved:
            raise Conflict("the campaign was started already", field="status")
        if row.trigger_rule.kind != "start":  # a funnel step: its trigger adds members
            await _check_trigger(actor, campaign_id, row.trigger_rule)
        else:
            await db.execute(
                "INSERT INTO campaigns_recipient (key, campaign_id, member_id, status, channel,"
                " address, lease_until, attempts, external_id, error)"
                " SELECT CAST({} AS TEXT) || ':' || CAST(m.id AS TEXT), {}, m.id, 'queued', '',"
                f" '', 0, 0, '', '' FROM member_member m WHERE {compiled.where}"
                " ON CONFLICT (key) DO NOTHING",
                str(campaign_id), campaign_id, *compiled.args,
            )  # fmt: skip
        if kick:
            await _kick(campaign_id)
    if row.trigger_rule.kind != "start" and kick:
        from unionline.plugins.campaigns.funnels import fill

        started = await load(campaign_id)
        if started is not None:
            await fill(started)  # who the trigger takes already (then every 15 minutes)
    return await view(actor, campaign_id)


async def _kick(campaign_id: uuid.UUID) -> None:
    from unionline.plugins.campaigns.sending import SEND_JOB, SendPayload

    await enqueue(
        SEND_JOB, SendPayload(campaign_id), key=f"{SEND_JOB}:{campaign_id}:{uuid.uuid4()}"
    )


async def _move(actor: Actor, campaign_id: uuid.UUID, old: tuple[str, ...], new: str) -> None:
    await visible(actor, campaign_id, rights.MANAGE)
    marks = ", ".join("{}" for _ in old)
    moved = await current().db.fetch(
        f"UPDATE campaigns_campaign SET status = {{}} WHERE id = {{}} AND status IN ({marks})"
        " RETURNING id",
        new,
        campaign_id,
        *old,
    )
    if not moved:
        raise Conflict(f"the campaign cannot be moved to {new} now", field="status")


async def pause(actor: Actor, campaign_id: uuid.UUID) -> CampaignView:
    await _move(actor, campaign_id, ("sending",), "paused")
    return await view(actor, campaign_id)


async def resume(actor: Actor, campaign_id: uuid.UUID) -> CampaignView:
    async with current().db.transaction():
        await _move(actor, campaign_id, ("paused",), "sending")
        await _kick(campaign_id)
    return await view(actor, campaign_id)


async def cancel(actor: Actor, campaign_id: uuid.UUID) -> CampaignView:
    db = current().db
    async with db.transaction():
        await _move(
            actor, campaign_id, ("draft", "scheduled", "late", "sending", "paused"), "cancelled"
        )
        # What is in flight right now settles as it ends; nothing queued goes out.
        await db.execute(
            "UPDATE campaigns_recipient SET status = 'cancelled' WHERE campaign_id = {}"
            " AND (status = 'queued' OR (status = 'sending' AND lease_until < {}))",
            campaign_id,
            time.time(),
        )
    return await view(actor, campaign_id)
