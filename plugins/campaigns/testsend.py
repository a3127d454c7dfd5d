"""A campaign's message sent once to the operator's own address (before the real thing), and
the consent texts members are shown (versions, never edited)."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from unionline import Actor, Conflict, Invalid, current, now, organization_ancestors
from unionline.channel import OutboundMessage, send_message
from unionline.plugins.campaigns import rights
from unionline.plugins.campaigns.campaigns import (
    campaign_account,
    compose,
    link_buttons,
    visible,
)
from unionline.plugins.campaigns.schemas import (
    ConsentTextBody,
    ConsentTextView,
    TestSend,
    TestSent,
)


async def send_test(actor: Actor, campaign_id: uuid.UUID, data: TestSend) -> TestSent:
    row = await visible(actor, campaign_id, rights.MANAGE)
    variant = row.variants.get(data.channel)
    account_id = row.accounts.get(data.channel)
    if variant is None or account_id is None:
        raise Invalid(f"the campaign has no {data.channel} message or account", field="channel")
    account = await campaign_account(row.organization_id, account_id, "channel")
    subject, text, html = compose(variant, {"full_name": "Проверка", "first_name": "Проверка"})
    buttons = link_buttons(variant)
    try:
        message = _message(row, (subject, text, html), data.address.strip())
        result = await send_message(account, msgspec.structs.replace(message, buttons=buttons))
    except Exception as exc:  # the provider's refusal, said to the operator, never a 500
        raise Invalid(f"the test message was not sent: {exc}", field="address") from exc
    return TestSent(status=result.status, external_id=result.external_id or "", note=result.note)


def _message(row: Any, content: tuple[str, str, str], address: str) -> OutboundMessage:
    subject, text, html = content
    return OutboundMessage(
        id=uuid.uuid4(),
        entry_id=0,
        appeal_id=row.id,
        organization_id=row.organization_id,
        member_id=None,
        recipient=address,
        text=text,
        broadcast=True,
        subject=f"[проверка] {subject}",
        html=html,
    )


async def texts(actor: Actor) -> list[ConsentTextView]:
    """The texts of the organizations in the actor's scope and of those above them (a
    federation's text is what its member organizations' members consent to) — never another
    branch's."""
    scope = await rights.scope(actor, rights.CONSENT)
    sql = "SELECT version, purpose, body, created_at, organization_id FROM campaigns_consent_text"
    if scope.everything:
        return await current().db.fetch_as(ConsentTextView, f"{sql} ORDER BY created_at")
    seen = set(scope.organization_ids or ())
    for grant in actor.grants:
        if grant.organization_id is not None and scope.allows(grant.organization_id):
            seen.update(await organization_ancestors(grant.organization_id))
    if not seen:
        return []
    marks = ", ".join("{}" for _ in seen)
    return await current().db.fetch_as(
        ConsentTextView,
        f"{sql} WHERE organization_id IN ({marks}) ORDER BY created_at",
        *sorted(seen),
    )


async def add_text(actor: Actor, data: ConsentTextBody) -> ConsentTextView:
    """A version is unique within its organization only: a 409 says the organization the
    actor manages has it already, never that another organization does."""
    await rights.require_in_scope(actor, rights.MANAGE, data.organization_id)
    done = await current().db.fetch(
        "INSERT INTO campaigns_consent_text (id, organization_id, version, purpose, body,"
        " created_at) VALUES ({}, {}, {}, {}, {}, {})"
        " ON CONFLICT (organization_id, version) DO NOTHING RETURNING id",
        uuid.uuid4(), data.organization_id, data.version, data.purpose, data.body, now(),
    )  # fmt: skip
    if not done:
        raise Conflict(
            f"consent text {data.version!r} exists; texts are never changed", field="version"
        )
    return ConsentTextView(
        version=data.version,
        purpose=data.purpose,
        body=data.body,
        created_at=now(),
        organization_id=data.organization_id,
    )
