"""Before and instead of a blind merge: the merge preview, and linking a provisional member.

*Preview* answers what :func:`unionline.members.merge.merge_members` would do — the target's
fields after it, the contact points and consents that join, how many appeals (and whatever else
domains count with ``register_merge_count``) follow — and changes nothing.

*Linking* is how an operator says "this web visitor / new messenger contact is that member":
the provisional member a channel made is **merged** into the known one, so its contact points,
appeals and timeline follow, and the known member's fields stay (the provisional one only fills
blanks). It asks ``members.write`` on both rather than ``members.merge``: only a provisional
member can be linked this way; joining two confirmed members stays a merge (supervisors).
"""

from __future__ import annotations

import uuid

import msgspec

from unionline.access import Actor
from unionline.errors import Conflict, Invalid
from unionline.members.merge import MERGE_COUNTS, merge_members, merged_fields
from unionline.members.records import READ, WRITE, contacts_of, member_view, scoped_row
from unionline.members.schemas import (
    ConsentView,
    LinkRequest,
    MemberView,
    MergedFields,
    MergePreview,
    MergeRequest,
)
from unionline.members.services import ensure_active


async def preview_merge(actor: Actor | None, request: MergeRequest) -> MergePreview:
    """What merging ``source_id`` into ``target_id`` would do (``members.read`` on both)."""
    if request.source_id == request.target_id:
        raise Invalid("a member cannot be merged into itself", field="source_id")
    source = await scoped_row(actor, READ, request.source_id, field="source_id")
    target = await scoped_row(actor, READ, request.target_id, field="target_id")
    ensure_active(source, field="source_id")
    ensure_active(target, field="target_id")
    changes = merged_fields(source, target, request.fields)
    contacts = await contacts_of([source.id, target.id])
    consents = changes.get("consents", target.consents)
    joining = [c for c, answer in consents.items() if target.consents.get(c) != answer]
    result = MergedFields(
        full_name=changes.get("full_name", target.full_name),
        organization_id=changes.get("organization_id", target.organization_id),
        status=changes.get("status", target.status),
        card_number=changes.get("card_number", target.card_number),
        employer=changes.get("employer", target.employer),
        position=changes.get("position", target.position),
        consents={k: msgspec.convert(v, ConsentView) for k, v in consents.items()},
        provisional=changes.get("provisional", target.provisional),
    )
    history = {kind: await count(source.id) for kind, count in sorted(MERGE_COUNTS.items())}
    return MergePreview(
        source=member_view(source, contacts[source.id]),
        target=member_view(target, contacts[target.id]),
        result=result,
        changed=sorted(k for k in changes if k not in ("search_name", "card_key")),
        contacts=contacts[source.id],
        consents=sorted(joining),
        history=history,
    )


async def link_member(
    actor: Actor | None, member_id: uuid.UUID, request: LinkRequest
) -> MemberView:
    """Merge the provisional ``member_id`` into the known ``request.target_id``; the target."""
    source = await scoped_row(actor, WRITE, member_id, field="member_id")
    if actor is not None and member_id != request.target_id:
        # Both ends in scope before anything is said about either (another organization's
        # member is "not found", whatever the state of this one).
        await scoped_row(actor, WRITE, request.target_id, field="target_id")
    if not source.provisional:
        raise Conflict(
            "only a provisional member (a visitor, a new contact) can be linked; merge confirmed"
            " members instead",
            field="member_id",
        )
    return await merge_members(
        actor, MergeRequest(source_id=member_id, target_id=request.target_id), permission=WRITE
    )
