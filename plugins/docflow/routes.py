"""REST API of docflow (``/api/docflow``): kinds, journals, documents, routes, templates and
processes. Every rule lives in the services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter

from unionline import Invalid, TextQuery
from unionline.plugins.docflow import (
    catalog,
    documents,
    files,
    lists,
    processes,
    registration,
    routing,
    templates,
)
from unionline.plugins.docflow.schemas import (
    Archiving,
    DocumentChange,
    DocumentPage,
    DocumentView,
    FileView,
    JournalChange,
    JournalPage,
    JournalView,
    KindChange,
    KindView,
    LinkView,
    NewDecision,
    NewDocument,
    NewJournal,
    NewKind,
    NewLink,
    NewProcess,
    NewRoute,
    ProcessChange,
    ProcessView,
    RouteView,
    StartProcess,
    TemplateChange,
    TemplateView,
)
from unionline.web import CurrentActor

Id = FromPath[uuid.UUID]
UPLOAD_LIMIT = 21 * 1024 * 1024
ViewName = Annotated[str, QueryParameter(pattern=r"^(awaiting|mine|all)$(?!\n)")]
Year = Annotated[int | None, QueryParameter(ge=1991, le=2100)]
WithArchived = Annotated[bool, QueryParameter(description="the archived ones too")]


class Registering(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    journal_id: uuid.UUID | None = None


class Rendering(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    template_id: uuid.UUID
    pdf: bool = False


class Starting(StartProcess, kw_only=True, forbid_unknown_fields=True):
    organization_id: uuid.UUID


class Counters(msgspec.Struct, kw_only=True):
    awaiting: int


class Features(msgspec.Struct, kw_only=True):
    pdf: bool  # LibreOffice (soffice) found on the server: «Также в PDF» works


@dataclass
class FileUpload:
    file: UploadFile


@dataclass
class TemplateFile:
    file: UploadFile


@dataclass
class TemplateUpload:
    organization_id: str
    name: str
    file: UploadFile
    kind_id: str = ""


def _uuid(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise Invalid(f"{value!r} is not a UUID", field=field) from exc


def _download(name: str, media_type: str, content: bytes) -> Response[bytes]:
    fallback = name.encode("ascii", "replace").decode().replace("?", "_")
    return Response(
        content=content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


class SetupController(Controller):
    path = "/api/docflow"
    tags = ("docflow",)

    @get("/kinds")
    async def list_kinds(
        self,
        actor: CurrentActor,
        organization_id: FromQuery[uuid.UUID | None] = None,
        archived: WithArchived = False,
    ) -> list[KindView]:
        """Document kinds serving the organization (set on it or an ancestor)."""
        return await catalog.list_kinds(actor, organization_id, archived)

    @post("/kinds")
    async def create_kind(self, actor: CurrentActor, data: JSONBody[NewKind]) -> KindView:
        """A kind with its requisites. Requires ``docflow.manage``."""
        return await catalog.create_kind(actor, data)

    @patch("/kinds/{kind_id:uuid}")
    async def update_kind(
        self, actor: CurrentActor, kind_id: Id, data: JSONBody[KindChange]
    ) -> KindView:
        """Change a kind (every field again). Requires ``docflow.manage`` in its organization."""
        return await catalog.update_kind(actor, kind_id, data)

    @post("/kinds/{kind_id:uuid}/archive", status_code=200)
    async def archive_kind(
        self, actor: CurrentActor, kind_id: Id, data: JSONBody[Archiving]
    ) -> KindView:
        """Archive a kind (``archived: false`` brings it back); 409 while a process uses it."""
        return await catalog.archive_kind(actor, kind_id, data.archived)

    @get("/journals")
    async def list_journals(
        self, actor: CurrentActor, archived: WithArchived = False
    ) -> list[JournalView]:
        """Registration journals of the visible organizations."""
        return await catalog.list_journals(actor, archived)

    @post("/journals")
    async def create_journal(self, actor: CurrentActor, data: JSONBody[NewJournal]) -> JournalView:
        """A journal with its number format. Requires ``docflow.manage``."""
        return await catalog.create_journal(actor, data)

    @patch("/journals/{journal_id:uuid}")
    async def update_journal(
        self, actor: CurrentActor, journal_id: Id, data: JSONBody[JournalChange]
    ) -> JournalView:
        """Change a journal; numbers given stay. The reset rule only while it is empty."""
        return await catalog.update_journal(actor, journal_id, data)

    @post("/journals/{journal_id:uuid}/archive", status_code=200)
    async def archive_journal(
        self, actor: CurrentActor, journal_id: Id, data: JSONBody[Archiving]
    ) -> JournalView:
        """Archive a journal (its entries stay readable); 409 while a kind registers into it."""
        return await catalog.archive_journal(actor, journal_id, data.archived)

    @get("/journals/{journal_id:uuid}/entries")
    async def journal_entries(
        self, actor: CurrentActor, journal_id: Id, year: Year = None
    ) -> JournalPage:
        """The journal of a year (default: the current one), in number order."""
        return await registration.entries(actor, journal_id, year)

    @get("/journals/{journal_id:uuid}/export", media_type="*/*")
    async def export_journal(
        self, actor: CurrentActor, journal_id: Id, year: Year = None
    ) -> Response[bytes]:
        """The journal of a year as an XLSX workbook."""
        content = await registration.export_xlsx(actor, journal_id, year)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return _download(f"journal-{year or 'current'}.xlsx", media, content)

    @get("/templates")
    async def list_templates(
        self, actor: CurrentActor, archived: WithArchived = False
    ) -> list[TemplateView]:
        """Templates of the visible organizations with the fields each uses."""
        return await templates.listing(actor, archived)

    @get("/features")
    async def features(self, actor: CurrentActor) -> Features:
        """What this server can do: ``pdf`` when LibreOffice is installed."""
        actor.require("docflow.read")
        return Features(pdf=templates.pdf_available())

    @patch("/templates/{template_id:uuid}")
    async def change_template(
        self, actor: CurrentActor, template_id: Id, data: JSONBody[TemplateChange]
    ) -> TemplateView:
        """Rename a template or bind it to another kind."""
        return await templates.change(actor, template_id, data)

    @post("/templates/{template_id:uuid}/file", status_code=200, request_max_body_size=UPLOAD_LIMIT)
    async def replace_template_file(
        self,
        actor: CurrentActor,
        template_id: Id,
        data: Annotated[TemplateFile, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> TemplateView:
        """A new .docx for the template, checked like an upload (422 with ``problems``)."""
        return await templates.replace_file(actor, template_id, await data.file.read())

    @post("/templates/{template_id:uuid}/archive", status_code=200)
    async def archive_template(
        self, actor: CurrentActor, template_id: Id, data: JSONBody[Archiving]
    ) -> TemplateView:
        """Archive a template; 409 while a process forms documents from it."""
        return await templates.archive(actor, template_id, data.archived)

    @post("/templates", request_max_body_size=UPLOAD_LIMIT)
    async def upload_template(
        self,
        actor: CurrentActor,
        data: Annotated[TemplateUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> TemplateView:
        """Upload a .docx template; a template that fails the lint is refused (422) with every
        problem in ``problems``."""
        kind_id = _uuid(data.kind_id, "kind_id") if data.kind_id else None
        org = _uuid(data.organization_id, "organization_id")
        content = await data.file.read()
        return await templates.upload(actor, org, data.name, kind_id, content)

    @get("/processes")
    async def list_processes(
        self, actor: CurrentActor, archived: WithArchived = False
    ) -> list[ProcessView]:
        """Processes (route templates bound to a form) of the visible organizations."""
        return await processes.listing(actor, archived)

    @patch("/processes/{process_id:uuid}")
    async def update_process(
        self, actor: CurrentActor, process_id: Id, data: JSONBody[ProcessChange]
    ) -> ProcessView:
        """Change a process in the designer; routes already started keep their stages."""
        return await processes.update(actor, process_id, data)

    @post("/processes/{process_id:uuid}/archive", status_code=200)
    async def archive_process(
        self, actor: CurrentActor, process_id: Id, data: JSONBody[Archiving]
    ) -> ProcessView:
        """Archive a process: it starts no more; its documents keep their routes."""
        return await processes.archive(actor, process_id, data.archived)

    @post("/processes")
    async def create_process(self, actor: CurrentActor, data: JSONBody[NewProcess]) -> ProcessView:
        """A process: its kind, audience, the site form's topic and the stages."""
        return await processes.create(actor, data)

    @post("/processes/{process_id:uuid}/start")
    async def start_process(
        self, actor: CurrentActor, process_id: Id, data: JSONBody[Starting]
    ) -> DocumentView:
        """Start a process from the console (or on an appeal, with ``appeal_id``)."""
        start = StartProcess(**{k: getattr(data, k) for k in StartProcess.__struct_fields__})
        doc = await processes.start_by_operator(actor, process_id, data.organization_id, start)
        return await documents.card(actor, doc.id)

    @get("/counters")
    async def counters(self, actor: CurrentActor) -> Counters:
        """How many steps wait for my decision (the console's badge)."""
        return Counters(awaiting=await lists.awaiting_count(actor))

    @post("/steps/{step_id:uuid}/decisions", status_code=200)
    async def decide(
        self, actor: CurrentActor, step_id: Id, data: JSONBody[NewDecision]
    ) -> RouteView:
        """Decide on my step: approve, reject, return for revision, delegate, or comment.
        The same ``decision_id`` again changes nothing."""
        return await routing.decide(actor, step_id, data)


