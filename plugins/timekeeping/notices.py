"""Notices in the console's «Уведомления» (``unionline.notify_operator``, once per cause):
to the person — a day closed automatically, an absence or a correction decided; to the
supervisors (``timekeeping.manage`` over the person's organization) — a request awaiting them.
Off with ``notify = false``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import unionline
from unionline import current, notify_operator
from unionline.plugins.timekeeping import rights

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
    rows = await current().db.fetch(
        "SELECT DISTINCT g.operator FROM operator_role_grant g JOIN operator_operator o"
        f" ON o.id = g.operator WHERE o.is_active = {{}} AND g.role IN ({marks_r})"
        f" AND (g.organization_id IS NULL OR g.organization_id IN ({marks_o}))",
        True,
        *roles,
        *line,
    )
    return [uuid.UUID(str(r["operator"])) for r in rows]
