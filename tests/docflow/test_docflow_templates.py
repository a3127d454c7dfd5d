""".docx templates: the lint's cases (unknown field, a tag split across Word runs, an unclosed
tag, a loop never ended, not a .docx at all), an upload refused with every problem named, and
a card rendered — Cyrillic fields and the route's steps in a table loop — attached to the card
as a new file; PDF only where LibreOffice is installed."""

from __future__ import annotations

import io
import uuid

import docx as python_docx
import pytest
from docflow_support import Office

from unionline.plugins.docflow import docx
from unionline.plugins.docflow.templates import soffice
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("docflow")


def template(*paragraphs: str | list[str], table: bool = False) -> bytes:
    """A .docx: each paragraph one run, or a list of runs (Word's splitting, reproduced)."""
    document = python_docx.Document()
    for paragraph in paragraphs:
        p = document.add_paragraph()
        for run in [paragraph] if isinstance(paragraph, str) else paragraph:
            p.add_run(run)
    if table:
        grid = document.add_table(rows=4, cols=3)
        for cell, text in zip(grid.rows[0].cells, ("Этап", "Кто", "Решение"), strict=True):
            cell.text = text
        grid.rows[1].cells[0].text = "{%tr for s in steps %}"
        for cell, text in zip(
            grid.rows[2].cells, ("{{ s.stage }}", "{{ s.assignee }}", "{{ s.status }}"), strict=True
        ):
            cell.text = text
        grid.rows[3].cells[0].text = "{%tr endfor %}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


GOOD = template(
    "Исх. № {{ document.number }} от {{ document.date }}",
    "{{ member.full_name }}, {{ organization.name }}",
    "О {{ document.title }}",
    table=True,
)


def codes(content: bytes) -> list[str]:
    return [p.code for p in docx.lint(content)[0]]


def test_the_lint_cases() -> None:
    assert codes(GOOD) == []
    assert set(docx.lint(GOOD)[1]) >= {"document.number", "member.full_name", "organization.name"}
    assert codes(template("Уважаемый {{ member.fullname }}")) == ["unknown_field"]
    assert codes(template("{{ chairman }}")) == ["unknown_field"]
    assert codes(template(["Номер {{ document.", "number }}"])) == ["split_tag"]
    assert codes(template("Номер {{ document.number")) == ["unclosed_tag"]
    assert codes(template("{% for s in steps %}{{ s.assignee }}")) == ["unclosed_tag"]
    assert codes(b"not a zip") == ["not_docx"]
    problem = docx.lint(template("{{ member.fullname }}"))[0][0]
    assert "member.fullname" in problem.message


