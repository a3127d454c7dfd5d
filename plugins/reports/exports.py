"""XLSX and CSV of a report, and of the appeals behind it — the same numbers as the console.

The report's table is :func:`.query.report` written out column by column (:data:`COLUMNS`).
The appeals export is every appeal with what it added to each counter in the period, read a
page at a time: CSV is sent as it is read; XLSX is written page by page by :mod:`.xlsx` (rows
leave memory as they are written, in a worker thread, while the next page is read) into a
temporary file that is then streamed. Durations are Excel times (``[ч]:мм:сс``) in XLSX and
seconds in CSV; CSV is what a Russian Excel opens: UTF-8 with a BOM, ``;`` between fields, a
decimal comma.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import msgspec

from unionline import Actor, current
from unionline.plugins.reports import query, xlsx
from unionline.plugins.reports.schemas import Figures, Format, Group, Report
from unionline.plugins.reports.xlsx import Kind
from unionline.rows import decode_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

# The report's columns: Figures field, Russian heading, how it is written.
COLUMNS: tuple[tuple[str, str, Kind], ...] = (
    ("received", "Поступило", "count"),
    ("resolved", "Решено", "count"),
    ("reopened", "Переоткрыто", "count"),
    ("backlog_start", "В работе на начало", "count"),
    ("backlog_end", "В работе на конец", "count"),
    ("first_responses", "Первых ответов", "count"),
    ("frt_average", "Первый ответ, среднее", "seconds"),
    ("frt_business_average", "Первый ответ, рабочее время", "seconds"),
    ("frt_sla_percent", "Первый ответ в срок, %", "percent"),
    ("frt_sla_breached", "Первый ответ с нарушением срока", "count"),
    ("resolution_average", "Решение, среднее", "seconds"),
    ("resolution_business_average", "Решение, рабочее время", "seconds"),
    ("resolution_sla_percent", "Решение в срок, %", "percent"),
    ("resolution_sla_breached", "Решение с нарушением срока", "count"),
    ("transfers", "Передано другим", "count"),
    ("replies", "Ответов", "count"),
    ("messages_in", "Сообщений от членов профсоюза", "count"),
    ("concurrent_average", "Одновременно в работе, среднее", "number"),
    ("handled_per_worked_hour", "Решено за отработанный час", "number"),
)
GROUP_TITLES = {
    "organization": "Организация",
    "operator": "Оператор",
    "channel": "Канал",
    "day": "День",
    "queue": "Очередь",
    "tag": "Метка",
    "hour": "Час (местное время)",
}


@dataclass
class Made:
    chunks: AsyncIterator[bytes]
    content_type: str
    filename: str


def value_of(figures: Figures, name: str) -> Any:
    return getattr(figures, name)


def headings(report: Report) -> list[str]:
    return [
        GROUP_TITLES[report.group],
        *(title for _, title, _ in COLUMNS),
        *(m.title_ru for m in report.metrics),
    ]


def labels(report: Report) -> list[str]:
    """Each row's name as the downloads and e-mails write it."""
    return [row.label or ("Не назначено" if row.operator_id else row.key) for row in report.rows]


def cells(report: Report) -> Iterable[tuple[str, Figures]]:
    yield from zip(labels(report), (row.figures for row in report.rows), strict=True)
    yield "Итого", report.totals
    if report.previous is not None:
        yield "Предыдущий период", report.previous


def row_values(report: Report, label: str, figures: Figures) -> list[Any]:
    return [
        label,
        *(value_of(figures, name) for name, _, _ in COLUMNS),
        *(figures.extra.get(m.key) for m in report.metrics),
    ]


def kinds(report: Report) -> list[Kind]:
    extra: list[Kind] = ["number"] * len(report.metrics)
    return ["count", *(k for _, _, k in COLUMNS), *extra]


def title(report: Report) -> str:
    last = date.fromordinal(report.until.toordinal() - 1)
    where = report.path[-1].name if report.path else "Все организации"
    return f"{where}: {report.since:%d.%m.%Y} — {last:%d.%m.%Y}"


async def export(
    actor: Actor,
    *,
    since: date,
    until: date,
    organization_id: uuid.UUID | None,
    group: Group,
    format: Format,
    kind: Literal["report", "appeals"] = "report",
) -> Made:
    query.check_period(since, until)
    name = f"report-{since:%Y%m%d}-{until:%Y%m%d}"
    if kind == "appeals":
        ids = await query.visible(actor, organization_id)
        pages = appeal_pages(ids, since, until)
        if format == "csv":
            return Made(_csv_chunks(APPEAL_HEADINGS, pages), CSV, f"appeals-{name}.csv")
        return Made(
            await _xlsx_file(APPEAL_HEADINGS, pages, APPEAL_KINDS, "Обращения"),
            XLSX,
            f"appeals-{name}.xlsx",
        )
    report = await query.report(
        actor, since=since, until=until, organization_id=organization_id, group=group
    )

    async def one_page() -> AsyncIterator[list[list[Any]]]:
        yield [row_values(report, label, fig) for label, fig in cells(report)]

    if format == "csv":
        return Made(_csv_chunks(headings(report), one_page()), CSV, f"{name}.csv")
    made = await _xlsx_file(headings(report), one_page(), kinds(report), "Отчёт", title(report))
    return Made(made, XLSX, f"{name}.xlsx")


# -- CSV ------------------------------------------------------------------------------------------


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).replace(".", ",")  # the API's number, with a decimal comma
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


