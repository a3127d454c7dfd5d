"""The tasks plugin's tables. Cross-domain ids (organizations, operators, appeals, members) are
plain UUIDs; a composite uniqueness is one ``key`` column (piccolo has no composite constraint).
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    Date,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Project(Table, tablename="tasks_project"):
    """A group of tasks with its own kanban stages and members."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    name = Varchar(length=200)
    description = Text(default="")
    archived = Boolean(default=False)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ProjectMember(Table, tablename="tasks_project_member"):
    id = UUID(primary_key=True, default=UUID4())
    project_id = UUID(index=True)
    operator_id = UUID(index=True)
    role = Varchar(length=20, default="member")  # manager, member, viewer
    key = Varchar(length=80, unique=True)  # project:operator


class Stage(Table, tablename="tasks_stage"):
    """A column of a project's kanban; ``status`` (optional) is what a card moved here becomes."""

    id = UUID(primary_key=True, default=UUID4())
    project_id = UUID(index=True)
    name = Varchar(length=100)
    position = Integer(default=0)
    status = Varchar(length=20, default="")


class Task(Table, tablename="tasks_task"):
    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    project_id = UUID(null=True, default=None, index=True)
    stage_id = UUID(null=True, default=None)
    # Fractional rank within the column (stage or status): a move writes one row.
    rank = Varchar(length=200, default="")
    parent_id = UUID(null=True, default=None, index=True)
    title = Varchar(length=300)
    description = Text(default="")
    status = Varchar(length=20, default="new", index=True)
    priority = Varchar(length=10, default="normal")
    creator_id = UUID(null=True, default=None, index=True)
    responsible_id = UUID(null=True, default=None, index=True)
    acceptance = Boolean(default=False)  # the creator accepts the result (waiting_control)
    deadline = Timestamptz(null=True, default=None, index=True)
    requested_deadline = Timestamptz(null=True, default=None)  # the responsible asks
    overdue_for = Timestamptz(null=True, default=None)  # the deadline the overdue event was for
    reminded_for = Timestamptz(null=True, default=None)  # the deadline the reminder was for
    appeal_id = UUID(null=True, default=None, index=True)
    member_id = UUID(null=True, default=None)
    template_id = UUID(null=True, default=None)
    series_id = UUID(null=True, default=None, index=True)
    tags = JSON(default=[])
    checklist_total = Integer(default=0)
    checklist_done = Integer(default=0)
    subtasks_total = Integer(default=0)
    subtasks_done = Integer(default=0)
    comments = Integer(default=0)
    robot_key = Varchar(length=120, null=True, default=None, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    completed_at = Timestamptz(null=True, default=None)


class Participant(Table, tablename="tasks_participant"):
    """A co-executor or an observer of a task."""

    id = UUID(primary_key=True, default=UUID4())
    task_id = UUID(index=True)
    operator_id = UUID(index=True)
    role = Varchar(length=20)  # coexecutor, observer
    key = Varchar(length=120, unique=True)  # task:operator:role


class ChecklistItem(Table, tablename="tasks_checklist_item"):
    id = UUID(primary_key=True, default=UUID4())
    task_id = UUID(index=True)
    parent_id = UUID(null=True, default=None)  # nested items
    text = Varchar(length=500)
    done = Boolean(default=False)
    important = Boolean(default=False)
    assignee_id = UUID(null=True, default=None)
    position = Integer(default=0)
    done_by = UUID(null=True, default=None)
    done_at = Timestamptz(null=True, default=None)


class Comment(Table, tablename="tasks_comment"):
    id = UUID(primary_key=True, default=UUID4())
    task_id = UUID(index=True)
    author_id = UUID(null=True, default=None)
    text = Text()
    mentions = JSON(default=[])
    robot_key = Varchar(length=120, null=True, default=None, unique=True)  # a robot step's
    created_at = Timestamptz(default=TimestamptzNow())


class History(Table, tablename="tasks_history"):
    """Every change of a task: who, what, from and to."""

    id = UUID(primary_key=True, default=UUID4())
    task_id = UUID(index=True)
    actor_id = UUID(null=True, default=None)
    what = Varchar(length=40)
    old = JSON(default={})
    new = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class Link(Table, tablename="tasks_link"):
    """A task's link to an appeal, a member, a document or another task (blocks, related)."""

    id = UUID(primary_key=True, default=UUID4())
    task_id = UUID(index=True)
    kind = Varchar(length=20)  # appeal, member, document, blocks, related
    target_id = UUID(index=True)
    key = Varchar(length=120, unique=True)  # task:kind:target


class Template(Table, tablename="tasks_template"):
    """A ready task: checklist, observers, subtasks, a deadline in working days."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    name = Varchar(length=200)
    title = Varchar(length=300)
    description = Text(default="")
    priority = Varchar(length=10, default="normal")
    deadline_days = Integer(null=True, default=None)  # working days from creation
    acceptance = Boolean(default=False)
    project_id = UUID(null=True, default=None)
    responsible_id = UUID(null=True, default=None)
    observers = JSON(default=[])
    checklist = JSON(default=[])  # [{text, important, items: [...]}]
    subtasks = JSON(default=[])  # [title, ...]
    tags = JSON(default=[])
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Series(Table, tablename="tasks_series"):
    """A recurring task: a template made into a task per occurrence of an RRULE (or N working
    days after the last one was completed), in the organization's time zone."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    template_id = UUID()
    creator_id = UUID(null=True, default=None)
    responsible_id = UUID(null=True, default=None)
    rrule = Varchar(length=500, default="")
    starts_on = Date()
    at_time = Varchar(length=5, default="09:00")  # local time of an occurrence
    timezone = Varchar(length=64, default="")
    mode = Varchar(length=10, default="new")  # new: a task per occurrence; reopen: the same one
    after_done_days = Integer(null=True, default=None)  # "N working days after completion"
    shift = Varchar(length=10, default="none")  # a non-working day: none, previous, next
    catch_up = Varchar(length=10, default="all")  # after downtime: all, latest
    next_on = Date(null=True, default=None, index=True)  # the next occurrence (None: none due)
    task_id = UUID(null=True, default=None)  # reopen mode: the one task
    active = Boolean(default=True)
    # Ended at once (no last day): an occurrence job that runs after it makes nothing.
    ended_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Occurrence(Table, tablename="tasks_occurrence"):
    """One occurrence of a series, made once: ``key`` (series:date) is unique."""

    id = UUID(primary_key=True, default=UUID4())
    series_id = UUID(index=True)
    occurs_on = Date()
    due_at = Timestamptz(null=True, default=None)  # when it was due: shifted, at the local time
    task_id = UUID(null=True, default=None)
    key = Varchar(length=60, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class FeedToken(Table, tablename="tasks_feed_token"):
    """An operator's token for the iCalendar feed of their deadlines (its SHA-256)."""

    id = UUID(primary_key=True, default=UUID4())
    operator_id = UUID(unique=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class TaskFile(Table, tablename="tasks_file"):
    """A file on a task: its bytes in the core's attachment storage (``sha256``), by digest."""

    id = UUID(primary_key=True, default=UUID4())
    task_id = UUID(index=True)
    name = Varchar(length=255)
    content_type = Varchar(length=120, default="application/octet-stream")
    size = Integer(default=0)
    sha256 = Varchar(length=64, index=True)
    uploaded_by = UUID(null=True, default=None)
    uploaded_at = Timestamptz(default=TimestamptzNow())


class SavedView(Table, tablename="tasks_saved_view"):
    """An operator's saved list filters under a name (``key`` operator:name is unique)."""

    id = UUID(primary_key=True, default=UUID4())
    operator_id = UUID(index=True)
    name = Varchar(length=100)
    filters = JSON(default={})
    key = Varchar(length=160, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


TABLES = [
    Project,
    ProjectMember,
    Stage,
    Task,
    Participant,
    ChecklistItem,
    Comment,
    History,
    Link,
    Template,
    Series,
    Occurrence,
    FeedToken,
    TaskFile,
    SavedView,
]
