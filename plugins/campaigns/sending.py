"""Sending a campaign so that no member is skipped and none gets two copies.

``campaigns_recipient`` is the campaign's outbox: one row per (campaign, member). A worker
**claims** a batch — ``queued`` rows, or ``sending`` rows whose lease ran out (their worker
died) — with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite has one writer at a time, so its
``UPDATE … WHERE id IN (SELECT …)`` is the same claim), chooses each row's channel by the
campaign's order among the member's reachable contact points **with a valid consent for that
channel and the campaign's purpose** (withdrawn since the last batch: skipped), and commits the
claim before sending. Then it sends through the channel's own ``send()``; each row is settled
as it ends. The message's id — and so the e-mail's Message-ID — is derived from (campaign,
member, channel), so a row sent again after a crash carries the same id: the only copies a crash
can make are those in flight at the moment of the kill, at most the campaign's concurrency.

A campaign is ``finished`` only when no row is ``queued`` or ``sending``.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

import msgspec

from unionline import (
    AuthFailed,
    JobContext,
    NotFound,
    NotHere,
    NotReady,
    PermanentFailure,
    current,
    enqueue,
    renewing,
)
from unionline.calendar import timezone_for
from unionline.channel import (
    DeliveryUnknown,
    OutboundMessage,
    RateLimit,
    RecipientBlocked,
    SentUnreadable,
    channel_type,
    load_account,
    mark_needs_reauth,
    send_message,
    take_token,
)
from unionline.plugins.campaigns import links
from unionline.plugins.campaigns.campaigns import CampaignRow, compose, link_buttons, load
from unionline.plugins.campaigns.render import member_values, values_of_members
from unionline.plugins.campaigns.settings import campaigns_settings
from unionline.plugins.campaigns.unsubscribe import event as count_event
from unionline.plugins.campaigns.vocabulary import CONTACT_KIND

T = TypeVar("T")
log = logging.getLogger(__name__)
SEND_JOB = "campaigns.send"
MESSAGE_IDS = uuid.UUID("6c1f7c1e-8d7a-4c55-9a53-3b0d1f2e7a10")


class SendPayload(msgspec.Struct, frozen=True):
    campaign_id: uuid.UUID


class Claimed(msgspec.Struct, kw_only=True):
    id: int
    key: str  # campaign:member, or campaign:member:year for a date step (a birthday)
    member_id: uuid.UUID
    channel: str
    address: str
    attempts: int
    values: dict[str, str] = msgspec.field(default_factory=dict)  # the message's variables


def message_id(campaign_id: uuid.UUID, member_id: uuid.UUID, channel: str) -> uuid.UUID:
    """The stable id of a campaign's message to a member on a channel (the idempotency key)."""
    return uuid.uuid5(MESSAGE_IDS, f"{campaign_id}:{member_id}:{channel}")


def row_message_id(key: str, channel: str) -> uuid.UUID:
    """The message id of a recipient row (its key is ``campaign:member``: the same as
    :func:`message_id`; a date step's ``campaign:member:year`` gives each year its own)."""
    return uuid.uuid5(MESSAGE_IDS, f"{key}:{channel}")


async def send_job(ctx: JobContext, payload: SendPayload) -> None:
    """Send batches until the campaign is paused, cancelled or done, or the run's time is up
    (then the next run is queued)."""
    deadline = time.monotonic() + campaigns_settings().run_seconds
    accounts: dict[str, Any] = {}
    while time.monotonic() < deadline:
        campaign = await load(payload.campaign_id)
        if campaign is None or campaign.status != "sending":
            return
        batch = await claim(campaign, campaign.concurrency)
        if not batch:
            if await finish_if_done(campaign.id):
                return
            raise NotReady("nothing to claim yet", retry_after=await _next_due(campaign))
        sends = asyncio.gather(*(send_one(campaign, row, accounts) for row in batch))
        sent = await holding([row.id for row in batch], sends)
        await settle_sent([done for done in sent if done is not None])
    await enqueue(SEND_JOB, payload, key=f"{SEND_JOB}:{payload.campaign_id}:{uuid.uuid4()}")


