"""Bodies, views and events of docflow: every edge typed, every field named in a 4xx."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from unionline import Event, Text

Name = Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
# A document kind's code («ВХ-01», «заявл.мп/2»): Latin and Cyrillic letters, digits and
# _ . - / — spelled out, not \w (ASCII to a client, any script to the server); $(?!\n), as
# Python's $ also matches before a final newline («ВХ-01\n»), a client's does not.
Code = Annotated[
    str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[0-9A-Za-zА-Яа-яЁё_.\-/]+$(?!\n)")
]
Category = Literal["incoming", "outgoing", "internal", "application", "agreement", "custom"]
Priority = Literal["low", "normal", "high", "urgent"]
StepKind = Literal["acknowledge", "approve", "sign", "execute"]
Verdict = Literal["approve", "reject", "return", "delegate", "comment"]
LinkKind = Literal["appeal", "member", "task", "reply_to", "supersedes", "related"]
FieldType = Literal["text", "date", "number", "choice", "member", "organization"]
Reset = Literal["yearly", "never"]

CATEGORIES: tuple[str, ...] = (
    "incoming",
    "outgoing",
    "internal",
    "application",
    "agreement",
    "custom",
)


# -- kinds and journals ------------------------------------------------------------------------


class Requisite(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One requisite of a kind's card (GOST R 7.0.97: addressee, executor, control mark …)."""

    name: Annotated[
        str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$(?!\n)")
    ]
    label: Name
    type: FieldType = "text"
    required: bool = False
    options: list[Annotated[Text, msgspec.Meta(max_length=200)]] = []