async def _csv_chunks(
    heading: list[str], pages: AsyncIterator[list[list[Any]]]
) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(heading)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    async for page in pages:
        buffer.seek(0)
        buffer.truncate()
        for row in page:
            writer.writerow([csv_text(v) for v in row])
        yield buffer.getvalue().encode("utf-8")


# -- XLSX -----------------------------------------------------------------------------------------


async def _xlsx_file(
    heading: list[str],
    pages: AsyncIterator[list[list[Any]]],
    column_kinds: list[Kind],
    sheet: str,
    caption: str | None = None,
) -> AsyncIterator[bytes]:
    """The rows into an XLSX file (:mod:`.xlsx`: each page written out as it comes, memory
    flat), in a worker thread, while the next page is read; then streamed."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    coming: asyncio.Future[list[list[Any]] | None] | None = None
    try:
        with os.fdopen(fd, "wb") as target:
            writer = xlsx.SheetWriter(target, sheet, column_kinds)
            if caption:
                writer.write_rows([[caption]], xlsx.BOLD)
            writer.write_rows([heading], xlsx.BOLD)
            coming = asyncio.ensure_future(anext(pages, None))
            while (page := await coming) is not None:
                coming = asyncio.ensure_future(anext(pages, None))  # read while writing
                await asyncio.to_thread(writer.write_rows, page)
            await asyncio.to_thread(writer.close)
    except BaseException:
        if coming is not None:
            coming.cancel()
        os.unlink(path)
        raise
    return _file_chunks(path)


async def _file_chunks(path: str, size: int = 1 << 16) -> AsyncIterator[bytes]:
    try:
        with open(path, "rb") as f:
            while chunk := await asyncio.to_thread(f.read, size):
                yield chunk
    finally:
        os.unlink(path)


# -- the appeals behind the report ---------------------------------------------------------------

APPEAL_HEADINGS = [
    "Номер",
    "Организация",
    "Канал",
    "Статус",
    "Создано (UTC)",
    "Поступило",
    "Решено",
    "Переоткрыто",
    "Первый ответ",
    "Первый ответ, рабочее время",
    "Решение",
    "Решение, рабочее время",
    "Передано другим",
    "Ответов",
    "Сообщений от членов профсоюза",
]
APPEAL_KINDS: list[Kind] = [
    "count", "count", "count", "count", "count", "count", "count", "count",
    "seconds", "seconds", "seconds", "seconds", "count", "count", "count",
]  # fmt: skip
APPEAL_SUMS = (
    "received",
    "resolved",
    "reopened",
    "frt_seconds",
    "frt_business_seconds",
    "resolution_seconds",
    "resolution_business_seconds",
    "transfers",
    "replies",
    "messages_in",
)


class _AppealSums(msgspec.Struct):
    appeal_id: uuid.UUID
    number: str
    organization: str
    channel: str
    status: str
    created_at: datetime
    received: int
    resolved: int
    reopened: int
    frt_seconds: int
    frt_business_seconds: int
    resolution_seconds: int
    resolution_business_seconds: int
    transfers: int
    replies: int
    messages_in: int
    org: uuid.UUID


def appeal_row(r: _AppealSums) -> list[Any]:
    return [
        r.number,
        r.organization,
        r.channel,
        r.status,
        r.created_at,
        r.received,
        r.resolved,
        r.reopened,
        *(r.frt_seconds, r.frt_business_seconds, r.resolution_seconds),
        r.resolution_business_seconds,
        r.transfers,
        r.replies,
        r.messages_in,
    ]


async def appeal_pages(
    ids: list[uuid.UUID] | None, since: date, until: date, size: int = 0
) -> AsyncIterator[list[list[Any]]]:
    """Every appeal that added anything in the days, a page at a time in id order: one
    statement per page, a keyset over the contributions (their ``appeal_id`` index, grouped as
    read, the page's appeals then joined by primary key)."""
    db = current().db
    size = size or (5000 if db.is_postgres else 400)
    scope, args = query._where(ids, "c.")
    allowed = None if ids is None else set(ids)
    summed = ", ".join(f"CAST(SUM(c.{c}) AS BIGINT) AS {c}" for c in APPEAL_SUMS)
    sql = (
        f"SELECT s.appeal_id, a.number, o.name AS organization, a.channel, a.status,"
        f" a.created_at, {', '.join(f's.{c}' for c in APPEAL_SUMS)}, a.organization_id AS org"
        f" FROM (SELECT c.appeal_id, {summed} FROM reports_contribution c"
        f" WHERE c.appeal_id > {{}} AND c.day >= {{}} AND c.day < {{}}{scope}"
        " GROUP BY c.appeal_id ORDER BY c.appeal_id LIMIT {}) s"
        " LEFT JOIN appeal_appeal a ON a.id = s.appeal_id"
        " LEFT JOIN organization_organization o ON o.id = a.organization_id"
        " ORDER BY s.appeal_id"
    )
    bounds = (query.ymd(since), query.ymd(until))
    last: Any = uuid.UUID(int=0)
    while True:
        rows = await db.fetch(sql, last, *bounds, *args, size)
        if not rows:
            return
        last = rows[-1]["appeal_id"]
        # An appeal is written when it is still there and (moved since it was counted) still
        # in the reader's organizations.
        kept = [r for r in rows if r["number"] is not None]
        if db.is_postgres:  # typed values already: the columns in order, no decoder
            found = [list(r.values())[1:-1] for r in kept if allowed is None or r["org"] in allowed]
        else:
            found = [
                appeal_row(r)
                for r in decode_rows(_AppealSums, kept)
                if allowed is None or r.org in allowed
            ]
        if found:
            yield found
        if len(rows) < size:
            return
