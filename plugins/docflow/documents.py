"""Document cards: create, change, read, link; requisites checked against the kind's definition."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

import msgspec

from unionline import Actor, Conflict, Invalid, NotFound, current, now, publish
from unionline.plugins.docflow import rights
from unionline.plugins.docflow.catalog import serves
from unionline.plugins.docflow.schemas import (
    DocumentChange,
    DocumentCreated,
    DocumentView,
    FileView,
    LinkView,
    NewDocument,
    NewLink,
)
from unionline.plugins.docflow.store import DocumentRow, KindRow, load_document, load_kind
from unionline.plugins.docflow.tables import Document, Link
from unionline.rows import db_value

EDITABLE = ("draft", "registered", "revision")


def check_requisites(
    kind: KindRow, values: dict[str, str], *, require: bool = True
) -> dict[str, str]:
    """The card's requisites as the kind defines them: 422 naming ``requisites.<name>``.
    ``require=False``: a card a process or robot makes may lack required ones (staff add them)."""
    defined = {str(r["name"]): r for r in kind.requisites}
    for name in values:
        if name not in defined:
            raise Invalid(f"the kind has no requisite {name}", field=f"requisites.{name}")
    clean: dict[str, str] = {}
    for name, spec in defined.items():
        value = values.get(name, "").strip()
        field = f"requisites.{name}"
        if not value:
            if spec.get("required") and require:
                raise Invalid(f"{spec.get('label', name)}: required", field=field)
            continue
        kind_of = spec.get("type", "text")
        if kind_of == "date":
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise Invalid(f"{value!r} is not a date (YYYY-MM-DD)", field=field) from exc
        elif kind_of == "number" and not re.fullmatch(r"-?\d+([.,]\d+)?", value):
            raise Invalid(f"{value!r} is not a number", field=field)
        elif kind_of == "choice" and value not in spec.get("options", []):
            raise Invalid(f"{value!r} is not one of the options", field=field)
        clean[name] = value
    return clean


async def create(
    actor: Actor, data: NewDocument, *, process_id: uuid.UUID | None = None
) -> DocumentRow:
    await rights.require_in_scope(actor, rights.WRITE, data.organization_id)
    return await create_unchecked(actor.operator_id, data, process_id=process_id)


async def create_unchecked(
    author_id: uuid.UUID | None, data: NewDocument, *, process_id: uuid.UUID | None = None
) -> DocumentRow:
    """A draft card (a process started by a member's form has no operator behind it)."""
    kind = await load_kind(data.kind_id)
    if kind.archived or not await serves(kind.organization_id, data.organization_id):
        raise Invalid("this kind does not serve the organization", field="kind_id")
    requisites = check_requisites(kind, data.requisites, require=author_id is not None)
    correspondent = msgspec.to_builtins(data.correspondent) if data.correspondent else {}
    doc = Document(
        organization_id=data.organization_id,
        kind_id=kind.id,
        category=kind.category,
        title=data.title,
        summary=data.summary,
        priority=data.priority,
        control_date=data.control_date,
        requisites=requisites,
        correspondent=correspondent,
        author_id=author_id,
        member_id=data.member_id,
        appeal_id=data.appeal_id,
        journal_id=kind.journal_id,
        process_id=process_id,
    )
    async with current().db.transaction():
        await doc.save()
        for link_kind, target in (("member", data.member_id), ("appeal", data.appeal_id)):
            if target is not None:
                await _link(doc.id, link_kind, target)
        await publish(
            DocumentCreated(
                organization_id=data.organization_id,
                document_id=doc.id,
                title=data.title,
                author_id=author_id,
            )
        )
    return await load_document(doc.id)


async def visible(actor: Actor, document_id: uuid.UUID) -> DocumentRow:
    """The document if the actor may read it (its organization in scope, or a step of it is
    theirs); 404 otherwise."""
    doc = await load_document(document_id)
    if actor.can(rights.READ) and await rights.allows(actor, rights.READ, doc.organization_id):
        return doc
    if actor.operator_id is not None and await current().db.fetchone(
        "SELECT id FROM docflow_step WHERE document_id = {} AND assignee_id = {}",
        document_id,
        actor.operator_id,
    ):
        return doc
    raise NotFound(f"document {document_id} does not exist", field="document_id")


async def writable(actor: Actor, document_id: uuid.UUID) -> DocumentRow:
    doc = await visible(actor, document_id)
    if doc.author_id != actor.operator_id or not actor.can(rights.WRITE):
        await rights.require_in_scope(actor, rights.WRITE, doc.organization_id, "document")
    return doc


async def change(actor: Actor, document_id: uuid.UUID, data: DocumentChange) -> DocumentRow:
    doc = await writable(actor, document_id)
    if doc.status not in EDITABLE:
        raise Conflict(f"a document {doc.status} cannot be changed", field="status")
    values: dict[str, Any] = {}
    for name in ("title", "summary", "priority", "control_date"):
        value = getattr(data, name)
        if value is not None:
            values[name] = value
    if data.requisites is not None:
        merged = {**doc.requisites, **data.requisites}
        values["requisites"] = db_value(check_requisites(await load_kind(doc.kind_id), merged))
    if data.correspondent is not None:
        values["correspondent"] = db_value(msgspec.to_builtins(data.correspondent))
    if values:
        sets = ", ".join(f"{k} = {{}}" for k in values)
        async with current().db.transaction():
            await current().db.execute(
                f"UPDATE docflow_document SET {sets}, updated_at = {{}} WHERE id = {{}}",
                *values.values(),
                now(),
                document_id,
            )
    return await load_document(document_id)


async def _link(document_id: uuid.UUID, kind: str, target: uuid.UUID) -> None:
    key = f"{document_id}:{kind}:{target}"
    await current().db.execute(
        "INSERT INTO docflow_link (id, document_id, kind, target_id, key)"
        " VALUES ({}, {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING",
        uuid.uuid4(),
        document_id,
        kind,
        target,
        key,
    )


async def add_link(actor: Actor, document_id: uuid.UUID, data: NewLink) -> list[LinkView]:
    doc = await writable(actor, document_id)
    if data.kind in ("reply_to", "supersedes", "related"):
        if data.target_id == doc.id:
            raise Invalid("a document cannot refer to itself", field="target_id")
        await visible(actor, data.target_id)  # 404 for a document out of scope
    elif data.kind == "appeal":
        from unionline import load_appeal

        appeal = await load_appeal(data.target_id)
        if not await rights.allows(actor, rights.READ, appeal.organization_id):
            raise NotFound("appeal does not exist", field="target_id")
    async with current().db.transaction():
        await _link(document_id, data.kind, data.target_id)
    return await links(document_id)


async def links(document_id: uuid.UUID) -> list[LinkView]:
    rows = await Link.select(Link.kind, Link.target_id).where(Link.document_id == document_id)
    return [LinkView(kind=r["kind"], target_id=r["target_id"]) for r in rows]


def base_view(doc: DocumentRow) -> DocumentView:
    return DocumentView(
        id=doc.id,
        organization_id=doc.organization_id,
        kind_id=doc.kind_id,
        category=doc.category,
        title=doc.title,
        summary=doc.summary,
        status=doc.status,
        priority=doc.priority,
        control_date=doc.control_date,
        requisites=doc.requisites,
        correspondent={k: (None if v is None else str(v)) for k, v in doc.correspondent.items()},
        author_id=doc.author_id,
        member_id=doc.member_id,
        appeal_id=doc.appeal_id,
        journal_id=doc.journal_id,
        number=doc.number,
        registered_at=doc.registered_at,
        stage=doc.stage,
        holders=doc.holders,
        created_at=doc.created_at,
    )


async def card(actor: Actor, document_id: uuid.UUID) -> DocumentView:
    """The whole card: requisites, links, files (every version), the route with its timeline."""
    from unionline.plugins.docflow.files import list_files
    from unionline.plugins.docflow.routing import route_view

    doc = await visible(actor, document_id)
    view = base_view(doc)
    view.links = await links(doc.id)
    view.files = [FileView(**f) for f in msgspec.to_builtins(await list_files(doc.id))]
    view.route = await route_view(doc.id)
    view.kind_name, view.journal_name = await _names(doc)
    return view


async def _names(doc: DocumentRow) -> tuple[str, str]:
    """The kind's and the journal's names, archived or not: the card shows what it was made as."""
    found = await current().db.fetchone(
        "SELECT k.name AS kind, j.name AS journal FROM docflow_kind k"
        " LEFT JOIN docflow_journal j ON j.id = {} WHERE k.id = {}",
        doc.journal_id,
        doc.kind_id,
    )
    if found is None:
        return "", ""
    return str(found["kind"] or ""), str(found["journal"] or "")
