"""Request bodies, views and events of the tasks plugin."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from unionline import Event, Text
from unionline.plugins.tasks.vocabulary import Priority, Status

Title = Annotated[Text, msgspec.Meta(min_length=1, max_length=300)]
Body = Annotated[Text, msgspec.Meta(max_length=20000)]
Short = Annotated[Text, msgspec.Meta(min_length=1, max_length=500)]
Name = Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
Tag = Annotated[Text, msgspec.Meta(min_length=1, max_length=50)]
People = Annotated[list[uuid.UUID], msgspec.Meta(max_length=50)]
LinkKind = Literal["appeal", "member", "document", "blocks", "related"]
Mode = Literal["new", "reopen"]
Shift = Literal["none", "previous", "next"]
CatchUp = Literal["all", "latest"]
Clock = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$(?!\n)")]


class ChecklistDraft(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    text: Short
    important: bool = False
    assignee_id: uuid.UUID | None = None
    items: Annotated[list[ChecklistDraft], msgspec.Meta(max_length=100)] = []


class NewTask(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A task; without ``organization_id`` it is the appeal's (or the parent's) organization."""

    title: Title | None = None  # None only with a template
    description: Body = ""
    organization_id: uuid.UUID | None = None
    responsible_id: uuid.UUID | None = None  # None: the creator
    coexecutors: People = []
    observers: People = []
    priority: Priority = "normal"
    deadline: datetime | None = None
    deadline_days: Annotated[int, msgspec.Meta(ge=0, le=365)] | None = None  # working days
    acceptance: bool = False
    project_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    appeal_id: uuid.UUID | None = None
    member_id: uuid.UUID | None = None
    template_id: uuid.UUID | None = None
    tags: Annotated[list[Tag], msgspec.Meta(max_length=20)] = []
    checklist: Annotated[list[ChecklistDraft], msgspec.Meta(max_length=100)] = []


class TaskChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    """Fields to change; what is left out stays."""

    title: Title | None = None
    description: Body | None = None
    priority: Priority | None = None
    tags: Annotated[list[Tag], msgspec.Meta(max_length=20)] | None = None
    acceptance: bool | None = None
    project_id: uuid.UUID | None = None


class StatusChange(msgspec.Struct, forbid_unknown_fields=True):
    status: Status


class ResponsibleChange(msgspec.Struct, forbid_unknown_fields=True):
    responsible_id: uuid.UUID


class DeadlineChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A new deadline (None: none). The responsible's change is a request the creator
    approves (``POST …/deadline/approve``) or declines (``…/deadline/decline``)."""

    deadline: datetime | None


class PeopleChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    coexecutors: People
    observers: People


class NewComment(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[Text, msgspec.Meta(min_length=1, max_length=10000)]


class NewItem(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    text: Short
    important: bool = False
    assignee_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None


class ItemChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    done: bool | None = None
    text: Short | None = None
    important: bool | None = None


class NewLink(msgspec.Struct, forbid_unknown_fields=True):
    kind: LinkKind
    target_id: uuid.UUID


class Move(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Put a card in a column (a stage of its project, or a status on a board without one)
    between two cards of it (None: the column's start or end)."""

    stage_id: uuid.UUID | None = None
    status: Status | None = None
    after_id: uuid.UUID | None = None  # the card that ends up above it
    before_id: uuid.UUID | None = None  # the card that ends up below it


