"""Notices in the console's «Уведомления» (``unionline.notify_operator``, once per cause):
to the person — a day closed automatically, an absence or a correction decided; to the
supervisors (``timekeeping.manage`` over the person's organization) — a request awaiting them;
and the violations the organization's policy names, to whom it names (:func:`violation`).
Off with ``notify = false``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import msgspec

import unionline
from unionline import current, notify_operator
from unionline.plugins.timekeeping import rights
from unionline.plugins.timekeeping.schemas import OrganizationPolicy, Violation

PAGE = "#/work/timekeeping"


async def _on() -> bool:
    from unionline.plugins.timekeeping.workday import live_settings

    return (await live_settings()).notify


async def day_closed(
    operator_id: uuid.UUID, organization_id: uuid.UUID, day: date, end: datetime, zone: str
) -> None:
    if not await _on():
        return
    local = end.astimezone(ZoneInfo(zone))
    await notify_operator(
        operator_id,
        cause=f"timekeeping.auto_closed:{operator_id}:{day.isoformat()}",
        title="Рабочий день закрыт автоматически",
        text=f"День {day:%d.%m.%Y} закрыт в {local:%H:%M} по графику: окончание не было отмечено."
        " Если вы работали иначе — исправьте день, указав причину.",
        link=PAGE,
        organization_id=organization_id,
    )


async def decided(
    operator_id: uuid.UUID, organization_id: uuid.UUID, what: str, ident: uuid.UUID, approved: bool
) -> None:
    if not await _on():
        return
    verdict = "согласовано" if approved else "отклонено"
    await notify_operator(
        operator_id,
        cause=f"timekeeping.decided:{ident}",
        title=f"{what}: {verdict}",
        link=PAGE,
        organization_id=organization_id,
    )


async def awaiting(organization_id: uuid.UUID, ident: uuid.UUID, title: str, text: str) -> None:
    """Tell the supervisors of the organization (its line up to the root) about a request."""
    if not await _on():
        return
    for operator_id in await supervisors(organization_id):
        await notify_operator(
            operator_id,
            cause=f"timekeeping.awaiting:{ident}",
            title=title,
            text=text,
            link=PAGE,
            organization_id=organization_id,
        )


async def supervisors(organization_id: uuid.UUID) -> list[uuid.UUID]:
    """Active operators granted a role with ``timekeeping.manage`` over the organization."""
    permission = current().registry.permissions.get(rights.MANAGE)
    roles = sorted(permission.roles) if permission else []
    line = await unionline.organization_ancestors(organization_id)
    if not roles:
        return []
    marks_r = ", ".join("{}" for _ in roles)
    marks_o = ", ".join("{}" for _ in line)
    rows = await current().db.fetch_as(
        _Granted,
        "SELECT DISTINCT g.operator FROM operator_role_grant g JOIN operator_operator o"
        f" ON o.id = g.operator WHERE o.is_active = {{}} AND g.role IN ({marks_r})"
        f" AND (g.organization_id IS NULL OR g.organization_id IN ({marks_o}))",
        True,
        *roles,
        *line,
    )
    return [r.operator for r in rows]


class _Granted(msgspec.Struct, frozen=True):
    operator: uuid.UUID


TITLES = {
    "late": "Опоздание",
    "early_finish": "Ранний уход",
    "short_day": "Неполный рабочий день",
    "underworked": "Недоработка за месяц",
}
MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


def duration(minutes: int) -> str:
    """95 → «1 ч 35 мин», 40 → «40 мин», 120 → «2 ч»."""
    h, m = divmod(max(0, minutes), 60)
    if h and m:
        return f"{h} ч {m} мин"
    return f"{h} ч" if h else f"{m} мин"


def violation_text(v: Violation, period: date | None = None) -> str:
    if v.kind == "underworked" and period is not None:
        return (
            f"За {MONTHS[period.month - 1]} {period.year} недоработано {duration(v.minutes)}"
            " относительно графика (отсутствия учтены)."
        )
    day = f"{v.day:%d.%m.%Y}" if v.day else ""
    what = {
        "late": f"рабочий день начат на {duration(v.minutes)} позже графика",
        "early_finish": f"рабочий день завершён на {duration(v.minutes)} раньше графика",
        "short_day": f"отработано на {duration(v.minutes)} меньше, чем по графику",
    }.get(v.kind, "")
    return f"{day}: {what}."


async def violation(
    v: Violation, organization_id: uuid.UUID, policy: OrganizationPolicy, period: date | None = None
) -> None:
    """Tell of a violation whom the organization's policy names — the supervisors of the
    person's organization, the person — once per violation and recipient (the cause names
    the kind, the person and the day or month)."""
    if not await _on():
        return
    when = f"{period:%Y-%m}" if period is not None else (v.day.isoformat() if v.day else "")
    cause = f"timekeeping.violation:{v.kind}:{v.operator_id}:{when}"
    text = violation_text(v, period)
    told: set[uuid.UUID] = set()
    if policy.notify_supervisors:
        for operator_id in await supervisors(organization_id):
            if operator_id == v.operator_id:
                continue
            told.add(operator_id)
            await notify_operator(
                operator_id,
                cause=cause,
                title=f"{TITLES[v.kind]}: {v.name}",
                text=f"{v.name}, {text}" if v.kind != "underworked" else f"{v.name}. {text}",
                link=PAGE,
                organization_id=organization_id,
            )
    if policy.notify_staffer and v.operator_id not in told:
        await notify_operator(
            v.operator_id,
            cause=cause,
            title=TITLES[v.kind],
            text=text,
            link=PAGE,
            organization_id=organization_id,
        )