async def holding(ids: list[int], sending: Awaitable[T]) -> T:
    """Await ``sending`` while keeping the claim on rows ``ids``: their lease is renewed every
    third of ``lease_seconds`` (``unionline.renewing``), so a batch slower than the lease (a slow
    provider, a robot call, a loaded machine) is never taken over by another run while this one
    still sends it. Only a run that stopped (its process died) lets its lease run out."""
    return await renewing(
        sending,
        lambda: _renew(ids),
        every=campaigns_settings().lease_seconds / 3,
        what=f"campaign rows {ids}",
    )


async def _renew(ids: list[int]) -> bool:
    """Extend the lease of the rows still being sent. The rows name no run that holds them, so
    a takeover cannot be seen here: True, the claim is kept as far as this run can tell."""
    marks = ", ".join("{}" for _ in ids)
    await current().db.execute(
        "UPDATE campaigns_recipient SET lease_until = {} WHERE status = 'sending'"
        f" AND id IN ({marks})",
        time.time() + campaigns_settings().lease_seconds, *ids,
    )  # fmt: skip
    return True


async def _next_due(campaign: CampaignRow) -> float:
    """Seconds until a row can be claimed again (in flight elsewhere, waiting out a retry or
    quiet hours), at most five minutes."""
    row = await current().db.fetchone(
        "SELECT MIN(lease_until) AS due FROM campaigns_recipient WHERE campaign_id = {}"
        " AND status IN ('queued', 'sending')",
        campaign.id,
    )
    due = float(row["due"]) if row and row["due"] is not None else time.time() + 1.0
    return min(300.0, max(0.2, due - time.time()))


async def claim(campaign: CampaignRow, size: int) -> list[Claimed]:
    """Claim up to ``size`` rows and choose their channels, committed before anything is sent;
    rows nobody may be sent (no consent, unreachable) are settled as skipped on the way. An
    empty list: nothing is left to claim now."""
    while True:
        claimed, ready = await _claim_once(campaign, size)
        if ready or not claimed:
            return ready


async def _claim_once(campaign: CampaignRow, size: int) -> tuple[int, list[Claimed]]:
    db = current().db
    at = time.time()
    lease = at + campaigns_settings().lease_seconds
    lock = " FOR UPDATE SKIP LOCKED" if db.is_postgres else ""
    async with db.transaction():
        rows = await db.fetch_as(
            Claimed,
            "UPDATE campaigns_recipient SET status = 'sending', lease_until = {},"
            " attempts = attempts + 1 WHERE id IN (SELECT id FROM campaigns_recipient"
            " WHERE campaign_id = {} AND status IN ('queued', 'sending') AND lease_until <= {}"
            f" ORDER BY id LIMIT {int(size)}{lock})"
            " RETURNING id, key, member_id, channel, address, attempts",
            lease, campaign.id, at,
        )  # fmt: skip
        ready = await _choose_channels(campaign, rows) if rows else []
    return len(rows), ready


