"""Segments: a :class:`SegmentFilter` compiled into one SQL condition over ``member_member m``
(no per-member Python loop) — counted live, listed, exported, and used by a campaign to fill its
recipients in one ``INSERT … SELECT``.

Members are read here with SQL over the members' own tables: a segment of 100,000 members must
count in one statement, which no per-member service call could do.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import tempfile
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import msgspec
import xlsxwriter

from unionline import Actor, Invalid, NotFound, Scope, current, now, subtree_ids
from unionline.plugins.campaigns import rights
from unionline.plugins.campaigns.consent import VALID
from unionline.plugins.campaigns.schemas import (
    CountView,
    MemberBrief,
    SegmentCreate,
    SegmentFilter,
    SegmentView,
)
from unionline.plugins.campaigns.vocabulary import CONTACT_KIND


class Compiled(msgspec.Struct):
    where: str
    args: list[object]


async def organizations(
    scope: Scope, owner: uuid.UUID | None, wanted: list[uuid.UUID]
) -> list[uuid.UUID] | None:
    """The organizations a segment may reach: the wanted subtrees (or the owner's subtree)
    within the actor's scope; None: everything (a federation-wide administrator, no filter)."""
    roots = wanted or ([owner] if owner else [])
    ids: frozenset[uuid.UUID] | None = await subtree_ids(roots) if roots else None
    allowed = scope.organization_ids
    if ids is None:
        return None if allowed is None else sorted(allowed)
    return sorted(ids if allowed is None else ids & allowed)


def compile_filter(
    f: SegmentFilter, orgs: list[uuid.UUID] | None, *, postgres: bool, purpose: str | None = None
) -> Compiled:
    """``f`` as a condition on ``m`` (member_member), with its arguments in order.
    ``purpose`` (a campaign's) also demands a valid consent on a reachable channel."""
    parts = ["m.merged_into IS NULL", "m.erased_at IS NULL"]
    args: list[object] = []

    def add(sql: str, *values: object) -> None:
        parts.append(sql)
        args.extend(values)

    if orgs is not None:
        if not orgs:
            add("1 = 0")
        else:
            add("m.organization_id IN (" + ", ".join("{}" for _ in orgs) + ")", *orgs)
    if f.statuses:
        add("m.status IN (" + ", ".join("{}" for _ in f.statuses) + ")", *f.statuses)
    if f.has_card is not None:
        add("m.card_number IS NOT NULL" if f.has_card else "m.card_number IS NULL")
    for column, value in (("employer", f.employer), ("position", f.position)):
        if value.strip():
            add(f"LOWER(m.{column}) LIKE {{}}", "%" + _like(value.strip().lower()) + "%")
    if f.tags:
        add("(" + " OR ".join(_tag(postgres) for _ in f.tags) + ")", *f.tags)
    for field in f.custom_fields:
        extract = (
            f"(m.custom_fields::jsonb ->> '{field.key}')"
            if postgres
            else f"CAST(json_extract(m.custom_fields, '$.\"{field.key}\"') AS TEXT)"
        )
        add(f"{extract} = {{}}", field.value)
    if f.appealed_within_days:
        since = now() - timedelta(days=f.appealed_within_days)
        add(
            "EXISTS (SELECT 1 FROM appeal_appeal a WHERE a.member_id = m.id"
            " AND a.created_at >= {})",
            since,
        )
    purpose = f.consent_purpose or purpose
    channels = list(f.reachable) or (["email", "sms", "telegram", "vk", "voice"] if purpose else [])
    if channels:
        options = []
        for channel in channels:
            reach = (
                "EXISTS (SELECT 1 FROM member_contact_point cp WHERE cp.member_id = m.id"
                " AND cp.kind = {} AND cp.blocked = {})"
            )
            args.extend([CONTACT_KIND[channel], False])
            if purpose:
                reach += " AND " + VALID.format(m="m.id", c="{}", p="{}")
                args.extend([channel, purpose])
            options.append(f"({reach})")
        parts.append("(" + " OR ".join(options) + ")")
    return Compiled(" AND ".join(parts), args)


def _tag(postgres: bool) -> str:
    if postgres:
        return "COALESCE(m.custom_fields::jsonb -> 'tags', '[]'::jsonb) ? {}"
    return "EXISTS (SELECT 1 FROM json_each(m.custom_fields, '$.tags') t WHERE t.value = {})"


def _like(text: str) -> str:
    return text.replace("\\", "").replace("%", "").replace("_", "")


async def compiled_for(
    actor: Actor, f: SegmentFilter, owner: uuid.UUID | None, *, purpose: str | None = None
) -> Compiled:
    scope = await rights.scope(actor, rights.READ)
    if owner is not None and not scope.allows(owner):
        raise Invalid("organization does not exist", field="organization_id")
    orgs = await organizations(scope, owner, f.organization_ids)
    return compile_filter(f, orgs, postgres=current().db.is_postgres, purpose=purpose)


async def count(
    actor: Actor, f: SegmentFilter, owner: uuid.UUID | None, *, purpose: str | None = None
) -> CountView:
    c = await compiled_for(actor, f, owner, purpose=purpose)
    db = current().db
    row = await db.fetchone(f"SELECT COUNT(*) AS n FROM member_member m WHERE {c.where}", *c.args)
    sample = await db.fetch_as(
        MemberBrief,
        f"SELECT m.id, m.full_name, m.status FROM member_member m WHERE {c.where}"
        " ORDER BY m.full_name, m.id LIMIT 10",
        *c.args,
    )
    return CountView(count=int(row["n"]) if row else 0, sample=sample)


class _ExportRow(msgspec.Struct):
    id: uuid.UUID
    full_name: str
    status: str
    card_number: str | None
    employer: str
    position: str
    email: str | None
    phone: str | None


PAGE = 2000
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
_HEAD = ["id", "ФИО", "статус", "билет", "работодатель", "должность", "e-mail", "телефон"]


async def _pages(c: Compiled) -> AsyncIterator[list[_ExportRow]]:
    """The segment's members in pages of 2,000 (keyset: each page one indexed query)."""
    db = current().db
    last = ""
    while True:
        rows = await db.fetch_as(
            _ExportRow,
            "SELECT m.id, m.full_name, m.status, m.card_number, m.employer, m.position,"
            " (SELECT MIN(cp.address) FROM member_contact_point cp WHERE cp.member_id = m.id"
            "  AND cp.kind = 'email') AS email,"
            " (SELECT MIN(cp.address) FROM member_contact_point cp WHERE cp.member_id = m.id"
            "  AND cp.kind = 'phone') AS phone"
            f" FROM member_member m WHERE {c.where} AND CAST(m.id AS TEXT) > {{}}"
            f" ORDER BY CAST(m.id AS TEXT) LIMIT {PAGE}",
            *c.args,
            last,
        )
        if not rows:
            return
        yield rows
        last = str(rows[-1].id)


async def export_csv(
    actor: Actor, f: SegmentFilter, owner: uuid.UUID | None
) -> AsyncIterator[bytes]:
    """The segment's members as CSV (UTF-8 with BOM, so Excel reads Cyrillic), page by page."""
    c = await compiled_for(actor, f, owner)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_HEAD)
    yield ("\ufeff" + buffer.getvalue()).encode()
    async for rows in _pages(c):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for r in rows:
            writer.writerow([_cell(v) for v in msgspec.structs.astuple(r)])
        yield buffer.getvalue().encode()