class NewProject(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID
    name: Name
    description: Body = ""
    stages: Annotated[list[Name], msgspec.Meta(max_length=20)] = []
    members: People = []


class NewStage(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Annotated[Text, msgspec.Meta(min_length=1, max_length=100)]
    status: Status | Literal[""] = ""


class NewTemplate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID
    name: Name
    title: Title
    description: Body = ""
    priority: Priority = "normal"
    deadline_days: Annotated[int, msgspec.Meta(ge=0, le=365)] | None = None
    acceptance: bool = False
    project_id: uuid.UUID | None = None
    responsible_id: uuid.UUID | None = None
    observers: People = []
    checklist: Annotated[list[ChecklistDraft], msgspec.Meta(max_length=100)] = []
    subtasks: Annotated[list[Title], msgspec.Meta(max_length=50)] = []
    tags: Annotated[list[Tag], msgspec.Meta(max_length=20)] = []


class NewSeries(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A recurring task: ``rrule`` (RFC 5545, e.g. ``FREQ=MONTHLY;BYMONTHDAY=-1``) from
    ``starts_on`` at ``at_time`` in the organization's time zone, or — with ``after_done_days``
    — N working days after the previous task was completed."""

    template_id: uuid.UUID
    responsible_id: uuid.UUID | None = None
    rrule: Annotated[str, msgspec.Meta(max_length=500)] = ""
    starts_on: date
    at_time: Clock = "09:00"
    mode: Mode = "new"
    after_done_days: Annotated[int, msgspec.Meta(ge=0, le=365)] | None = None
    shift: Shift = "none"
    catch_up: CatchUp = "all"


class SeriesEnd(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """«Завершить серию»: ``last_on`` is the last day a task of the series may fall on (its
    nominal date); none: no more tasks from now on."""

    last_on: date | None = None


# -- views ------------------------------------------------------------------------------------


ProjectRole = Literal["manager", "member", "viewer"]


class ProjectMemberDraft(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    operator_id: uuid.UUID
    role: ProjectRole = "member"


class MembersChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The project's whole member list (who is left out is no longer a member)."""

    members: Annotated[list[ProjectMemberDraft], msgspec.Meta(max_length=200)]


class StageChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    """Rename a stage, bind it to a status ("" unbinds) or put it at ``position`` (0: first)."""

    name: Annotated[Text, msgspec.Meta(min_length=1, max_length=100)] | None = None
    status: Status | Literal[""] | None = None
    position: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None


class ProjectChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    name: Name | None = None
    description: Body | None = None
    archived: bool | None = None


ViewFilter = Literal["mine", "set_by_me", "observing", "overdue", "all"]
ViewMode = Literal["list", "board", "timeline"]
ViewStatus = Literal[
    "", "open", "new", "in_progress", "waiting_control", "done", "deferred", "declined"
]


class ViewFilters(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What a saved view of «Задачи» restores: the tab, the mode and the list's filters."""

    view: ViewFilter = "mine"
    mode: ViewMode = "list"
    status: ViewStatus = ""
    project_id: uuid.UUID | None = None
    responsible_id: uuid.UUID | None = None
    q: Annotated[Text, msgspec.Meta(max_length=200)] = ""


class NewSavedView(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Annotated[Text, msgspec.Meta(min_length=1, max_length=100)]
    filters: ViewFilters


class SavedViewView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    name: str
    filters: ViewFilters


class FileView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    name: str
    content_type: str
    size: int
    uploaded_by: uuid.UUID | None
    uploaded_at: datetime


class Person(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    role: str


class ItemView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    text: str
    done: bool
    important: bool
    assignee_id: uuid.UUID | None
    position: int
    done_by: uuid.UUID | None
    done_at: datetime | None


class CommentView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    author_id: uuid.UUID | None
    text: str
    html: str
    mentions: list[uuid.UUID]
    created_at: datetime


class HistoryView(msgspec.Struct, kw_only=True):
    actor_id: uuid.UUID | None
    what: str
    old: dict
    new: dict
    created_at: datetime


class LinkView(msgspec.Struct, kw_only=True):
    kind: str
    target_id: uuid.UUID
    title: str = ""  # the appeal's number and subject, the other task's title


class Card(msgspec.Struct, kw_only=True):
    """A task as a board or list shows it."""

    id: uuid.UUID
    title: str
    status: str
    priority: str
    organization_id: uuid.UUID
    project_id: uuid.UUID | None
    stage_id: uuid.UUID | None
    rank: str
    responsible_id: uuid.UUID | None
    creator_id: uuid.UUID | None
    deadline: datetime | None
    appeal_id: uuid.UUID | None
    parent_id: uuid.UUID | None
    checklist_total: int
    checklist_done: int
    subtasks_total: int
    subtasks_done: int
    comments: int
    overdue: bool = False


class Away(msgspec.Struct, kw_only=True):
    """An absence of the task's responsible person, as its page shows it: when, not why."""

    starts_at: datetime
    ends_at: datetime


class TaskView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    title: str
    description: str
    description_html: str
    status: str
    priority: str
    organization_id: uuid.UUID
    project_id: uuid.UUID | None
    stage_id: uuid.UUID | None
    parent_id: uuid.UUID | None
    creator_id: uuid.UUID | None
    responsible_id: uuid.UUID | None
    acceptance: bool
    deadline: datetime | None
    requested_deadline: datetime | None
    appeal_id: uuid.UUID | None
    member_id: uuid.UUID | None
    series_id: uuid.UUID | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    overdue: bool
    people: list[Person]
    checklist: list[ItemView]
    subtasks: list[Card]
    comments: list[CommentView]
    links: list[LinkView]
    history: list[HistoryView]
    files: list[FileView] = []
    may: list[str]  # what the caller may do: edit, status, delegate, deadline, request_deadline
    # The responsible person's absences between now and the deadline (dates only).
    responsible_away: list[Away] = []


class TaskPage(msgspec.Struct, kw_only=True):
    items: list[Card]
    total: int


class Counters(msgspec.Struct, kw_only=True):
    mine: int
    set_by_me: int
    observing: int
    overdue: int
    today: int = 0  # mine, open, due by the end of today in my time zone (not yet overdue)


class StageView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    name: str
    position: int
    status: str


class ProjectView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    description: str
    archived: bool
    stages: list[StageView]
    members: list[Person]
    may_edit: bool = False  # the caller may change its stages, members and name


class Column(msgspec.Struct, kw_only=True):
    id: str  # a stage's id or a status
    name: str
    status: str
    cards: list[Card]


class Board(msgspec.Struct, kw_only=True):
    project_id: uuid.UUID | None
    columns: list[Column]


class Moved(msgspec.Struct, kw_only=True):
    card: Card
    writes: int  # rows written by the move: the card (and its history line)


class TimelineItem(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    title: str
    status: str
    start: datetime
    deadline: datetime | None
    blocked_by: list[uuid.UUID]


class TemplateView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    title: str
    description: str
    priority: str
    deadline_days: int | None
    acceptance: bool
    project_id: uuid.UUID | None
    responsible_id: uuid.UUID | None
    observers: list[uuid.UUID]
    checklist: list[ChecklistDraft]
    subtasks: list[str]
    tags: list[str]


class SeriesView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    template_id: uuid.UUID
    responsible_id: uuid.UUID | None
    rrule: str
    starts_on: date
    at_time: str
    timezone: str
    mode: str
    after_done_days: int | None
    shift: str
    catch_up: str
    next_on: date | None
    task_id: uuid.UUID | None
    active: bool


class AppealTasks(msgspec.Struct, kw_only=True):
    appeal_id: uuid.UUID
    tasks: list[Card]
    open: int
    done: int


class FeedLink(msgspec.Struct, kw_only=True):
    url: str  # shown once: the token is stored only as its digest


# -- events (robots' triggers; consoles see them in the task's organization) -------------------


class TaskEvent(Event, kw_only=True, tag="tasks.event"):
    """Base of the task events: the task and, when it has one, its appeal."""

    task_id: uuid.UUID
    appeal_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None


class TaskCreated(TaskEvent, kw_only=True, tag="tasks.created"):
    title: str
    responsible_id: uuid.UUID | None
    creator_id: uuid.UUID | None
    status: str


class TaskChanged(TaskEvent, kw_only=True, tag="tasks.changed"):
    """Fields of the task changed (title, deadline, responsible, people, checklist …)."""

    fields: list[str]
    actor_id: uuid.UUID | None


class TaskStatusChanged(TaskEvent, kw_only=True, tag="tasks.status_changed"):
    old_status: str
    status: str
    actor_id: uuid.UUID | None


class TaskMoved(TaskEvent, kw_only=True, tag="tasks.moved"):
    """A card moved on a board: what other viewers need to move it too, without a refetch."""

    stage_id: uuid.UUID | None
    status: str
    rank: str
    actor_id: uuid.UUID | None


class TaskCommented(TaskEvent, kw_only=True, tag="tasks.commented"):
    comment_id: uuid.UUID
    author_id: uuid.UUID | None
    mentions: list[uuid.UUID]


class ChecklistCompleted(TaskEvent, kw_only=True, tag="tasks.checklist_completed"):
    pass


class SubtasksDone(TaskEvent, kw_only=True, tag="tasks.subtasks_done"):
    """Every subtask of ``task_id`` is closed."""


class AppealTasksDone(TaskEvent, kw_only=True, tag="tasks.appeal_tasks_done"):
    """Every task linked to ``appeal_id`` is closed (``task_id``: the last one closed)."""


class TaskOverdue(TaskEvent, kw_only=True, tag="tasks.overdue"):
    deadline: datetime
    responsible_id: uuid.UUID | None


class DeadlineApproaching(TaskEvent, kw_only=True, tag="tasks.deadline_approaching"):
    deadline: datetime
    responsible_id: uuid.UUID | None


class DeadlineRequested(TaskEvent, kw_only=True, tag="tasks.deadline_requested"):
    deadline: datetime | None
    requested_by: uuid.UUID | None


class SeriesEnded(Event, kw_only=True, tag="tasks.series_ended"):
    """A recurring task was ended: no task after ``last_on`` (none: no more at all)."""

    series_id: uuid.UUID
    last_on: date | None
    actor_id: uuid.UUID | None


EVENTS = (
    SeriesEnded,
    TaskCreated,
    TaskChanged,
    TaskStatusChanged,
    TaskMoved,
    TaskCommented,
    ChecklistCompleted,
    SubtasksDone,
    AppealTasksDone,
    TaskOverdue,
    DeadlineApproaching,
    DeadlineRequested,
)