async def _choose_channels(campaign: CampaignRow, rows: list[Claimed]) -> list[Claimed]:
    db = current().db
    members = [r.member_id for r in rows]
    marks = ", ".join("{}" for _ in members)
    consented = {
        (str(r["member_id"]), r["channel"])
        for r in await db.fetch(
            "SELECT member_id, channel FROM campaigns_consent WHERE purpose = {}"
            f" AND withdrawn_at IS NULL AND member_id IN ({marks})",
            campaign.purpose,
            *members,
        )
    }
    contacts: dict[tuple[str, str], str] = {}
    for r in await db.fetch(
        "SELECT member_id, kind, address FROM member_contact_point WHERE blocked = {}"
        f" AND member_id IN ({marks}) ORDER BY verified DESC, created_at",
        False,
        *members,
    ):
        contacts.setdefault((str(r["member_id"]), r["kind"]), r["address"])
    ready: list[Claimed] = []
    for row in rows:
        member = str(row.member_id)
        # A row claimed again keeps the channel it was first sent on (same message id).
        order = [row.channel] if row.channel else campaign.channel_order
        chosen = next(
            (
                (c, contacts[(member, CONTACT_KIND[c])])
                for c in order
                if (member, c) in consented and (member, CONTACT_KIND[c]) in contacts
            ),
            None,
        )
        if chosen is None:
            reason = (
                "no valid consent"
                if not any((member, c) in consented for c in order)
                else "unreachable"
            )
            await _settle(row.id, "skipped", error=reason)
            continue
        row.channel, row.address = chosen
        ready.append(row)
    ready = await _outside_quiet_hours(ready)
    ready = await _within_warmup(campaign, ready)
    if ready:
        await _record_channels(ready)
        values = await values_of_members([r.member_id for r in ready])
        for row in ready:
            row.values = values.get(row.member_id, {})
    return ready


async def _outside_quiet_hours(rows: list[Claimed]) -> list[Claimed]:
    """Rows whose member is in quiet hours now go back to the queue until they end."""
    settings = campaigns_settings()
    if not rows or settings.quiet_from == settings.quiet_to:
        return rows
    marks = ", ".join("{}" for _ in rows)
    orgs = {
        r.id: r.organization_id
        for r in await current().db.fetch_as(
            _MemberOrg,
            f"SELECT id, organization_id FROM member_member WHERE id IN ({marks})",
            *[r.member_id for r in rows],
        )
    }
    zones: dict[uuid.UUID | None, str] = {}
    ready = []
    for row in rows:
        org = orgs.get(row.member_id)
        if org not in zones:
            zones[org] = await timezone_for(org)
        until = quiet_until(
            datetime.now(ZoneInfo(zones[org])), settings.quiet_from, settings.quiet_to
        )
        if until is None:
            ready.append(row)
            continue
        await current().db.execute(
            "UPDATE campaigns_recipient SET status = 'queued', lease_until = {},"
            " attempts = attempts - 1 WHERE id = {} AND status = 'sending'",
            until.timestamp(), row.id,
        )  # fmt: skip
    return ready


async def _within_warmup(campaign: CampaignRow, rows: list[Claimed]) -> list[Claimed]:
    """The e-mail warm-up: the account's e-mails of the local day are counted as they are
    claimed (``campaigns_quota``, one row per account and day, locked by the claim's
    transaction); those over the day's cap go back to the queue until the next day."""
    settings = campaigns_settings()
    email = [r for r in rows if r.channel == "email"]
    account = campaign.accounts.get("email")
    if not email or account is None or not settings.email_warmup_start:
        return rows
    local = datetime.now(ZoneInfo(await timezone_for(campaign.organization_id)))
    cap = settings.warmup_cap(local.date())
    if cap is None:
        return rows
    db = current().db
    key = f"{account}:{local.date().isoformat()}"
    found = await db.fetchone(
        "INSERT INTO campaigns_quota (key, used) VALUES ({}, {}) ON CONFLICT (key)"
        " DO UPDATE SET used = campaigns_quota.used + {} RETURNING used",
        key, len(email), len(email),
    )  # fmt: skip
    used = int(found["used"]) if found else len(email)
    allowed = max(0, len(email) - max(0, used - cap))
    over = email[allowed:]
    if not over:
        return rows
    await db.execute("UPDATE campaigns_quota SET used = used - {} WHERE key = {}", len(over), key)
    tomorrow = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    marks = ", ".join("{}" for _ in over)
    await db.execute(
        "UPDATE campaigns_recipient SET status = 'queued', lease_until = {},"
        f" attempts = attempts - 1 WHERE id IN ({marks}) AND status = 'sending'",
        tomorrow.timestamp(), *[r.id for r in over],
    )  # fmt: skip
    waiting = {r.id for r in over}
    return [r for r in rows if r.id not in waiting]


