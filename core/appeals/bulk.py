"""Bulk actions on selected appeals: one request, one action, each appeal on its own.

Every appeal goes through the same service as the single action (its guards, its transaction,
its events), so an appeal either changes entirely or not at all, and one that is refused leaves
the others alone. An id outside the caller's scope is refused exactly as the single action
refuses it (``not_found``: its existence is not revealed) and never changes.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec
from litestar import post
from litestar.params import JSONBody

from unionline.access import Actor
from unionline.appeals import actions
from unionline.appeals.schemas import AppealView, Tag
from unionline.appeals.statuses import Status
from unionline.errors import Invalid, ServiceError
from unionline.web import CurrentActor, ErrorBody

MAX_IDS = 500


class _Action(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, tag_field="kind"):
    """Base of the bulk actions: ``{"kind": "...", ...}``."""


class AssignAction(_Action, kw_only=True, tag="assign"):
    """Assign each appeal to ``operator_id`` (null: unassign), as ``POST …/assign`` does."""

    operator_id: uuid.UUID | None


class StatusAction(_Action, kw_only=True, tag="status"):
    """Move each appeal to ``status``, as ``POST …/status`` does."""

    status: Status


class TagsAction(_Action, kw_only=True, tag="tags"):
    """Add ``add`` and remove ``remove`` on each appeal, keeping its other tags."""

    add: Annotated[list[Tag], msgspec.Meta(max_length=50)] = msgspec.field(default_factory=list)
    remove: Annotated[list[Tag], msgspec.Meta(max_length=50)] = msgspec.field(default_factory=list)


BulkAction = AssignAction | StatusAction | TagsAction


class BulkRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    ids: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=MAX_IDS)]
    action: BulkAction


class BulkItem(msgspec.Struct, kw_only=True):
    """What happened to one appeal: ``done`` with the appeal as it is now, or ``refused`` with
    the error the single action would have answered."""

    id: uuid.UUID
    outcome: Literal["done", "refused"]
    appeal: AppealView | None = None
    error: ErrorBody | None = None


class BulkResult(msgspec.Struct, kw_only=True):
    done: int
    refused: int
    items: list[BulkItem]  # one per distinct id, in the order given


async def run(actor: Actor, request: BulkRequest) -> BulkResult:
    """Apply the action to each distinct id in turn."""
    if isinstance(request.action, TagsAction) and not (request.action.add or request.action.remove):
        raise Invalid("name tags to add or to remove", field="action.add")
    items = [await _one(actor, request.action, i) for i in dict.fromkeys(request.ids)]
    done = sum(1 for item in items if item.outcome == "done")
    return BulkResult(done=done, refused=len(items) - done, items=items)


async def _one(actor: Actor, action: BulkAction, appeal_id: uuid.UUID) -> BulkItem:
    try:
        view = await _apply(actor, action, appeal_id)
    except ServiceError as error:
        refusal = ErrorBody(
            code=error.code, message=error.message, field=error.field, extra=error.extra
        )
        return BulkItem(id=appeal_id, outcome="refused", error=refusal)
    return BulkItem(id=appeal_id, outcome="done", appeal=view)


async def _apply(actor: Actor, action: BulkAction, appeal_id: uuid.UUID) -> AppealView:
    if isinstance(action, AssignAction):
        return await actions.assign(actor, appeal_id, action.operator_id)
    if isinstance(action, StatusAction):
        return await actions.set_status(actor, appeal_id, action.status)
    return await actions.change_tags(actor, appeal_id, action.add, action.remove)


@post("/api/appeals/bulk", status_code=200, tags=["appeals"])
async def bulk_action(actor: CurrentActor, data: JSONBody[BulkRequest]) -> BulkResult:
    """Assign, change the status of, or tag up to 500 appeals at once. Each appeal is checked
    and changed as by its single action, in its own transaction, with the same events; the
    answer says per id ``done`` (with the appeal) or ``refused`` (with the error the single
    action would answer: an appeal outside the caller's scope is ``not_found``)."""
    return await run(actor, data)
