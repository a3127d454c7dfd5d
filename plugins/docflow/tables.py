"""The docflow plugin's tables. Cross-domain ids (organizations, operators, appeals, members,
tasks) are plain UUIDs; a composite uniqueness is one ``key`` column (piccolo has none)."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    Bytea,
    Date,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Kind(Table, tablename="docflow_kind"):
    """A kind of document an organization registers (its subtree uses it too): the category,
    the requisites as data (GOST R 7.0.97 today, its next edition tomorrow) and its journal."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    code = Varchar(length=40)
    name = Varchar(length=200)
    category = Varchar(length=20, default="internal")
    requisites = JSON(default=[])  # [{name, label, type, required, options}]
    journal_id = UUID(null=True, default=None)
    archived = Boolean(default=False)


class Journal(Table, tablename="docflow_journal"):
    """A registration journal: the number format from parts, reset every year at 00:00 in the
    organization's time zone."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    name = Varchar(length=200)
    number_format = Varchar(length=100, default="{seq}")
    case_index = Varchar(length=40, default="")  # from the nomenclature of cases: 02-15
    org_code = Varchar(length=20, default="")
    reset = Varchar(length=10, default="yearly")  # yearly, never
    archived = Boolean(default=False)


class Counter(Table, tablename="docflow_counter"):
    """The last number a journal gave in a year; taken in the registering transaction."""

    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=80, unique=True)  # journal:year
    value = Integer(default=0)


class Document(Table, tablename="docflow_document"):
    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    kind_id = UUID(index=True)
    category = Varchar(length=20)
    title = Varchar(length=300)
    summary = Text(default="")
    status = Varchar(length=20, default="draft", index=True)
    priority = Varchar(length=10, default="normal")
    control_date = Date(null=True, default=None)
    requisites = JSON(default={})
    correspondent = JSON(default={})  # {kind: employer|member|organization|other, id, name}
    author_id = UUID(null=True, default=None, index=True)
    member_id = UUID(null=True, default=None, index=True)
    appeal_id = UUID(null=True, default=None, index=True)
    journal_id = UUID(null=True, default=None, index=True)
    year = Integer(null=True, default=None)
    seq = Integer(null=True, default=None)
    number = Varchar(length=80, default="", index=True)
    registered_at = Timestamptz(null=True, default=None)
    stage = Varchar(length=200, default="")  # the route's current stage, for lists
    holders = JSON(default=[])  # operators who hold the document now
    process_id = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Link(Table, tablename="docflow_link"):
    """A card's link: appeal, member, task, or another document (reply_to, supersedes, related)."""

    id = UUID(primary_key=True, default=UUID4())
    document_id = UUID(index=True)
    kind = Varchar(length=20)
    target_id = UUID(index=True)
    key = Varchar(length=120, unique=True)  # document:kind:target


class File(Table, tablename="docflow_file"):
    """One version of a card's file; a new upload of the same name is the next version."""

    id = UUID(primary_key=True, default=UUID4())
    document_id = UUID(index=True)
    name = Varchar(length=255)
    version = Integer(default=1)
    content_type = Varchar(length=120, default="application/octet-stream")
    size = Integer(default=0)
    content = Bytea()
    uploaded_by = UUID(null=True, default=None)
    uploaded_at = Timestamptz(default=TimestamptzNow())
    key = Varchar(length=120, unique=True)  # document:name:version
    source = Varchar(length=20, default="upload")  # upload, template


class Route(Table, tablename="docflow_route"):
    id = UUID(primary_key=True, default=UUID4())
    document_id = UUID(index=True)
    status = Varchar(length=20, default="active", index=True)  # active, done, rejected, returned
    stage = Integer(default=0)
    stages = JSON(default=[])  # [{title, mode: all|any, kind, days}]
    started_by = UUID(null=True, default=None)
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)


class Step(Table, tablename="docflow_step"):
    """One person's part of a stage; the stage's steps run in parallel."""

    id = UUID(primary_key=True, default=UUID4())
    route_id = UUID(index=True)
    document_id = UUID(index=True)
    stage = Integer(default=0)
    kind = Varchar(length=20, default="approve")  # acknowledge, approve, sign, execute
    assignee_id = UUID(index=True)
    delegated_from = UUID(null=True, default=None)
    status = Varchar(length=20, default="waiting", index=True)
    due_at = Timestamptz(null=True, default=None, index=True)
    reminded = Boolean(default=False)
    escalated = Boolean(default=False)
    decided_at = Timestamptz(null=True, default=None)
    comment = Text(default="")


class Decision(Table, tablename="docflow_decision"):
    """Every decision on a step, keyed by the decision id its author's client chose: the same
    id again is the same decision (the audit trail of a route)."""

    id = UUID(primary_key=True)
    step_id = UUID(index=True)
    route_id = UUID(index=True)
    document_id = UUID(index=True)
    operator_id = UUID(null=True, default=None)
    verdict = Varchar(length=20)
    comment = Text(default="")
    delegate_to = UUID(null=True, default=None)
    decided_at = Timestamptz(default=TimestamptzNow())


class Template(Table, tablename="docflow_template"):
    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    name = Varchar(length=200)
    kind_id = UUID(null=True, default=None)
    content = Bytea()
    fields = JSON(default=[])
    uploaded_by = UUID(null=True, default=None)
    uploaded_at = Timestamptz(default=TimestamptzNow())
    archived = Boolean(default=False)


class Process(Table, tablename="docflow_process"):
    """A route template bound to a form: where it starts (console, a site form, an appeal),
    the kind of document it makes and its stages."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    name = Varchar(length=200)
    kind_id = UUID()
    audience = Varchar(length=10, default="staff")  # staff, member
    form = Varchar(length=200, default="", index=True)  # the site form's topic
    stages = JSON(default=[])
    template_id = UUID(null=True, default=None)
    archived = Boolean(default=False)


TABLES = [Kind, Journal, Counter, Document, Link, File, Route, Step, Decision, Template, Process]
