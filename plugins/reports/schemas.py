"""Reports API bodies and views: the one report shape every output is made from."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from unionline import Text

Group = Literal["organization", "operator", "channel", "day", "queue", "tag", "hour"]
Period = Literal["day", "week", "month"]
Format = Literal["xlsx", "csv"]


class Figures(msgspec.Struct, kw_only=True):
    """The numbers of one row (or the totals). Durations are whole seconds; averages are
    rounded to the second, percentages to a tenth; None where there is nothing to divide."""

    received: int = 0
    resolved: int = 0
    reopened: int = 0
    backlog_start: int = 0  # active appeals as the first day began
    backlog_end: int = 0  # … and as the last day ended
    first_responses: int = 0
    frt_average: int | None = None
    frt_business_average: int | None = None
    frt_sla_met: int = 0
    frt_sla_breached: int = 0
    frt_sla_percent: float | None = None
    resolution_average: int | None = None
    resolution_business_average: int | None = None
    resolution_sla_met: int = 0
    resolution_sla_breached: int = 0
    resolution_sla_percent: float | None = None
    transfers: int = 0
    replies: int = 0
    messages_in: int = 0
    held_seconds: int = 0
    concurrent_average: float | None = None  # appeals held at once, on average over the period
    worked_hours: float | None = None  # from a worked_hours metric source (timekeeping)
    handled_per_worked_hour: float | None = None  # resolved ÷ worked hours
    extra: dict[str, float | None] = msgspec.field(default_factory=dict)  # other plugins'


class ReportRow(msgspec.Struct, kw_only=True):
    # an organization or operator id, a channel name, a date (YYYY-MM-DD), a queue id, a tag,
    # an hour ("0"–"23"); "" for appeals with no queue or no tag
    key: str
    label: str
    figures: Figures
    drill: bool = False  # an organization row with organizations below it
    organization_id: uuid.UUID | None = None
    operator_id: uuid.UUID | None = None


class MetricInfo(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    title_ru: str
    title_en: str
    kind: str


class Crumb(msgspec.Struct, frozen=True, kw_only=True):
    organization_id: uuid.UUID
    name: str


class Report(msgspec.Struct, kw_only=True):
    since: date  # first day (each organization's own calendar day)
    until: date  # the day after the last
    organization_id: uuid.UUID | None
    group: Group
    path: list[Crumb]  # from the reader's top organization down to organization_id
    totals: Figures
    previous: Figures | None  # the same number of days just before ``since``
    rows: list[ReportRow]
    metrics: list[MetricInfo]  # other plugins' columns in ``extra``


class ReportDay(msgspec.Struct, kw_only=True):
    """Today in the zone of the organization a report is of: where the period presets end."""

    organization_id: uuid.UUID | None  # the one whose zone it is (None: the default zone's)
    timezone: str
    today: date


class AppealLine(msgspec.Struct, kw_only=True):
    appeal_id: uuid.UUID
    number: str
    subject: str
    status: str
    channel: str
    organization_id: uuid.UUID
    created_at: datetime
    value: int  # what the appeal adds to the chosen metric in the period


class AppealLines(msgspec.Struct, kw_only=True):
    metric: str
    total: int  # the metric's sum over every appeal behind it (equals the report's number)
    appeals: list[AppealLine]  # at most ``limit``, largest contribution first


class RebuildView(msgspec.Struct, kw_only=True):
    appeals: int
    contributions: int
    cells: int
    differing_cells: int
    seconds: float


Recurrence = Annotated[
    str, msgspec.Meta(min_length=6, max_length=300, pattern=r"^[A-Z0-9=;,:+-]+$(?!\n)")
]


class NewSchedule(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID
    name: Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
    rrule: Recurrence  # e.g. FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0 (organization's zone)
    period: Period = "week"
    format: Format = "xlsx"
    group: Group = "organization"  # the breakdown of the attached table
    recipients: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=50)]


class ScheduleView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    rrule: str
    period: str
    format: str
    group: str
    recipients: list[uuid.UUID]
    active: bool
    next_send: datetime | None