def quiet_until(local: datetime, start: int, end: int) -> datetime | None:
    """When the quiet hours around ``local`` end (None: it is not quiet now)."""
    hour = local.hour
    quiet = start <= hour < end if start < end else (hour >= start or hour < end)
    if not quiet:
        return None
    ends = local.replace(hour=end, minute=0, second=0, microsecond=0)
    return ends if ends > local else ends + timedelta(days=1)


class _MemberOrg(msgspec.Struct):
    id: uuid.UUID
    organization_id: uuid.UUID | None


async def _record_channels(rows: list[Claimed]) -> None:
    """The chosen channel and address of each row, in one statement (a row claimed again
    after a crash keeps them: the same message id)."""
    cases = " ".join("WHEN {} THEN {}" for _ in rows)
    marks = ", ".join("{}" for _ in rows)
    await current().db.execute(
        f"UPDATE campaigns_recipient SET channel = CASE id {cases} END,"
        f" address = CASE id {cases} END WHERE id IN ({marks})",
        *[v for r in rows for v in (r.id, r.channel)],
        *[v for r in rows for v in (r.id, r.address)],
        *[r.id for r in rows],
    )


async def _settle(
    recipient_id: int, status: str, *, error: str = "", external_id: str = ""
) -> bool:
    done = await current().db.fetch(
        "UPDATE campaigns_recipient SET status = {}, error = {}, external_id = {}, sent_at = {}"
        " WHERE id = {} AND status = 'sending' RETURNING id",
        status, error[:2000], external_id[:200],
        time.time() if status in ("sent", "delivered") else None, recipient_id,
    )  # fmt: skip
    return bool(done)


async def _later(row: Claimed, error: str, retry_after: float | None, counted: bool = True) -> None:
    """A transient failure: back to ``queued`` after a pause, or failed when attempts are out.
    Not ``counted`` (``NotHere``: another process sends it), the claim's attempt is given back."""
    if counted and row.attempts >= campaigns_settings().max_attempts:
        await _settle(row.id, "failed", error=f"gave up after {row.attempts} attempts: {error}")
        return
    wait = retry_after if retry_after is not None else min(300.0, 2.0**row.attempts)
    await current().db.execute(
        "UPDATE campaigns_recipient SET status = 'queued', lease_until = {}, error = {},"
        " attempts = attempts - {} WHERE id = {} AND status = 'sending'",
        time.time() + wait, error[:2000], 0 if counted else 1, row.id,
    )  # fmt: skip


async def finish_if_done(campaign_id: uuid.UUID) -> bool:
    done = await current().db.fetch(
        "UPDATE campaigns_campaign SET status = 'finished', finished_at = {} WHERE id = {}"
        " AND status = 'sending' AND NOT EXISTS (SELECT 1 FROM campaigns_recipient"
        " WHERE campaign_id = {} AND status IN ('queued', 'sending')) RETURNING id",
        time.time(), campaign_id, campaign_id,
    )  # fmt: skip
    return bool(done)


async def outbound(campaign: CampaignRow, row: Claimed) -> OutboundMessage:
    values = dict(row.values) or await member_values(row.member_id)
    values["unsubscribe_url"] = links.unsubscribe_url(row.id) if links.public_url() else ""
    subject, text, html = compose(campaign.variants[row.channel], values)
    headers = links.list_headers(row.id) if row.channel == "email" and links.public_url() else ()
    if row.channel == "voice" and campaign.variants[row.channel].ask_digit:
        headers = (("Ask-Digit", "1"),)  # the phone channel's robot call waits for a digit
    return OutboundMessage(
        id=row_message_id(row.key, row.channel),
        entry_id=0,
        appeal_id=campaign.id,
        organization_id=campaign.organization_id,
        member_id=row.member_id,
        recipient=row.address,
        text=links.track(text, row.id),
        attempt=row.attempts,
        broadcast=True,
        subject=subject,
        html=links.with_pixel(links.track(html, row.id), row.id),
        headers=headers,
        buttons=link_buttons(campaign.variants[row.channel], row.id),
    )