async def test_upload_render_and_attach(unionline_app: AppHarness) -> None:
    s = await Office(unionline_app).setup()
    kind = await s.kind(await s.journal())

    async def upload(content: bytes, name: str = "Ответ работодателю", who: str = "boss"):
        return await unionline_app.client.post(
            "/api/docflow/templates",
            data={"organization_id": str(s.a), "name": name},
            files={"file": ("ответ.docx", content, docx_type)},
            headers={"Authorization": f"Bearer {s.tokens[who]}"},
        )

    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    bad = await upload(template(["{{ document.", "number }}"], "{{ chairman }}"))
    assert bad.status_code == 422, bad.text
    error = bad.json()["error"]
    assert error["field"] == "file"
    assert [p["code"] for p in error["extra"]["problems"]] == ["split_tag", "unknown_field"]
    assert (await upload(GOOD, who="olga")).status_code == 403  # templates need docflow.manage
    made = await upload(GOOD)
    assert made.status_code == 201, made.text
    template_id = made.json()["id"]

    doc = await s.document(kind, title="представлении интересов работника <АО «Рога & копыта»>")
    await s.call("olga", "post", f"/api/docflow/documents/{doc['id']}/register")
    await s.call(
        "olga",
        "post",
        f"/api/docflow/documents/{doc['id']}/route",
        201,
        stages=[{"assignees": [s.id("boss")], "title": "Председатель"}],
    )
    files = await s.call(
        "olga", "post", f"/api/docflow/documents/{doc['id']}/render", 201, template_id=template_id
    )
    assert files[0]["source"] == "template" and files[0]["name"].endswith(".docx")
    got = await s.call("olga", "get", f"/api/docflow/documents/{doc['id']}/files/{files[0]['id']}")
    rendered = python_docx.Document(io.BytesIO(got.content))
    text = "\n".join(p.text for p in rendered.paragraphs)
    assert "Исх. № 02-15/1 от" in text and "Организация A" in text
    assert "О представлении интересов работника <АО «Рога & копыта»>" in text
    cells = [c.text for row in rendered.tables[0].rows for c in row.cells]
    assert cells[3:6] == ["1", s.names["boss"], "ждёт решения"], cells
    assert "{{" not in text and "{%" not in "".join(cells)
    # Another organization neither sees nor uses the template.
    assert await s.call("bob", "get", "/api/docflow/templates") == []
    other = await s.call(
        "bob", "post", f"/api/docflow/documents/{doc['id']}/render", 404, template_id=template_id
    )
    assert other["error"]["field"] == "document_id"
    missing = await s.call(
        "olga",
        "post",
        f"/api/docflow/documents/{doc['id']}/render",
        404,
        template_id=str(uuid.uuid4()),
    )
    assert missing["error"]["field"] == "template_id"
    deep = await upload(template("{{ document.requisites.addressee.name.first }}"), "Глубоко")
    assert deep.status_code == 201, deep.text
    failed = await s.call(
        "olga",
        "post",
        f"/api/docflow/documents/{doc['id']}/render",
        422,
        template_id=deep.json()["id"],
    )
    assert failed["error"]["field"] == "template_id"
    if soffice() is None:
        refused = await s.call(
            "olga",
            "post",
            f"/api/docflow/documents/{doc['id']}/render",
            422,
            template_id=template_id,
            pdf=True,
        )
        assert refused["error"]["field"] == "pdf"
    else:
        made_pdf = await s.call(
            "olga",
            "post",
            f"/api/docflow/documents/{doc['id']}/render",
            201,
            template_id=template_id,
            pdf=True,
        )
        assert made_pdf[1]["content_type"] == "application/pdf"
    features = await s.call("olga", "get", "/api/docflow/features")
    assert features == {"pdf": soffice() is not None}

    # Replacing the file is linted like an upload: a failing one changes nothing.
    async def replace(content: bytes, who: str = "boss"):
        return await unionline_app.client.post(
            f"/api/docflow/templates/{template_id}/file",
            files={"file": ("ответ-2.docx", content, docx_type)},
            headers={"Authorization": f"Bearer {s.tokens[who]}"},
        )

    broken = await replace(template("{{ document.number }"))
    assert broken.status_code == 422 and broken.json()["error"]["field"] == "file", broken.text
    assert (await replace(GOOD, who="bob")).status_code == 404  # another organization's
    fixed = await replace(template("Вх. № {{ document.number }}, {{ operator.name }}"))
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["fields"] == ["document.number", "operator.name"]
    renamed = await s.call(
        "boss",
        "patch",
        f"/api/docflow/templates/{template_id}",
        name="Короткий ответ",
        kind_id=kind,
    )
    assert (renamed["name"], renamed["kind_id"]) == ("Короткий ответ", kind)
    await s.call("boss", "post", f"/api/docflow/templates/{template_id}/archive", archived=True)
    assert template_id not in {
        x["id"] for x in await s.call("olga", "get", "/api/docflow/templates")
    }
    archived = await s.call(
        "olga", "post", f"/api/docflow/documents/{doc['id']}/render", 422, template_id=template_id
    )
    assert archived["error"]["field"] == "template_id"
