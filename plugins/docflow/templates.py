"""Template management and rendering a document from one: the file is linted on upload, the
result attached to the card as a new file version (and as PDF when LibreOffice is here)."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import msgspec

from unionline import Actor, Invalid, NotFound, current, load_appeal, now
from unionline.calendar import timezone_for
from unionline.plugins.docflow import docx, rights
from unionline.plugins.docflow.files import store_file
from unionline.plugins.docflow.schemas import FileView, TemplateChange, TemplateView
from unionline.plugins.docflow.store import DocumentRow, in_scope, load_kind
from unionline.plugins.docflow.tables import Template
from unionline.rows import db_value

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STATUS_RU = {
    "draft": "Черновик",
    "registered": "Зарегистрирован",
    "on_route": "На согласовании",
    "revision": "На доработке",
    "approved": "Согласован",
    "rejected": "Отклонён",
}

STEP_RU = {
    "waiting": "впереди",
    "pending": "ждёт решения",
    "done": "согласовано",
    "rejected": "отклонено",
    "returned": "возвращено на доработку",
    "skipped": "не потребовалось",
}


class TemplateRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    kind_id: uuid.UUID | None
    fields: list[str]
    uploaded_at: datetime
    archived: bool


COLUMNS = "id, organization_id, name, kind_id, fields, uploaded_at, archived"


class _Filling(msgspec.Struct, kw_only=True):
    organization_id: uuid.UUID
    name: str
    content: bytes
    archived: bool


def _linted(content: bytes) -> list[str]:
    """The fields the template uses; 422 naming ``file`` with every problem otherwise."""
    problems, fields = docx.lint(content)
    if problems:
        raise Invalid(
            "; ".join(p.message for p in problems[:5]),
            field="file",
            extra={"problems": msgspec.to_builtins(problems)},
        )
    return fields


async def upload(
    actor: Actor, organization_id: uuid.UUID, name: str, kind_id: uuid.UUID | None, content: bytes
) -> TemplateView:
    await rights.require_in_scope(actor, rights.MANAGE, organization_id)
    name = name.strip()
    if not name:
        raise Invalid("the template needs a name", field="name")
    if kind_id is not None:
        await load_kind(kind_id)
    fields = _linted(content)
    row = Template(
        organization_id=organization_id,
        name=name[:200],
        kind_id=kind_id,
        content=content,
        fields=fields,
        uploaded_by=actor.operator_id,
    )
    async with current().db.transaction():
        await row.save()
    return await _view(row.id)


async def _row(template_id: uuid.UUID) -> TemplateRow:
    row = await current().db.fetch_one_as(
        TemplateRow, f"SELECT {COLUMNS} FROM docflow_template WHERE id = {{}}", template_id
    )
    if row is None:
        raise NotFound(f"template {template_id} does not exist", field="template_id")
    return row


async def _view(template_id: uuid.UUID) -> TemplateView:
    return TemplateView(**msgspec.structs.asdict(await _row(template_id)))


async def change(actor: Actor, template_id: uuid.UUID, data: TemplateChange) -> TemplateView:
    """Rename a template or bind it to another kind."""
    from unionline.plugins.docflow.catalog import managed

    row = await _row(template_id)
    await managed(actor, row.organization_id, "template_id", "template")
    if data.kind_id is not None:
        await load_kind(data.kind_id)
    async with current().db.transaction():
        await current().db.execute(
            "UPDATE docflow_template SET name = {}, kind_id = {} WHERE id = {}",
            data.name.strip(),
            data.kind_id,
            row.id,
        )
    return await _view(template_id)


async def replace_file(actor: Actor, template_id: uuid.UUID, content: bytes) -> TemplateView:
    """A new .docx for the template, linted like an upload (a failing one changes nothing).
    Documents formed before keep their files."""
    from unionline.plugins.docflow.catalog import managed

    row = await _row(template_id)
    await managed(actor, row.organization_id, "template_id", "template")
    fields = _linted(content)
    async with current().db.transaction():
        await current().db.execute(
            "UPDATE docflow_template SET content = {}, fields = {}, uploaded_by = {},"
            " uploaded_at = {} WHERE id = {}",
            content,
            db_value(fields),
            actor.operator_id,
            now(),
            row.id,
        )
    return await _view(template_id)


async def archive(actor: Actor, template_id: uuid.UUID, archived: bool) -> TemplateView:
    """An archived template is offered on no card; files formed from it stay. Refused while
    a process in use forms documents from it."""
    from unionline.plugins.docflow.catalog import _no_live_process, managed

    async with current().db.transaction():
        row = await _row(template_id)
        await managed(actor, row.organization_id, "template_id", "template")
        if archived:
            await _no_live_process("template_id", row.id)
        await current().db.execute(
            "UPDATE docflow_template SET archived = {} WHERE id = {}", archived, row.id
        )
    return await _view(template_id)


def pdf_available() -> bool:
    return soffice() is not None


async def listing(actor: Actor, archived: bool = False) -> list[TemplateView]:
    where, args = in_scope("organization_id", await rights.serving_owner_ids(actor))
    live = "" if archived else " AND NOT archived"
    rows = await current().db.fetch_as(
        TemplateRow,
        f"SELECT {COLUMNS} FROM docflow_template WHERE {where}{live} ORDER BY name",
        *args,
    )
    return [TemplateView(**msgspec.structs.asdict(r)) for r in rows]


async def render_for(
    actor: Actor | None, doc: DocumentRow, template_id: uuid.UUID, pdf: bool = False
) -> list[FileView]:
    """Fill the template from the card and attach the result (and its PDF, when asked and
    LibreOffice is installed)."""
    from unionline.plugins.docflow.catalog import serves

    row = await current().db.fetch_one_as(
        _Filling,
        "SELECT organization_id, name, content, archived FROM docflow_template WHERE id = {}",
        template_id,
    )
    if row is None or not await serves(row.organization_id, doc.organization_id):
        raise NotFound(f"template {template_id} does not exist", field="template_id")
    if row.archived and actor is not None:
        raise Invalid("the template is archived", field="template_id")
    context = await context_for(doc, actor)
    try:
        rendered = await asyncio.to_thread(docx.render, row.content, context)
    except jinja2.TemplateError as exc:  # e.g. an attribute of a field the card lacks
        raise Invalid(f"the template cannot be filled: {exc}", field="template_id") from exc
    base = f"{row.name} {doc.number or doc.title}".strip()[:200]
    by = actor.operator_id if actor else None
    files = [await store_file(doc.id, f"{base}.docx", rendered, DOCX, by, "template")]
    if pdf:
        converted = await to_pdf(rendered)
        if converted is None:
            raise Invalid("PDF needs LibreOffice (soffice) on the server", field="pdf")
        files.append(
            await store_file(doc.id, f"{base}.pdf", converted, "application/pdf", by, "template")
        )
    return files


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


async def to_pdf(content: bytes) -> bytes | None:
    """``soffice --headless --convert-to pdf``, when installed (None otherwise)."""
    binary = soffice()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(content)
        proc = await asyncio.create_subprocess_exec(
            binary,
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            folder,
            str(source),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await asyncio.wait_for(proc.wait(), timeout=120)
        result = Path(folder) / "document.pdf"
        return result.read_bytes() if result.exists() else None


async def context_for(doc: DocumentRow, actor: Actor | None) -> dict[str, Any]:
    """The values a template sees (docx.FIELDS). Member, organization and operator names are
    read from their tables: the public face has no reader for them yet."""
    zone = ZoneInfo(await timezone_for(doc.organization_id))
    kind = await load_kind(doc.kind_id)
    db = current().db
    org = await db.fetchone(
        "SELECT name, code FROM organization_organization WHERE id = {}", doc.organization_id
    )
    member: dict[str, Any] = {}
    if doc.member_id is not None:
        found = await db.fetchone(
            "SELECT full_name, card_number, employer, position, status FROM member_member"
            " WHERE id = {}",
            doc.member_id,
        )
        member = dict(found or {})
        parts = str(member.get("full_name") or "").split()
        member["first_name"] = parts[1] if len(parts) > 1 else (parts[0] if parts else "")
    appeal: dict[str, Any] = {}
    if doc.appeal_id is not None:
        a = await load_appeal(doc.appeal_id)
        appeal = {
            "number": a.number,
            "subject": a.subject,
            "status": a.status,
            "created": a.created_at.astimezone(zone).strftime("%d.%m.%Y"),
        }
    return {
        "document": {
            "number": doc.number,
            "date": (doc.registered_at or doc.created_at).astimezone(zone).strftime("%d.%m.%Y"),
            "title": doc.title,
            "summary": doc.summary,
            "kind": kind.name,
            "status": STATUS_RU.get(doc.status, doc.status),
            "priority": doc.priority,
            "control_date": doc.control_date.strftime("%d.%m.%Y") if doc.control_date else "",
            "correspondent": str(doc.correspondent.get("name") or ""),
            "requisites": doc.requisites,
            "author": await _operator_name(doc.author_id),
            "stage": doc.stage,
        },
        "member": member,
        "organization": {"name": org["name"], "code": org["code"]} if org else {},
        "appeal": appeal,
        "operator": {"name": await _operator_name(actor.operator_id if actor else None)},
        "today": now().astimezone(zone).strftime("%d.%m.%Y"),
        "steps": await _steps(doc, zone),
        "items": [],
    }


async def _operator_name(operator_id: uuid.UUID | None) -> str:
    if operator_id is None:
        return ""
    row = await current().db.fetchone(
        "SELECT name FROM operator_operator WHERE id = {}", operator_id
    )
    return str(row["name"]) if row else ""


async def _steps(doc: DocumentRow, zone: ZoneInfo) -> list[dict[str, Any]]:
    from unionline.plugins.docflow.routing import KIND_LABELS, route_view

    route = await route_view(doc.id)
    if route is None:
        return []
    return [
        {
            "stage": s.stage + 1,
            "kind": KIND_LABELS.get(s.kind, s.kind),
            "assignee": await _operator_name(s.assignee_id),
            "status": STEP_RU.get(s.status, s.status),
            "decided": s.decided_at.astimezone(zone).strftime("%d.%m.%Y") if s.decided_at else "",
            "comment": s.comment,
        }
        for s in route.steps
    ]