async def export_xlsx(
    actor: Actor, f: SegmentFilter, owner: uuid.UUID | None
) -> AsyncIterator[bytes]:
    """The segment's members as an XLSX workbook: XlsxWriter in constant-memory mode, each page
    written in a worker thread as it is read (every cell as text: nothing becomes a formula or
    loses its leading zeros), then the file is streamed and deleted."""
    c = await compiled_for(actor, f, owner)  # scope errors before anything is written
    fd, path = tempfile.mkstemp(prefix="unionline-segment-", suffix=".xlsx")
    os.close(fd)
    try:
        book = xlsxwriter.Workbook(path, {"constant_memory": True, "in_memory": False})
        sheet = book.add_worksheet("Сегмент")
        sheet.write_row(0, 0, _HEAD, book.add_format({"bold": True}))
        sheet.set_column(0, 0, 38)
        sheet.set_column(1, 1, 36)
        sheet.set_column(2, 7, 18)
        line = 1
        async for rows in _pages(c):
            await asyncio.to_thread(_write_rows, sheet, line, rows)
            line += len(rows)
        await asyncio.to_thread(book.close)
        with open(path, "rb") as file:
            while chunk := await asyncio.to_thread(file.read, 256 * 1024):
                yield chunk
    finally:
        os.unlink(path)


def _write_rows(sheet: Any, first: int, rows: list[_ExportRow]) -> None:
    for i, r in enumerate(rows):
        for col, value in enumerate(msgspec.structs.astuple(r)):
            if value is not None and str(value):
                sheet.write_string(first + i, col, _NOT_XML.sub("", str(value)))


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would be a formula in a spreadsheet (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# -- saved segments ---------------------------------------------------------------------------


class _SegmentRow(msgspec.Struct):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    filter: SegmentFilter


async def save(actor: Actor, data: SegmentCreate) -> SegmentView:
    await rights.require_in_scope(actor, rights.MANAGE, data.organization_id)
    segment_id = uuid.uuid4()
    await current().db.execute(
        "INSERT INTO campaigns_segment (id, organization_id, name, filter, created_by, created_at)"
        " VALUES ({}, {}, {}, {}, {}, {})",
        segment_id, data.organization_id, data.name.strip(),
        msgspec.json.encode(data.filter).decode(), actor.operator_id, now(),
    )  # fmt: skip
    return SegmentView(
        id=segment_id, organization_id=data.organization_id, name=data.name, filter=data.filter
    )


async def saved(actor: Actor) -> list[SegmentView]:
    scope = await rights.scope(actor, rights.READ)
    ids = scope.ids()
    where, args = "", []
    if ids is not None:
        where = (
            "WHERE organization_id IN (" + ", ".join("{}" for _ in ids) + ")"
            if ids
            else "WHERE 1 = 0"
        )
        args = list(ids)
    rows = await current().db.fetch_as(
        _SegmentRow,
        f"SELECT id, organization_id, name, filter FROM campaigns_segment {where} ORDER BY name",
        *args,
    )
    return [
        SegmentView(id=r.id, organization_id=r.organization_id, name=r.name, filter=r.filter)
        for r in rows
    ]


async def delete(actor: Actor, segment_id: uuid.UUID) -> None:
    row = await current().db.fetch_one_as(
        _SegmentRow,
        "SELECT id, organization_id, name, filter FROM campaigns_segment WHERE id = {}",
        segment_id,
    )
    if row is None:
        raise NotFound("segment does not exist", field="segment_id")
    await rights.require_in_scope(actor, rights.MANAGE, row.organization_id, "segment")
    await current().db.execute("DELETE FROM campaigns_segment WHERE id = {}", segment_id)
