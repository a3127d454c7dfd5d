"""The consent register: one current row per member × channel × purpose (``campaigns_consent``)
and every grant and withdrawal appended to ``campaigns_consent_log`` with the consent text's
version, the source and the evidence — what the union shows when asked to prove consent
(38-FZ art. 18, 126-FZ art. 44.1, 152-FZ).

A message goes out only while :data:`VALID` holds for its member, channel and purpose, checked
by the sending worker when it claims each batch, so a withdrawal takes effect before the next one.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from typing import Any

import msgspec

from unionline import Actor, Invalid, NotFound, current, organization_ancestors
from unionline.plugins.campaigns import rights
from unionline.plugins.campaigns.schemas import (
    ConsentChange,
    ConsentLogView,
    ConsentProof,
    ConsentTextView,
    ConsentView,
)
from unionline.plugins.campaigns.vocabulary import LEGACY_KEYS

# SQL: the member of ``{m}`` holds a consent for channel ``{c}`` and purpose ``{p}`` (fragments).
VALID = (
    "EXISTS (SELECT 1 FROM campaigns_consent k WHERE k.member_id = {m} AND k.channel = {c}"
    " AND k.purpose = {p} AND k.withdrawn_at IS NULL)"
)


class _Member(msgspec.Struct):
    id: uuid.UUID
    organization_id: uuid.UUID


async def member_org(member_id: uuid.UUID) -> uuid.UUID:
    row = await current().db.fetch_one_as(
        _Member,
        "SELECT id, organization_id FROM member_member WHERE id = {} AND merged_into IS NULL",
        member_id,
    )
    if row is None:
        raise NotFound("member does not exist", field="member_id")
    return row.organization_id


async def record(
    member_id: uuid.UUID,
    organization_id: uuid.UUID,
    channel: str,
    purpose: str,
    *,
    granted: bool,
    source: str,
    text_version: str = "",
    evidence: dict[str, Any] | None = None,
    at: float | None = None,
) -> bool:
    """Grant or withdraw one consent; False when it already stood so (nothing logged)."""
    at = time.time() if at is None else at
    proof = json.dumps(evidence or {}, ensure_ascii=False, sort_keys=True)
    db = current().db
    key = f"{member_id}:{channel}:{purpose}"
    async with db.transaction():
        if granted:
            changed = await db.fetch(
                "INSERT INTO campaigns_consent (id, key, member_id, organization_id, channel,"
                " purpose, text_version, source, evidence, granted_at, withdrawn_at,"
                " withdrawn_source) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, NULL, '')"
                " ON CONFLICT (key) DO UPDATE SET text_version = excluded.text_version,"
                " source = excluded.source, evidence = excluded.evidence,"
                " granted_at = excluded.granted_at, withdrawn_at = NULL, withdrawn_source = ''"
                " WHERE campaigns_consent.withdrawn_at IS NOT NULL"
                " OR campaigns_consent.text_version <> excluded.text_version RETURNING id",
                uuid.uuid4(), key, member_id, organization_id, channel, purpose,
                text_version, source, proof, at,
            )  # fmt: skip
        else:
            changed = await db.fetch(
                "UPDATE campaigns_consent SET withdrawn_at = {}, withdrawn_source = {}"
                " WHERE key = {} AND withdrawn_at IS NULL RETURNING id",
                at, source, key,
            )  # fmt: skip
            if not changed:  # a "no" never preceded by a "yes" is kept as such (the proof)
                changed = await db.fetch(
                    "INSERT INTO campaigns_consent (id, key, member_id, organization_id, channel,"
                    " purpose, text_version, source, evidence, granted_at, withdrawn_at,"
                    " withdrawn_source) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})"
                    " ON CONFLICT (key) DO NOTHING RETURNING id",
                    uuid.uuid4(), key, member_id, organization_id, channel, purpose,
                    text_version, source, proof, at, at, source,
                )  # fmt: skip
        if changed:
            await db.execute(
                "INSERT INTO campaigns_consent_log (member_id, organization_id, channel, purpose,"
                " action, text_version, source, evidence, at)"
                " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})",
                member_id, organization_id, channel, purpose,
                "granted" if granted else "withdrawn", text_version, source, proof, at,
            )  # fmt: skip
    return bool(changed)


async def withdraw_all(
    member_id: uuid.UUID, channels: Iterable[str], *, source: str, evidence: dict[str, Any]
) -> int:
    """Withdraw every purpose of ``channels`` (a STOP reply, an unsubscribe link)."""
    organization_id = await member_org(member_id)
    done = 0
    for channel in channels:
        for purpose in ("info", "ads"):
            done += await record(
                member_id, organization_id, channel, purpose,
                granted=False, source=source, evidence=evidence,
            )  # fmt: skip
    return done


async def current_of(member_id: uuid.UUID) -> list[ConsentView]:
    """The member's consents as they stand (no scope: for the member's own signed links)."""
    return await current().db.fetch_as(
        ConsentView,
        "SELECT channel, purpose, text_version, source, evidence, granted_at, withdrawn_at,"
        " withdrawn_source FROM campaigns_consent WHERE member_id = {} ORDER BY purpose, channel",
        member_id,
    )


async def withdraw_topics(
    member_id: uuid.UUID, topics: set[str], campaign_id: uuid.UUID, address: str
) -> int:
    """Withdraw the ticked ``channel:purpose`` topics of the preference page."""
    from unionline.plugins.campaigns.vocabulary import CHANNELS, PURPOSES

    organization_id = await member_org(member_id)
    done = 0
    for topic in sorted(topics):
        channel, _, purpose = topic.partition(":")
        if channel in CHANNELS and purpose in PURPOSES:
            evidence = {"campaign_id": str(campaign_id), "how": "preferences", "address": address}
            done += await record(
                member_id, organization_id, channel, purpose,
                granted=False, source="link", evidence=evidence,
            )  # fmt: skip
    return done


# -- the legacy flags of the member card ------------------------------------------------------


def legacy_changes(consents: dict[str, Any]) -> list[tuple[str, bool, float | None]]:
    """The register's channels a member card's ``consents`` JSON says yes or no to."""
    found = []
    for key, value in consents.items():
        channel = LEGACY_KEYS.get(key)
        if channel is None or not isinstance(value, dict):
            continue
        found.append((channel, bool(value.get("granted")), _epoch(value.get("at"))))
    return found


def _epoch(stamp: Any) -> float | None:
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(stamp)).timestamp()
    except ValueError:
        return None


class _Legacy(msgspec.Struct):
    id: uuid.UUID
    organization_id: uuid.UUID
    consents: dict[str, Any]


async def absorb_legacy(member_id: uuid.UUID | None = None) -> int:
    """Copy the member card's per-channel flags into the register (purpose ``info``, source
    ``legacy``): all members, or one whose card changed. Returns how many consents moved."""
    where = "merged_into IS NULL AND consents <> {}" + (" AND id = {}" if member_id else "")
    rows = await current().db.fetch_as(
        _Legacy,
        f"SELECT id, organization_id, consents FROM member_member WHERE {where}",
        "{}",
        *([member_id] if member_id else []),
    )
    moved = 0
    for row in rows:
        for channel, granted, at in legacy_changes(row.consents):
            moved += await record(
                row.id, row.organization_id, channel, "info",
                granted=granted, source="legacy", text_version="legacy",
                evidence={"from": "member card"}, at=at,
            )  # fmt: skip
    return moved


# -- reading and changing it on behalf of an operator ---------------------------------------


async def consents_of(actor: Actor, member_id: uuid.UUID) -> list[ConsentView]:
    organization_id = await member_org(member_id)
    await rights.require_in_scope(actor, rights.CONSENT, organization_id, "member")
    return await current().db.fetch_as(
        ConsentView,
        "SELECT channel, purpose, text_version, source, evidence, granted_at, withdrawn_at,"
        " withdrawn_source FROM campaigns_consent WHERE member_id = {}"
        " ORDER BY channel, purpose",
        member_id,
    )


async def change(actor: Actor, member_id: uuid.UUID, data: ConsentChange) -> list[ConsentView]:
    organization_id = await member_org(member_id)
    await rights.require_in_scope(actor, rights.CONSENT, organization_id, "member")
    if data.granted and not data.text_version:
        raise Invalid("a consent cites the text the member agreed to", field="text_version")
    if data.granted and await text_for(data.text_version, organization_id) is None:
        raise Invalid(f"no consent text {data.text_version!r}", field="text_version")
    evidence = {**data.evidence, "operator_id": str(actor.operator_id or "")}
    await record(
        member_id, organization_id, data.channel, data.purpose,
        granted=data.granted, source=data.source, text_version=data.text_version,
        evidence=evidence,
    )  # fmt: skip
    return await consents_of(actor, member_id)


class _LineText(msgspec.Struct):
    organization_id: uuid.UUID
    version: str
    purpose: str
    body: str
    created_at: Any


async def text_for(version: str, organization_id: uuid.UUID) -> ConsentTextView | None:
    """The text ``version`` as members of ``organization_id`` are shown it: their
    organization's own, else the nearest one's above it. A version is unique per organization
    only, and another branch's text of that name is none of theirs: it is answered exactly as
    one that does not exist."""
    line = await organization_ancestors(organization_id)  # from the root down
    rows = await current().db.fetch_as(
        _LineText,
        "SELECT organization_id, version, purpose, body, created_at FROM campaigns_consent_text"
        f" WHERE version = {{}} AND organization_id IN ({', '.join('{}' for _ in line)})",
        version,
        *line,
    )
    by_org = {r.organization_id: r for r in rows}
    nearest = next((by_org[o] for o in reversed(line) if o in by_org), None)
    if nearest is None:
        return None
    return ConsentTextView(
        version=nearest.version,
        purpose=nearest.purpose,
        body=nearest.body,
        created_at=nearest.created_at,
        organization_id=nearest.organization_id,
    )


async def proof(actor: Actor, member_id: uuid.UUID) -> ConsentProof:
    """Everything that proves a member's consents: the history and the texts it cites —
    each version as the organization the member was in when they consented showed it (a
    member moved to another branch since consented to the old one's text, not the new's)."""
    current_rows = await consents_of(actor, member_id)
    log = await current().db.fetch_as(
        ConsentLogView,
        "SELECT channel, purpose, action, text_version, source, evidence, at, organization_id"
        " FROM campaigns_consent_log WHERE member_id = {} ORDER BY id",
        member_id,
    )
    cited = sorted({(e.text_version, e.organization_id) for e in log if e.text_version}, key=str)
    texts: dict[tuple[str, uuid.UUID | None], ConsentTextView] = {}
    for version, organization_id in cited:
        found = await text_for(version, organization_id) if organization_id else None
        if found is not None:
            texts[(found.version, found.organization_id)] = found
    return ConsentProof(
        member_id=member_id, consents=current_rows, history=log, texts=list(texts.values())
    )
