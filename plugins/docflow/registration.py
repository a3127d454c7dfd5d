"""Registering a document in its journal, the journal's view and its XLSX export.

Registration is one transaction: the card is locked and checked, then — last — the number
taken from the journal's counter and written into the card (see :mod:`.numbering`) and
``docflow.registered`` published. Anything failing in it — a concurrent registration of the
same card, a robot's action, the commit — rolls the number back with it."""

from __future__ import annotations

import io
import uuid
from datetime import datetime
from typing import Any

import msgspec
import xlsxwriter

from unionline import Actor, Conflict, Invalid, current, now, publish
from unionline.plugins.docflow import rights
from unionline.plugins.docflow.catalog import journal_view, serves, visible_journal
from unionline.plugins.docflow.numbering import take, year_of
from unionline.plugins.docflow.schemas import DocumentRegistered, JournalEntry, JournalPage
from unionline.plugins.docflow.store import DocumentRow, load_document, load_journal


async def register(
    actor: Actor | None, document_id: uuid.UUID, journal_id: uuid.UUID | None = None
) -> DocumentRow:
    """Give the document its number. ``actor=None``: a process or robot registers it."""
    db = current().db
    async with db.transaction():
        doc = await load_document(document_id, lock=True)
        if actor is not None:
            from unionline.plugins.docflow.documents import visible

            await visible(actor, document_id)
            await rights.require_in_scope(actor, rights.REGISTER, doc.organization_id, "document")
        if doc.number:
            raise Conflict(f"already registered as {doc.number}", field="document_id")
        journal = await load_journal(journal_id or _journal_of(doc))
        if journal.archived:
            raise Invalid("the journal is archived", field="journal_id")
        if journal.organization_id != doc.organization_id and not await serves(
            journal.organization_id, doc.organization_id
        ):
            raise Invalid(
                "the journal does not serve the document's organization", field="journal_id"
            )
        moment = now()
        year = await year_of(journal.organization_id, moment)
        status = "registered" if doc.status == "draft" else doc.status
        taken = await take(
            journal_id=journal.id,
            number_format=journal.number_format,
            case=journal.case_index,
            org=journal.org_code,
            reset=journal.reset,
            year=year,
            document_id=doc.id,
            moment=moment,
            status=status,
        )
        await publish(
            DocumentRegistered(
                organization_id=doc.organization_id,
                document_id=doc.id,
                number=taken.number,
                journal_id=journal.id,
            )
        )
    return msgspec.structs.replace(
        doc,
        journal_id=journal.id,
        year=year,
        seq=taken.seq,
        number=taken.number,
        registered_at=moment,
        status=status,
    )


def _journal_of(doc: DocumentRow) -> uuid.UUID:
    if doc.journal_id is None:
        raise Invalid("the document's kind has no journal: name one", field="journal_id")
    return doc.journal_id


class _EntryRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    number: str
    seq: int
    registered_at: datetime
    title: str
    kind: str
    correspondent: dict[str, Any]
    status: str
    stage: str


async def entries(actor: Actor, journal_id: uuid.UUID, year: int | None) -> JournalPage:
    """The journal's registered documents of ``year`` (default: this year in its time zone),
    in number order — only those of organizations the actor reads."""
    journal = await visible_journal(actor, journal_id)
    year = year or await year_of(journal.organization_id, now())
    from unionline.plugins.docflow.store import in_scope

    where, args = in_scope("d.organization_id", await rights.readable_ids(actor))
    rows = await current().db.fetch_as(
        _EntryRow,
        "SELECT d.id, d.number, d.seq, d.registered_at, d.title, k.name AS kind,"
        " d.correspondent, d.status, d.stage FROM docflow_document d"
        " JOIN docflow_kind k ON k.id = d.kind_id"
        f" WHERE d.journal_id = {{}} AND d.year = {{}} AND d.seq IS NOT NULL AND {where}"
        " ORDER BY d.seq",
        journal_id,
        year,
        *args,
    )
    return JournalPage(
        journal=journal_view(journal),
        year=year,
        entries=[
            JournalEntry(
                document_id=r.id,
                number=r.number,
                seq=r.seq,
                registered_at=r.registered_at,
                title=r.title,
                kind=r.kind,
                correspondent=str(r.correspondent.get("name") or ""),
                status=r.status,
                stage=r.stage,
            )
            for r in rows
        ],
    )


HEADERS = ("№", "Дата регистрации", "Вид", "Заголовок", "Корреспондент", "Статус", "Этап")


async def export_xlsx(actor: Actor, journal_id: uuid.UUID, year: int | None) -> bytes:
    """The journal of a year as an XLSX sheet, in the same scope as its view."""
    page = await entries(actor, journal_id, year)
    zone = await _zone(page.journal.organization_id)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "remove_timezone": True})
    sheet = book.add_worksheet(f"{page.year}")
    bold = book.add_format({"bold": True})
    when = book.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    sheet.write_row(0, 0, HEADERS, bold)
    for i, e in enumerate(page.entries, start=1):
        sheet.write_string(i, 0, e.number)
        sheet.write_datetime(i, 1, e.registered_at.astimezone(zone).replace(tzinfo=None), when)
        for col, value in enumerate((e.kind, e.title, e.correspondent, e.status, e.stage), 2):
            sheet.write_string(i, col, value)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 6, 28)
    book.close()
    return out.getvalue()


async def _zone(organization_id: uuid.UUID) -> Any:
    from zoneinfo import ZoneInfo

    from unionline.calendar import timezone_for

    return ZoneInfo(await timezone_for(organization_id))