class DocumentsController(Controller):
    path = "/api/docflow/documents"
    tags = ("docflow",)

    @get("/")
    async def list_documents(
        self,
        actor: CurrentActor,
        view: ViewName = "all",
        status: Annotated[str | None, QueryParameter(pattern=r"^[a-z_]{1,20}$(?!\n)")] = None,
        category: Annotated[str | None, QueryParameter(pattern=r"^[a-z_]{1,20}$(?!\n)")] = None,
        q: TextQuery = None,
        appeal_id: FromQuery[uuid.UUID | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> DocumentPage:
        """``awaiting`` (на согласовании у меня), ``mine`` (мои документы) or ``all``; an
        appeal's documents with ``appeal_id``."""
        f = lists.Filters(
            view=view,  # type: ignore[arg-type]
            status=status,
            category=category,
            q=q or "",
            appeal_id=appeal_id,
            limit=limit,
            offset=offset,
        )
        return await lists.listing(actor, f)

    @post("/")
    async def create_document(
        self, actor: CurrentActor, data: JSONBody[NewDocument]
    ) -> DocumentView:
        """A draft card. Requires ``docflow.write`` in the organization."""
        doc = await documents.create(actor, data)
        return await documents.card(actor, doc.id)

    @get("/{document_id:uuid}")
    async def get_document(self, actor: CurrentActor, document_id: Id) -> DocumentView:
        """The card with links, files (every version) and the route's timeline."""
        return await documents.card(actor, document_id)

    @patch("/{document_id:uuid}")
    async def change_document(
        self, actor: CurrentActor, document_id: Id, data: JSONBody[DocumentChange]
    ) -> DocumentView:
        """Change the card's requisites, priority, control date …"""
        await documents.change(actor, document_id, data)
        return await documents.card(actor, document_id)

    @post("/{document_id:uuid}/register", status_code=200)
    async def register_document(
        self, actor: CurrentActor, document_id: Id, data: JSONBody[Registering]
    ) -> DocumentView:
        """Give the document its number in its kind's journal (or the one named)."""
        await registration.register(actor, document_id, data.journal_id)
        return await documents.card(actor, document_id)

    @post("/{document_id:uuid}/links")
    async def add_link(
        self, actor: CurrentActor, document_id: Id, data: JSONBody[NewLink]
    ) -> list[LinkView]:
        """Link an appeal, member, task or another document (reply_to, supersedes, related)."""
        return await documents.add_link(actor, document_id, data)

    @post("/{document_id:uuid}/files", request_max_body_size=UPLOAD_LIMIT)
    async def upload_file(
        self,
        actor: CurrentActor,
        document_id: Id,
        data: Annotated[FileUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> FileView:
        """Upload a file; the same name again is its next version."""
        await documents.writable(actor, document_id)
        content = await data.file.read()
        return await files.store_file(
            document_id, data.file.filename, content, data.file.content_type, actor.operator_id
        )

    @get("/{document_id:uuid}/files/{file_id:uuid}", media_type="*/*")
    async def download_file(
        self, actor: CurrentActor, document_id: Id, file_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """One version of a file."""
        found = await files.read_file(actor, document_id, file_id)
        return _download(found.name, found.content_type, found.content)

    @post("/{document_id:uuid}/route")
    async def start_route(
        self, actor: CurrentActor, document_id: Id, data: JSONBody[NewRoute]
    ) -> RouteView:
        """Send the document on a route (again after a return for revision)."""
        return await routing.start(actor, document_id, data.stages)

    @post("/{document_id:uuid}/render")
    async def render(
        self, actor: CurrentActor, document_id: Id, data: JSONBody[Rendering]
    ) -> list[FileView]:
        """Fill a template from the card and attach the result (``pdf``: also as PDF)."""
        doc = await documents.writable(actor, document_id)
        return await templates.render_for(actor, doc, data.template_id, data.pdf)


CONTROLLERS: list[Any] = [SetupController, DocumentsController]
