"""Document cards and registration journals through the REST API, on both engines: requisites
as data, links, file versions, numbers from parts taken at registration, the journal and its
XLSX export, and the organization scope of all of it."""

from __future__ import annotations

import io
import uuid

import openpyxl
import pytest
from docflow_support import Office

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("docflow")


async def test_a_card_is_drafted_registered_and_scoped(unionline_app: AppHarness) -> None:
    s = await Office(unionline_app).setup()
    journal = await s.journal()
    kind = await s.kind(journal)
    doc = await s.document(
        kind,
        priority="high",
        control_date="2025-11-10",
        correspondent={"kind": "employer", "name": "ООО «Завод»"},
        requisites={"addressee": "Председателю профкома", "incoming_date": "2025-10-29"},
    )
    assert doc["status"] == "draft" and doc["number"] == ""  # no number at draft
    assert doc["correspondent"]["name"] == "ООО «Завод»" and doc["priority"] == "high"

    # Requisites are the kind's: unknown, missing and mistyped ones are named.
    for requisites, field in (
        ({"addressee": "x", "color": "red"}, "requisites.color"),
        ({}, "requisites.addressee"),
        ({"addressee": "x", "incoming_date": "29.10.2025"}, "requisites.incoming_date"),
        ({"addressee": "x", "sheets": "много"}, "requisites.sheets"),
    ):
        r = await s.call(
            "olga",
            "post",
            "/api/docflow/documents/",
            422,
            organization_id=str(s.a),
            kind_id=kind,
            title="x",
            requisites=requisites,
        )
        assert r["error"]["field"] == field, r
    r = await s.call("olga", "post", "/api/docflow/documents/", 400, organization_id="x", title="")
    assert "organization_id" in str(r) or "title" in str(r)

    registered = await s.call("olga", "post", f"/api/docflow/documents/{doc['id']}/register", 200)
    assert registered["number"] == "02-15/1" and registered["status"] == "registered"
    again = await s.call("olga", "post", f"/api/docflow/documents/{doc['id']}/register", 409)
    assert again["error"]["field"] == "document_id"
    second = await s.document(kind)
    done = await s.call("ivan", "post", f"/api/docflow/documents/{second['id']}/register", 404)
    assert done["error"]["field"] == "document_id"  # A1's operator does not see A's card
    done = await s.call("boss", "post", f"/api/docflow/documents/{second['id']}/register")
    assert done["number"] == "02-15/2"

    # Links and file versions.
    await s.call(
        "olga",
        "post",
        f"/api/docflow/documents/{second['id']}/links",
        201,
        kind="reply_to",
        target_id=doc["id"],
    )
    for body in (b"first", b"second"):
        r = await unionline_app.client.post(
            f"/api/docflow/documents/{doc['id']}/files",
            files={"file": ("Ответ.docx", body, "application/octet-stream")},
            headers={"Authorization": f"Bearer {s.tokens['olga']}"},
        )
        assert r.status_code == 201, r.text
    card = await s.call("olga", "get", f"/api/docflow/documents/{doc['id']}")
    assert [(f["name"], f["version"]) for f in card["files"]] == [
        ("Ответ.docx", 2),
        ("Ответ.docx", 1),
    ]
    old = card["files"][1]["id"]
    got = await s.call("olga", "get", f"/api/docflow/documents/{doc['id']}/files/{old}")
    assert got.content == b"first"
    card2 = await s.call("olga", "get", f"/api/docflow/documents/{second['id']}")
    assert card2["links"] == [{"kind": "reply_to", "target_id": doc["id"]}]

    # The journal, its export, and another organization seeing nothing of it.
    page = await s.call("boss", "get", f"/api/docflow/journals/{journal}/entries")
    assert [e["number"] for e in page["entries"]] == ["02-15/1", "02-15/2"]
    xlsx = await s.call("boss", "get", f"/api/docflow/journals/{journal}/export")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "02-15/1",
        "02-15/2",
    ]
    assert sheet.cell(2, 4).value == "Письмо работодателя о сокращении"
    # A1's operator uses A's journal and kind but sees only A1's entries in it.
    assert [j["id"] for j in await s.call("ivan", "get", "/api/docflow/journals")] == [journal]
    assert [k["id"] for k in await s.call("ivan", "get", "/api/docflow/kinds")] == [kind]
    assert (await s.call("ivan", "get", f"/api/docflow/journals/{journal}/entries"))[
        "entries"
    ] == []
    await s.call("bob", "get", f"/api/docflow/journals/{journal}/entries", 404)
    await s.call("bob", "get", f"/api/docflow/journals/{journal}/export", 404)
    await s.call("bob", "get", f"/api/docflow/documents/{doc['id']}", 404)
    await s.call("bob", "get", f"/api/docflow/documents/{doc['id']}/files/{old}", 404)
    assert (await s.call("bob", "get", "/api/docflow/documents/"))["items"] == []
    assert await s.call("bob", "get", "/api/docflow/journals") == []
    r = await s.call(
        "bob",
        "post",
        "/api/docflow/documents/",
        404,
        organization_id=str(s.a),
        kind_id=kind,
        title="x",
        requisites={"addressee": "x"},
    )
    assert r["error"]["field"] == "organization_id"
    mine = await s.call("olga", "get", "/api/docflow/documents/", view="mine")
    assert {i["id"] for i in mine["items"]} == {doc["id"], second["id"]}


