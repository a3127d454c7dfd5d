"""Document kinds and registration journals: configuration kept by ``docflow.manage``.

A kind or journal set on an organization serves its whole subtree (a federation's «Входящие»
journal is every primary organization's unless one keeps its own)."""

from __future__ import annotations

import uuid

import msgspec

from unionline import Actor, Conflict, Invalid, NotFound, current, organization_ancestors
from unionline.plugins.docflow import rights
from unionline.plugins.docflow.numbering import check_format
from unionline.plugins.docflow.schemas import (
    JournalView,
    KindView,
    NewJournal,
    NewKind,
    Requisite,
)
from unionline.plugins.docflow.store import (
    JournalRow,
    KindRow,
    in_scope,
    load_journal,
    load_kind,
    marks,
)
from unionline.plugins.docflow.tables import Journal, Kind


def kind_view(row: KindRow) -> KindView:
    return KindView(
        id=row.id,
        organization_id=row.organization_id,
        code=row.code,
        name=row.name,
        category=row.category,
        requisites=msgspec.convert(row.requisites, list[Requisite]),
        journal_id=row.journal_id,
        archived=row.archived,
    )


def journal_view(row: JournalRow) -> JournalView:
    return JournalView(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        number_format=row.number_format,
        case_index=row.case_index,
        org_code=row.org_code,
    )


async def serves(owner: uuid.UUID, organization_id: uuid.UUID) -> bool:
    """Whether a kind, journal or process of ``owner`` serves ``organization_id``."""
    return owner in await organization_ancestors(organization_id)


async def create_kind(actor: Actor, data: NewKind) -> KindView:
    await rights.require_in_scope(actor, rights.MANAGE, data.organization_id)
    names = [r.name for r in data.requisites]
    if len(set(names)) != len(names):
        raise Invalid("requisite names must differ", field="requisites")
    if data.journal_id is not None:
        journal = await load_journal(data.journal_id)
        if not await serves(journal.organization_id, data.organization_id):
            raise Invalid("the journal does not serve this organization", field="journal_id")
    db = current().db
    async with db.transaction():
        taken = await db.fetchone(
            "SELECT id FROM docflow_kind WHERE organization_id = {} AND code = {}",
            data.organization_id,
            data.code,
        )
        if taken:
            raise Conflict(f"kind {data.code} exists in this organization", field="code")
        row = Kind(
            organization_id=data.organization_id,
            code=data.code,
            name=data.name,
            category=data.category,
            requisites=msgspec.to_builtins(data.requisites),
            journal_id=data.journal_id,
        )
        await row.save()
    return kind_view(await load_kind(row.id))


async def list_kinds(actor: Actor, organization_id: uuid.UUID | None) -> list[KindView]:
    """Kinds set on the organization and its ancestors (or on every visible organization)."""
    if organization_id is not None:
        await rights.require_in_scope(actor, rights.READ, organization_id)
        owners = await organization_ancestors(organization_id)
        where, args = f"organization_id IN ({marks(owners)})", list(owners)
    else:
        where, args = in_scope("organization_id", await rights.serving_owner_ids(actor))
    rows = await current().db.fetch_as(
        KindRow, f"SELECT * FROM docflow_kind WHERE {where} AND NOT archived ORDER BY name", *args
    )
    return [kind_view(r) for r in rows]


async def create_journal(actor: Actor, data: NewJournal) -> JournalView:
    await rights.require_in_scope(actor, rights.MANAGE, data.organization_id)
    check_format(data.number_format)
    if "{case}" in data.number_format and not data.case_index:
        raise Invalid("the format uses {case}: give the case index", field="case_index")
    row = Journal(
        organization_id=data.organization_id,
        name=data.name,
        number_format=data.number_format,
        case_index=data.case_index,
        org_code=data.org_code,
    )
    async with current().db.transaction():
        await row.save()
    return journal_view(await load_journal(row.id))


async def visible_journal(actor: Actor, journal_id: uuid.UUID) -> JournalRow:
    """The journal if it serves an organization the actor reads (its entries stay scoped)."""
    journal = await load_journal(journal_id)
    owners = await rights.serving_owner_ids(actor)
    if owners is not None and journal.organization_id not in owners:
        raise NotFound(f"journal {journal_id} does not exist", field="journal_id")
    return journal


async def list_journals(actor: Actor) -> list[JournalView]:
    where, args = in_scope("organization_id", await rights.serving_owner_ids(actor))
    rows = await current().db.fetch_as(
        JournalRow, f"SELECT * FROM docflow_journal WHERE {where} ORDER BY name", *args
    )
    return [journal_view(r) for r in rows]
