"""Document kinds and registration journals: configuration kept by ``docflow.manage``.

A kind or journal set on an organization serves its whole subtree (a federation's «Входящие»
journal is every primary organization's unless one keeps its own)."""

from __future__ import annotations

import uuid

import msgspec

from unionline import (
    Actor,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    current,
    filter_scope,
    organization_ancestors,
)
from unionline.plugins.docflow import rights
from unionline.plugins.docflow.numbering import check_format
from unionline.plugins.docflow.schemas import (
    JournalChange,
    JournalView,
    KindChange,
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
from unionline.rows import IdRow, db_value


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
        reset=row.reset,
        archived=row.archived,
    )


async def serves(owner: uuid.UUID, organization_id: uuid.UUID) -> bool:
    """Whether a kind, journal or process of ``owner`` serves ``organization_id``."""
    return owner in await organization_ancestors(organization_id)


async def managed(actor: Actor, owner: uuid.UUID, field: str, what: str) -> None:
    """May the actor change a kind, journal, template or process of ``owner``? 404 naming
    ``field`` when it does not even see it, 403 when it sees it (a higher organization's) but
    does not keep that organization's setup."""
    owners = await rights.serving_owner_ids(actor)
    if owners is not None and owner not in owners:
        raise NotFound(f"{what} does not exist", field=field)
    actor.require(rights.MANAGE)
    if not await rights.allows(actor, rights.MANAGE, owner):
        raise Forbidden(f"the {what} is kept by a higher organization", field=field)


async def _check_kind(
    organization_id: uuid.UUID,
    code: str,
    requisites: list[Requisite],
    journal_id: uuid.UUID | None,
    *,
    itself: uuid.UUID | None = None,
    kept_journal: uuid.UUID | None = None,
) -> None:
    names = [r.name for r in requisites]
    if len(set(names)) != len(names):
        raise Invalid("requisite names must differ", field="requisites")
    if journal_id is not None:
        journal = await load_journal(journal_id)
        if not await serves(journal.organization_id, organization_id):
            raise Invalid("the journal does not serve this organization", field="journal_id")
        if journal.archived and journal_id != kept_journal:
            raise Invalid("the journal is archived", field="journal_id")
    taken = await current().db.fetch_one_as(
        IdRow,
        "SELECT id FROM docflow_kind WHERE organization_id = {} AND code = {}",
        organization_id,
        code,
    )
    if taken and taken.id != itself:
        raise Conflict(f"kind {code} exists in this organization", field="code")


async def create_kind(actor: Actor, data: NewKind) -> KindView:
    await rights.require_in_scope(actor, rights.MANAGE, data.organization_id)
    db = current().db
    async with db.transaction():
        await _check_kind(data.organization_id, data.code, data.requisites, data.journal_id)
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


async def update_kind(actor: Actor, kind_id: uuid.UUID, data: KindChange) -> KindView:
    """Change a kind; documents made before keep their category and requisite values."""
    db = current().db
    async with db.transaction():
        kind = await load_kind(kind_id)
        await managed(actor, kind.organization_id, "kind_id", "kind")
        await _check_kind(
            kind.organization_id,
            data.code,
            data.requisites,
            data.journal_id,
            itself=kind.id,
            kept_journal=kind.journal_id,
        )
        await db.execute(
            "UPDATE docflow_kind SET code = {}, name = {}, category = {}, requisites = {},"
            " journal_id = {} WHERE id = {}",
            data.code,
            data.name,
            data.category,
            db_value(msgspec.to_builtins(data.requisites)),
            data.journal_id,
            kind.id,
        )
    return kind_view(await load_kind(kind_id))


async def archive_kind(actor: Actor, kind_id: uuid.UUID, archived: bool) -> KindView:
    """An archived kind is offered nowhere (new documents, processes); documents of it keep
    showing its name. Refused while a process in use makes documents of it."""
    db = current().db
    async with db.transaction():
        kind = await load_kind(kind_id)
        await managed(actor, kind.organization_id, "kind_id", "kind")
        if archived:
            await _no_live_process("kind_id", kind.id)
        elif kind.journal_id is not None and (await load_journal(kind.journal_id)).archived:
            raise Conflict(
                "its journal is archived: bring the journal back first", field="journal_id"
            )
        await db.execute("UPDATE docflow_kind SET archived = {} WHERE id = {}", archived, kind.id)
    return kind_view(await load_kind(kind_id))


async def _no_live_process(column: str, target: uuid.UUID) -> None:
    used = await current().db.fetchone(
        f"SELECT name FROM docflow_process WHERE {column} = {{}} AND NOT archived LIMIT 1",
        target,
    )
    if used is not None:
        raise Conflict(
            f"the process «{used['name']}» uses it: change or archive the process first",
            field="archived",
            extra={"used_by": str(used["name"])},
        )