class NewKind(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    organization_id: uuid.UUID
    code: Code
    name: Name
    category: Category = "internal"
    requisites: Annotated[list[Requisite], msgspec.Meta(max_length=60)] = []
    journal_id: uuid.UUID | None = None


class KindChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The whole kind again (the console's form sends every field); its organization stays."""

    code: Code
    name: Name
    category: Category = "internal"
    requisites: Annotated[list[Requisite], msgspec.Meta(max_length=60)] = []
    journal_id: uuid.UUID | None = None


class Archiving(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Archive (``true``) or bring back (``false``) a kind, journal, template or process."""

    archived: bool


class KindView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    code: str
    name: str
    category: str
    requisites: list[Requisite]
    journal_id: uuid.UUID | None
    archived: bool = False


class NewJournal(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    organization_id: uuid.UUID
    name: Name
    # Parts: {seq} (or {seq:04}), {case}, {year}, {yy}, {org}; e.g. "{case}/{seq}" -> 02-15/123.
    number_format: Annotated[Text, msgspec.Meta(min_length=1, max_length=100)] = "{seq}"
    case_index: Annotated[Text, msgspec.Meta(max_length=40)] = ""
    org_code: Annotated[Text, msgspec.Meta(max_length=20)] = ""
    # yearly: from 1 every year at 00:00 in the organization's time zone; never: one sequence.
    reset: Reset = "yearly"


class JournalChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The whole journal again; documents registered before keep their numbers."""

    name: Name
    number_format: Annotated[Text, msgspec.Meta(min_length=1, max_length=100)] = "{seq}"
    case_index: Annotated[Text, msgspec.Meta(max_length=40)] = ""
    org_code: Annotated[Text, msgspec.Meta(max_length=20)] = ""
    reset: Reset = "yearly"


class JournalView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    number_format: str
    case_index: str
    org_code: str
    reset: str = "yearly"
    archived: bool = False


class JournalEntry(msgspec.Struct, kw_only=True):
    document_id: uuid.UUID
    number: str
    seq: int
    registered_at: datetime
    title: str
    kind: str
    correspondent: str
    status: str
    stage: str


class JournalPage(msgspec.Struct, kw_only=True):
    journal: JournalView
    year: int
    entries: list[JournalEntry]


# -- documents ---------------------------------------------------------------------------------


class Correspondent(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: Literal["employer", "member", "organization", "authority", "other"] = "other"
    id: uuid.UUID | None = None
    name: Annotated[Text, msgspec.Meta(max_length=300)] = ""


class NewDocument(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    organization_id: uuid.UUID
    kind_id: uuid.UUID
    title: Annotated[Text, msgspec.Meta(min_length=1, max_length=300)]
    summary: Annotated[Text, msgspec.Meta(max_length=20000)] = ""
    priority: Priority = "normal"
    control_date: date | None = None
    requisites: dict[str, Annotated[Text, msgspec.Meta(max_length=2000)]] = {}
    correspondent: Correspondent | None = None
    member_id: uuid.UUID | None = None
    appeal_id: uuid.UUID | None = None


class DocumentChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Annotated[Text, msgspec.Meta(min_length=1, max_length=300)] | None = None
    summary: Annotated[Text, msgspec.Meta(max_length=20000)] | None = None
    priority: Priority | None = None
    control_date: date | None = None
    requisites: dict[str, Annotated[Text, msgspec.Meta(max_length=2000)]] | None = None
    correspondent: Correspondent | None = None


class NewLink(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: LinkKind
    target_id: uuid.UUID


class LinkView(msgspec.Struct, kw_only=True):
    kind: str
    target_id: uuid.UUID


class FileView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    name: str
    version: int
    content_type: str
    size: int
    uploaded_at: datetime
    uploaded_by: uuid.UUID | None
    source: str


class StepView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    stage: int
    kind: str
    assignee_id: uuid.UUID
    delegated_from: uuid.UUID | None
    status: str
    due_at: datetime | None
    decided_at: datetime | None
    comment: str


class DecisionView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    step_id: uuid.UUID
    operator_id: uuid.UUID | None
    verdict: str
    comment: str
    decided_at: datetime


class RouteView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    status: str
    stage: int
    stages: list[StageSpec]
    steps: list[StepView]
    decisions: list[DecisionView]


class DocumentView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    kind_id: uuid.UUID
    category: str
    title: str
    summary: str
    status: str
    priority: str
    control_date: date | None
    requisites: dict[str, str]
    correspondent: dict[str, str | None]
    author_id: uuid.UUID | None
    member_id: uuid.UUID | None
    appeal_id: uuid.UUID | None
    journal_id: uuid.UUID | None
    number: str
    registered_at: datetime | None
    stage: str
    holders: list[uuid.UUID]
    created_at: datetime
    kind_name: str = ""  # shown even after the kind (or journal) went to the archive
    journal_name: str = ""
    links: list[LinkView] = []
    files: list[FileView] = []
    route: RouteView | None = None


class DocumentItem(msgspec.Struct, kw_only=True):
    """A row of a list: what «у кого сейчас документ» needs."""

    id: uuid.UUID
    organization_id: uuid.UUID
    title: str
    category: str
    status: str
    priority: str
    number: str
    control_date: date | None
    stage: str
    holders: list[uuid.UUID]
    due_at: datetime | None = None
    step_id: uuid.UUID | None = None


class DocumentPage(msgspec.Struct, kw_only=True):
    items: list[DocumentItem]
    total: int


# -- routes ------------------------------------------------------------------------------------


class StageSpec(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One stage of a route: its people act in parallel; ``all`` of them or ``any`` one."""

    title: Annotated[Text, msgspec.Meta(max_length=200)] = ""
    kind: StepKind = "approve"
    mode: Literal["all", "any"] = "all"
    assignees: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=30)]
    days: Annotated[int, msgspec.Meta(ge=0, le=365)] = 3


class NewRoute(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    stages: Annotated[list[StageSpec], msgspec.Meta(min_length=1, max_length=20)]


class NewDecision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    decision_id: uuid.UUID  # chosen by the client: sending it again is the same decision
    verdict: Verdict
    comment: Annotated[Text, msgspec.Meta(max_length=5000)] = ""
    delegate_to: uuid.UUID | None = None


# -- templates and processes -------------------------------------------------------------------


class TemplateView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    kind_id: uuid.UUID | None
    fields: list[str]
    uploaded_at: datetime
    archived: bool = False


class TemplateChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    kind_id: uuid.UUID | None = None


class LintProblem(msgspec.Struct, kw_only=True):
    code: Literal["unknown_field", "split_tag", "unclosed_tag", "syntax", "not_docx"]
    message: str
    where: str = ""


class NewProcess(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    organization_id: uuid.UUID
    name: Name
    kind_id: uuid.UUID
    audience: Literal["staff", "member"] = "staff"
    # A site form's topic (as the member picks it) that starts this process.
    form: Annotated[Text, msgspec.Meta(max_length=200)] = ""
    stages: Annotated[list[StageSpec], msgspec.Meta(min_length=1, max_length=20)]
    template_id: uuid.UUID | None = None


class ProcessChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The whole process again (the designer sends every field); routes already started keep
    the stages they started with."""

    name: Name
    kind_id: uuid.UUID
    audience: Literal["staff", "member"] = "staff"
    form: Annotated[Text, msgspec.Meta(max_length=200)] = ""
    stages: Annotated[list[StageSpec], msgspec.Meta(min_length=1, max_length=20)]
    template_id: uuid.UUID | None = None


class ProcessView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    kind_id: uuid.UUID
    audience: str
    form: str
    stages: list[StageSpec]
    template_id: uuid.UUID | None
    archived: bool = False


class StartProcess(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Annotated[Text, msgspec.Meta(min_length=1, max_length=300)]
    summary: Annotated[Text, msgspec.Meta(max_length=20000)] = ""
    requisites: dict[str, Annotated[Text, msgspec.Meta(max_length=2000)]] = {}
    member_id: uuid.UUID | None = None
    appeal_id: uuid.UUID | None = None


# -- events (robots' triggers; consoles see them in the document's organization) ---------------


class DocflowEvent(Event, kw_only=True, tag="docflow.event"):
    document_id: uuid.UUID


class DocumentCreated(DocflowEvent, kw_only=True, tag="docflow.created"):
    title: str
    author_id: uuid.UUID | None


class DocumentRegistered(DocflowEvent, kw_only=True, tag="docflow.registered"):
    number: str
    journal_id: uuid.UUID


class StageChanged(DocflowEvent, kw_only=True, tag="docflow.stage_changed"):
    """The route moved: a new stage, its holders, or the route's end (``status``)."""

    route_id: uuid.UUID
    stage: str
    status: str
    holders: list[uuid.UUID]


class DecisionMade(DocflowEvent, kw_only=True, tag="docflow.decision"):
    route_id: uuid.UUID
    step_id: uuid.UUID
    verdict: str
    operator_id: uuid.UUID | None


class RouteFinished(DocflowEvent, kw_only=True, tag="docflow.route_finished"):
    route_id: uuid.UUID
    status: str  # done, rejected


class StepOverdue(DocflowEvent, kw_only=True, tag="docflow.step_overdue"):
    step_id: uuid.UUID
    assignee_id: uuid.UUID
    due_at: datetime


EVENTS: tuple[type[Event], ...] = (
    DocumentCreated,
    DocumentRegistered,
    StageChanged,
    DecisionMade,
    RouteFinished,
    StepOverdue,
)
