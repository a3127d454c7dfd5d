"""The lists: «На согласовании у меня», «Мои документы», and all documents of the subtree —
each row with its stage and holders («у кого сейчас документ»)."""

from __future__ import annotations

import uuid
from typing import Literal

import msgspec

from unionline import Actor, current
from unionline.plugins.docflow import rights
from unionline.plugins.docflow.schemas import DocumentItem, DocumentPage
from unionline.plugins.docflow.store import in_scope

View = Literal["awaiting", "mine", "all"]
_COLUMNS = (
    "d.id, d.organization_id, d.title, d.category, d.status, d.priority, d.number,"
    " d.control_date, d.stage, d.holders"
)


class Filters(msgspec.Struct, kw_only=True):
    view: View = "all"
    status: str | None = None
    category: str | None = None
    q: str = ""
    appeal_id: uuid.UUID | None = None
    limit: int = 100
    offset: int = 0


async def listing(actor: Actor, f: Filters) -> DocumentPage:
    db = current().db
    me = actor.operator_id
    if f.view == "awaiting":
        # My pending steps, wherever the document lies: the step makes it mine to see.
        sql = (
            f"SELECT {_COLUMNS}, s.due_at, s.id AS step_id FROM docflow_step s"
            " JOIN docflow_document d ON d.id = s.document_id"
            " WHERE s.assignee_id = {} AND s.status = 'pending'"
        )
        args: list[object] = [me]
        order = " ORDER BY s.due_at IS NULL, s.due_at, d.created_at"
    else:
        where, args = in_scope("d.organization_id", await rights.readable_ids(actor))
        sql = f"SELECT {_COLUMNS} FROM docflow_document d WHERE {where}"
        if f.view == "mine":
            sql += " AND d.author_id = {}"
            args.append(me)
        order = " ORDER BY d.created_at DESC"
    for column, value in (("d.status", f.status), ("d.category", f.category)):
        if value:
            sql += f" AND {column} = {{}}"
            args.append(value)
    if f.appeal_id is not None:
        sql += " AND d.appeal_id = {}"
        args.append(f.appeal_id)
    if f.q:
        sql += " AND (LOWER(d.title) LIKE {} OR d.number = {})"
        args += [f"%{f.q.lower()}%", f.q]
    total_row = await db.fetchone(f"SELECT COUNT(*) AS n FROM ({sql}) t", *args)
    rows = await db.fetch_as(
        DocumentItem, sql + order + " LIMIT {} OFFSET {}", *args, f.limit, f.offset
    )
    return DocumentPage(items=rows, total=int(total_row["n"]) if total_row else 0)


async def awaiting_count(actor: Actor) -> int:
    row = await current().db.fetchone(
        "SELECT COUNT(*) AS n FROM docflow_step WHERE assignee_id = {} AND status = 'pending'",
        actor.operator_id,
    )
    return int(row["n"]) if row else 0