async def list_kinds(
    actor: Actor, organization_id: uuid.UUID | None, archived: bool = False
) -> list[KindView]:
    """Kinds set on the organization and its ancestors (or on every visible organization);
    ``archived``: the archived ones too (the admin page). An organization outside the scope, or
    none at all, has none (``filter_scope``)."""
    if organization_id is not None:
        actor.require(rights.READ)
        if not (await filter_scope(actor, rights.READ, organization_id)).allows(organization_id):
            return []
        owners = await organization_ancestors(organization_id)
        where, args = f"organization_id IN ({marks(owners)})", list(owners)
    else:
        where, args = in_scope("organization_id", await rights.serving_owner_ids(actor))
    live = "" if archived else " AND NOT archived"
    rows = await current().db.fetch_as(
        KindRow, f"SELECT * FROM docflow_kind WHERE {where}{live} ORDER BY name", *args
    )
    return [kind_view(r) for r in rows]


def _check_journal(data: NewJournal | JournalChange) -> None:
    check_format(data.number_format)
    if "{case}" in data.number_format and not data.case_index:
        raise Invalid(
            "the format uses {case}: give the case index",
            field="case_index",
            extra={"problem": "needed", "part": "case"},
        )
    if "{org}" in data.number_format and not data.org_code:
        raise Invalid(
            "the format uses {org}: give the organization code",
            field="org_code",
            extra={"problem": "needed", "part": "org"},
        )


async def create_journal(actor: Actor, data: NewJournal) -> JournalView:
    await rights.require_in_scope(actor, rights.MANAGE, data.organization_id)
    _check_journal(data)
    row = Journal(
        organization_id=data.organization_id,
        name=data.name,
        number_format=data.number_format,
        case_index=data.case_index,
        org_code=data.org_code,
        reset=data.reset,
    )
    async with current().db.transaction():
        await row.save()
    return journal_view(await load_journal(row.id))


async def update_journal(actor: Actor, journal_id: uuid.UUID, data: JournalChange) -> JournalView:
    """Change a journal: numbers given before stay as they were; the new format applies from
    the next registration. The reset rule changes only while the journal is empty (a journal
    numbered by year switched to one sequence would give a number twice)."""
    db = current().db
    async with db.transaction():
        journal = await load_journal(journal_id)
        await managed(actor, journal.organization_id, "journal_id", "journal")
        _check_journal(data)
        if data.reset != journal.reset:
            used = await db.fetchone(
                "SELECT id FROM docflow_document WHERE journal_id = {} AND seq IS NOT NULL LIMIT 1",
                journal.id,
            )
            if used is not None:
                raise Conflict(
                    "documents are registered in this journal: its reset rule stays",
                    field="reset",
                )
        await db.execute(
            "UPDATE docflow_journal SET name = {}, number_format = {}, case_index = {},"
            " org_code = {}, reset = {} WHERE id = {}",
            data.name,
            data.number_format,
            data.case_index,
            data.org_code,
            data.reset,
            journal.id,
        )
    return journal_view(await load_journal(journal_id))


async def archive_journal(actor: Actor, journal_id: uuid.UUID, archived: bool) -> JournalView:
    """An archived journal registers nothing and is offered to no kind; its entries stay
    readable and exportable. Refused while a kind in use registers into it."""
    db = current().db
    async with db.transaction():
        journal = await load_journal(journal_id)
        await managed(actor, journal.organization_id, "journal_id", "journal")
        if archived:
            used = await db.fetchone(
                "SELECT name FROM docflow_kind WHERE journal_id = {} AND NOT archived LIMIT 1",
                journal.id,
            )
            if used is not None:
                raise Conflict(
                    f"the kind «{used['name']}» registers into it: change or archive the kind"
                    " first",
                    field="archived",
                    extra={"used_by": str(used["name"])},
                )
        await db.execute(
            "UPDATE docflow_journal SET archived = {} WHERE id = {}", archived, journal.id
        )
    return journal_view(await load_journal(journal_id))


async def visible_journal(actor: Actor, journal_id: uuid.UUID) -> JournalRow:
    """The journal if it serves an organization the actor reads (its entries stay scoped)."""
    journal = await load_journal(journal_id)
    owners = await rights.serving_owner_ids(actor)
    if owners is not None and journal.organization_id not in owners:
        raise NotFound(f"journal {journal_id} does not exist", field="journal_id")
    return journal


async def list_journals(actor: Actor, archived: bool = False) -> list[JournalView]:
    """Journals of the visible organizations; ``archived``: the archived ones too (their
    entries stay readable)."""
    where, args = in_scope("organization_id", await rights.serving_owner_ids(actor))
    live = "" if archived else " AND NOT archived"
    rows = await current().db.fetch_as(
        JournalRow, f"SELECT * FROM docflow_journal WHERE {where}{live} ORDER BY name", *args
    )
    return [journal_view(r) for r in rows]