async def test_number_formats_are_checked(unionline_app: AppHarness) -> None:
    """A bad format is a 422 naming the field, with what is wrong in ``extra.problem`` (and
    the part at fault) for the console to say at the field."""
    s = await Office(unionline_app).setup()
    parts = ["seq", "case", "year", "yy", "org"]
    for fmt, case, field, extra in (
        ("{num}", "", "number_format", {"problem": "unknown_part", "part": "num", "parts": parts}),
        ("{case}", "01", "number_format", {"problem": "no_seq"}),
        ("{seq}-{seq}", "", "number_format", {"problem": "seq_twice"}),
        ("{case}/{seq}", "", "case_index", {"problem": "needed", "part": "case"}),
        ("{org}/{seq}", "", "org_code", {"problem": "needed", "part": "org"}),
        ("{seq:x}", "", "number_format", {"problem": "width", "part": "seq"}),
        ("{year:04}-{seq}", "", "number_format", {"problem": "width", "part": "year"}),
        ("{seq", "", "number_format", {"problem": "braces"}),
        ("№ }{seq}", "", "number_format", {"problem": "braces"}),
    ):
        r = await s.call(
            "boss",
            "post",
            "/api/docflow/journals",
            422,
            organization_id=str(s.a),
            name="Ж",
            number_format=fmt,
            case_index=case,
        )
        assert (r["error"]["field"], r["error"].get("extra")) == (field, extra), (fmt, r)
    j = await s.journal("{org}-{yy}/{seq:04}", case="", org="ПК")
    kind = await s.kind(j)
    doc = await s.document(kind)
    done = await s.call("olga", "post", f"/api/docflow/documents/{doc['id']}/register")
    from unionline import now

    assert done["number"] == f"ПК-{now().year % 100:02d}/0001"


async def test_a_rolled_back_registration_takes_no_number(unionline_app: AppHarness) -> None:
    from unionline.plugins.docflow import registration

    s = await Office(unionline_app).setup()
    kind = await s.kind(await s.journal())
    docs = [await s.document(kind) for _ in range(3)]
    db = unionline_app.runtime.db

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with db.transaction():
            await registration.register(None, uuid.UUID(docs[0]["id"]))
            raise Boom
    for d in docs[1:]:
        await registration.register(None, uuid.UUID(d["id"]))
    await registration.register(None, uuid.UUID(docs[0]["id"]))
    rows = await db.fetch("SELECT id, seq FROM docflow_document ORDER BY seq")
    assert [int(r["seq"]) for r in rows] == [1, 2, 3]
    assert {str(r["id"]): int(r["seq"]) for r in rows}[docs[0]["id"]] == 3


async def test_concurrent_registrations_are_gapless(unionline_app: AppHarness) -> None:
    """Registrars racing on one journal (12 at once, each its own transaction and connection on
    PostgreSQL): numbers 1..N, no duplicate, no gap."""
    import asyncio

    from unionline.plugins.docflow import registration

    s = await Office(unionline_app).setup()
    kind = await s.kind(await s.journal())
    ids = [uuid.UUID((await s.document(kind))["id"]) for _ in range(24)]
    await asyncio.gather(*(registration.register(None, i) for i in ids))
    rows = await unionline_app.runtime.db.fetch("SELECT seq, number FROM docflow_document")
    assert sorted(int(r["seq"]) for r in rows) == list(range(1, 25))
    assert len({r["number"] for r in rows}) == 24


async def test_the_journal_resets_at_new_year_in_the_organizations_zone(
    unionline_app: AppHarness,
) -> None:
    from datetime import UTC, datetime

    from unionline.appeals.clock import use_clock
    from unionline.plugins.docflow import registration

    s = await Office(unionline_app).setup()
    await s.call("admin", "put", f"/api/calendar/{s.a}/timezone", timezone="Asia/Vladivostok")
    kind = await s.kind(await s.journal("{seq}/{year}", case=""))
    docs = [uuid.UUID((await s.document(kind))["id"]) for _ in range(3)]
    # 31 Dec 2026 14:30 UTC is already 1 January 2027 00:30 in Vladivostok (UTC+10).
    moments = [
        datetime(2026, 12, 31, 13, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 13, 59, tzinfo=UTC),
        datetime(2026, 12, 31, 14, 30, tzinfo=UTC),
    ]
    numbers = []
    for doc_id, moment in zip(docs, moments, strict=True):
        with use_clock(lambda m=moment: m):
            numbers.append((await registration.register(None, doc_id)).number)
    assert numbers == ["1/2026", "2/2026", "1/2027"]


async def test_a_members_documents_in_their_export_and_erasure(unionline_app: AppHarness) -> None:
    from appeals_support import make_member

    s = await Office(unionline_app).setup()
    kind = await s.kind(await s.journal())
    member = await make_member(s.a, "Соколова Мария")
    doc = await s.document(kind, title="Заявление Соколовой М. И.", member_id=str(member))
    await s.call("olga", "post", f"/api/docflow/documents/{doc['id']}/register")
    exported = await s.call("admin", "get", f"/api/privacy/members/{member}/export")
    assert [d["title"] for d in exported["extra"]["docflow"]] == ["Заявление Соколовой М. И."]
    await s.call("admin", "post", f"/api/privacy/members/{member}/erase")
    erased = await s.call("olga", "get", f"/api/docflow/documents/{doc['id']}")
    assert erased["title"] == "[удалено]" and erased["member_id"] is None
    assert (
        erased["number"] == "02-15/1" and erased["requisites"] == {}
    )  # the journal's record stays
