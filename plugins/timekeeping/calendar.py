"""Approved absences in the staff calendar (``unionline.add_calendar_source``): the meetings
plugin's day and week views and its free/busy read them — never importing this plugin — so a
meeting is not set for someone on vacation, sick leave or a business trip."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from unionline import CalendarItem, CalendarQuery, current


class _Absent(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    operator_id: uuid.UUID
    organization_id: uuid.UUID
    code: str
    starts_at: datetime
    ends_at: datetime


class Absences:
    name = "timekeeping"

    async def items(self, query: CalendarQuery) -> list[CalendarItem]:
        from unionline.plugins.timekeeping.codes import BY_LETTER

        found = query.sql_where(
            organization="organization_id",
            operator="operator_id",
            during=("starts_at", "ends_at"),
        )
        if found is None:
            return []
        where, args = found
        rows = await current().db.fetch_as(
            _Absent,
            "SELECT id, operator_id, organization_id, code, starts_at, ends_at"
            f" FROM timekeeping_absence WHERE status = 'approved' AND {where}"
            " ORDER BY starts_at LIMIT 1000",
            *args,
        )
        return [
            CalendarItem(
                source="timekeeping",
                kind="absence",
                id=str(r.id),
                title=_title(BY_LETTER.get(r.code), r.code),
                organization_id=r.organization_id,
                operator_id=r.operator_id,
                starts_at=r.starts_at,
                ends_at=r.ends_at,
                busy=True,
                href="#/work/timekeeping",
            )
            for r in rows
        ]


def _title(code: Any, letter: str) -> str:
    """«ОТ — Ежегодный основной оплачиваемый отпуск»: the T-13 code and its meaning."""
    return f"{letter} — {code.name_ru}" if code is not None else letter
