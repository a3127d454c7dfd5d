"""Merging duplicate members: the source's contact points and history move to the target.

Other domains move their own rows inside the same transaction through steps registered
with :func:`register_merge_step` (appeals and the timeline do); after commit, the
``member.merged`` event tells everyone else.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from unionline.access import Actor
from unionline.errors import Invalid
from unionline.members import normalize
from unionline.members.events import MemberMerged
from unionline.members.records import (
    MERGE,
    MemberRow,
    audit,
    card_key,
    member_row,
    now,
    organization_path,
    scoped_row,
)
from unionline.members.schemas import MemberView, MergeField, MergeRequest, Side
from unionline.members.services import ensure_active, member_with_contacts
from unionline.members.tables import ContactPoint, Member
from unionline.runtime import current, publish

MergeStep = Callable[[uuid.UUID, uuid.UUID], Awaitable[None]]
MergeCount = Callable[[uuid.UUID], Awaitable[int]]
MERGE_STEPS: list[MergeStep] = []
MERGE_COUNTS: dict[str, MergeCount] = {}
_PLAIN: tuple[MergeField, ...] = (
    "full_name",
    "organization_id",
    "status",
    "card_number",
    "employer",
    "position",
)


def register_merge_step(step: MergeStep) -> MergeStep:
    """Run ``await step(source_id, target_id)`` inside every merge transaction.

    Usable as a decorator; registering the same function twice keeps one.
    """
    if step not in MERGE_STEPS:
        MERGE_STEPS.append(step)
    return step


def register_merge_count(kind: str, count: MergeCount) -> MergeCount:
    """Name how much of ``kind`` (``"appeals"``) ``await count(source_id)`` would move in a
    merge; the merge preview lists it."""
    MERGE_COUNTS[kind] = count
    return count


async def merge_members(
    actor: Actor | None, request: MergeRequest, *, permission: str = MERGE
) -> MemberView:
    """Merge ``request.source_id`` into ``request.target_id``; returns the target.

    ``permission`` is what the actor needs on both members (linking a provisional member asks
    ``members.write``; see :mod:`unionline.members.link`).
    """
    source_id, target_id = request.source_id, request.target_id
    if source_id == target_id:
        raise Invalid("a member cannot be merged into itself", field="source_id")
    await scoped_row(actor, permission, source_id, field="source_id")
    await scoped_row(actor, permission, target_id, field="target_id")
    async with current().db.transaction():
        source, target = await _lock_pair(source_id, target_id)
        changes = merged_fields(source, target, request.fields)
        if "card_number" in changes or "organization_id" in changes:
            org = changes.get("organization_id", target.organization_id)
            card = changes.get("card_number", target.card_number)
            changes["card_key"] = card_key(await organization_path(org), card)
        # The source lets go of its card first: card_key is unique.
        await Member.update(
            {Member.merged_into: target_id, Member.card_key: None, Member.updated_at: now()}
        ).where(Member.id == source_id)
        await Member.update({Member.merged_into: target_id}).where(Member.merged_into == source_id)
        if changes:
            await Member.update(
                {getattr(Member, k): _column_value(v) for k, v in changes.items()}
            ).where(Member.id == target_id)
        await ContactPoint.update({ContactPoint.member_id: target_id}).where(
            ContactPoint.member_id == source_id
        )
        for step in MERGE_STEPS:
            await step(source_id, target_id)
        org = changes.get("organization_id", target.organization_id)
        await publish(MemberMerged(organization_id=org, source_id=source_id, target_id=target_id))
        await audit(actor, "member.merge", source_id, source.organization_id)
        await audit(actor, "member.merge", target_id, org)
    return await member_with_contacts(target_id)


async def _lock_pair(source_id: uuid.UUID, target_id: uuid.UUID) -> tuple[MemberRow, MemberRow]:
    """Lock both rows (in id order, so crossing merges cannot deadlock) and re-read them."""
    for member_id in sorted((source_id, target_id)):
        await Member.update({Member.updated_at: now()}).where(Member.id == member_id)
    source = await member_row(source_id, field="source_id")
    target = await member_row(target_id, field="target_id")
    ensure_active(source, field="source_id")
    ensure_active(target, field="target_id")
    return source, target


def merged_fields(
    source: MemberRow, target: MemberRow, choices: Mapping[MergeField, Side]
) -> dict[str, Any]:
    """Target column values after the merge, only those that change.

    An explicit choice wins. Otherwise the target keeps its value unless it is empty and the
    source has one; consents keep the latest answer per channel; custom fields are united
    (the target's keys win); the result is provisional only if both were.
    """
    result: dict[str, Any] = {}
    for name in _PLAIN:
        side = choices.get(name)
        if side == "source" or (
            side is None and not getattr(target, name) and getattr(source, name)
        ):
            result[name] = getattr(source, name)
    if "full_name" in result:
        result["search_name"] = normalize.search_key(result["full_name"])
    result["consents"] = _merge_json(source, target, "consents", choices, _latest_consents)
    result["custom_fields"] = _merge_json(source, target, "custom_fields", choices, _union)
    result["provisional"] = bool(source.provisional and target.provisional)
    return {k: v for k, v in result.items() if v != getattr(target, k)}


def _merge_json(
    source: MemberRow,
    target: MemberRow,
    name: MergeField,
    choices: Mapping[MergeField, Side],
    combine: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    src: dict[str, Any] = getattr(source, name)
    tgt: dict[str, Any] = getattr(target, name)
    side = choices.get(name)
    return src if side == "source" else tgt if side == "target" else combine(src, tgt)


def _column_value(value: Any) -> Any:
    """A merged value as its column stores it (the JSON columns are text)."""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _union(src: dict[str, Any], tgt: dict[str, Any]) -> dict[str, Any]:
    return {**src, **tgt}


def _latest_consents(src: dict[str, Any], tgt: dict[str, Any]) -> dict[str, Any]:
    merged = dict(tgt)
    for channel, answer in src.items():
        if channel not in merged or answer.get("at", "") > merged[channel].get("at", ""):
            merged[channel] = answer
    return merged
