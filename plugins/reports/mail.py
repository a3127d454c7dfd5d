"""The scheduled report's e-mail: a short Russian summary in the text and the report attached —
both from :func:`.query.report`, computed with the recipient's own scope."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING, cast, get_args

from unionline import Actor, MailAttachment
from unionline.plugins.reports import exports, query
from unionline.plugins.reports.schemas import Figures, Group, Report

GROUPS = get_args(Group)

if TYPE_CHECKING:
    from unionline.plugins.reports.schedules import ScheduleRow


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    hours, rest = divmod(seconds, 3600)
    return f"{hours} ч {rest // 60:02d} мин"


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def summary(report: Report) -> str:
    f: Figures = report.totals
    last = report.until - timedelta(days=1)
    where = report.path[-1].name if report.path else "Все организации"
    return "\n".join(
        [
            f"{where}, {report.since:%d.%m.%Y} — {last:%d.%m.%Y}",
            "",
            f"Поступило обращений: {f.received}",
            f"Решено: {f.resolved}",
            f"Переоткрыто: {f.reopened}",
            f"В работе на конец периода: {f.backlog_end}",
            f"Первый ответ, среднее рабочее время: {duration(f.frt_business_average)}",
            f"Первый ответ в срок: {number(f.frt_sla_percent)} %",
            f"Решение, среднее рабочее время: {duration(f.resolution_business_average)}",
            f"Решение в срок: {number(f.resolution_sla_percent)} %",
            *_breakdown(report),
            "",
            "Подробности — во вложении и в консоли (раздел «Отчёты»).",
        ]
    )


BY = {"queue": "По очередям", "tag": "По меткам", "hour": "По часам (местное время)",
      "operator": "По операторам", "channel": "По каналам", "day": "По дням"}  # fmt: skip
SHOWN = 30  # rows in the text; the attachment has them all


def _breakdown(report: Report) -> list[str]:
    """The rows of the chosen breakdown (not by organization: the attachment has those)."""
    if report.group not in BY or not report.rows:
        return []
    lines = ["", f"{BY[report.group]}:"]
    for row, label in zip(report.rows[:SHOWN], exports.labels(report), strict=False):
        f = row.figures
        lines.append(f"  {label}: поступило {f.received}, решено {f.resolved}")
    if len(report.rows) > SHOWN:
        lines.append(f"  … ещё {len(report.rows) - SHOWN} — во вложении")
    return lines


async def _organization(actor: Actor, schedule_org: uuid.UUID) -> uuid.UUID | None:
    """The schedule's organization if the recipient sees it, else the recipient's own top
    organization inside it (they never see more than their own)."""
    if await query.visible(actor, schedule_org):
        return schedule_org
    from unionline import subtree_ids

    inside = await subtree_ids([schedule_org])
    seen = await query.visible(actor, None) or []
    tops = [o for o in seen if o in inside]
    orgs = await query.organizations()
    tops.sort(key=lambda o: len(orgs[o].path) if o in orgs else 0)
    return tops[0] if tops else None


async def compose(
    actor: Actor, row: ScheduleRow, period_start: date
) -> tuple[str, str, MailAttachment] | None:
    from unionline.plugins.reports.schedules import period_before

    since, until = period_before(row.period, _after(row.period, period_start))
    org = await _organization(actor, row.organization_id)
    if org is None or not actor.can(query.READ):
        return None
    group = row.group_by if row.group_by in GROUPS else "organization"
    report = await query.report(
        actor, since=since, until=until, organization_id=org, group=cast(Group, group)
    )
    made = await exports.export(
        actor,
        since=since,
        until=until,
        organization_id=org,
        group=cast(Group, group),
        format="csv" if row.format == "csv" else "xlsx",
    )
    data = b"".join([chunk async for chunk in made.chunks])
    attachment = MailAttachment(
        filename=made.filename, content_type=made.content_type.split(";")[0], data=data
    )
    subject = f"Отчёт «{row.name}» за {since:%d.%m.%Y} — {until - timedelta(days=1):%d.%m.%Y}"
    return subject, summary(report), attachment


def _after(kind: str, start: date) -> date:
    """A day in the period following the one starting at ``start`` (to find it again)."""
    if kind == "day":
        return start + timedelta(days=1)
    if kind == "week":
        return start + timedelta(days=7)
    return (start + timedelta(days=32)).replace(day=1)