class Accepted(NamedTuple):
    """A message the channel accepted, for :func:`settle_sent`."""

    row: int
    status: str  # sent, delivered
    external_id: str
    note: str = ""  # the channel's SendResult.note: «2 SMS · 2,96 ₽»


async def settle_sent(done: list[Accepted]) -> None:
    """Settle a batch's accepted messages in one statement, each with its provider's id and
    the channel's note."""
    if not done:
        return
    cases = " ".join("WHEN {} THEN {}" for _ in done)
    marks = ", ".join("{}" for _ in done)
    await current().db.execute(
        f"UPDATE campaigns_recipient SET status = CASE id {cases} END,"
        f" external_id = CASE id {cases} END, note = CASE id {cases} END, error = '',"
        f" sent_at = {{}} WHERE id IN ({marks}) AND status = 'sending'",
        *[v for a in done for v in (a.row, a.status)],
        *[v for a in done for v in (a.row, a.external_id[:200])],
        *[v for a in done for v in (a.row, a.note[:2000])],
        time.time(),
        *[a.row for a in done],
    )


async def send_one(
    campaign: CampaignRow, row: Claimed, accounts: dict[str, Any]
) -> Accepted | None:
    """Send one claimed row; an accepted message is answered for :func:`settle_sent` — a
    crash before that sends it again, with the same id — anything else is settled here."""
    account_id = campaign.accounts.get(row.channel)
    if account_id is None:
        await _settle(row.id, "failed", error=f"no {row.channel} account chosen")
        return None
    key = str(account_id)
    if key not in accounts:
        try:
            accounts[key] = await load_account(account_id)
        except NotFound:
            accounts[key] = None
    account = accounts[key]
    if account is None or account.status == "disabled":
        await _settle(row.id, "failed", error=f"the {row.channel} account is gone or disabled")
        return None
    kind = channel_type(account.channel)
    rate = campaigns_settings().rate(row.channel)
    limit = RateLimit(per_second=rate, burst=max(1, int(rate))) if rate else kind.rate_limit
    while (wait := await take_token(f"campaigns:{account.id}", limit)) > 0:
        await asyncio.sleep(wait)
    try:
        message = await outbound(campaign, row)
        result = await send_message(account, message)
    except (DeliveryUnknown, msgspec.DecodeError, msgspec.ValidationError) as exc:
        await _settle(row.id, "sent", error=f"no clear answer; not resent: {exc}")
    except SentUnreadable as exc:
        await _settle(row.id, "sent", external_id=exc.external_id or "", error=str(exc))
    except (RecipientBlocked, PermanentFailure) as exc:
        await _settle(row.id, "failed", error=str(exc) or type(exc).__name__)
    except AuthFailed as exc:
        await mark_needs_reauth(account.id, str(exc) or "credentials refused")
        await _later(row, f"credentials refused: {exc}", 300.0)
    except NotHere as exc:  # another process sends on this account (a SIP line's agent)
        await _later(row, str(exc), exc.retry_after, counted=False)
    except NotReady as exc:
        await _later(row, str(exc), exc.retry_after)
    except Exception as exc:
        await _later(row, str(exc) or type(exc).__name__, None)
    else:
        status = "delivered" if result.status in ("delivered", "read") else "sent"
        if result.status == "read":  # read at once (a robot call heard to its end): an open
            await count_event(campaign.id, row.id, "open", "receipt")
        return Accepted(row.id, status, result.external_id or "", result.note)
    return None
