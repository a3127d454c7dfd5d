"""Bulk import of members and organizations: formats, per-row report, all-or-nothing,
idempotent re-import, matching existing members, the admin API and the CLI."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from import_support import HEADER, roster, to_csv
from test_members import bearer, make_org

from unionline.members import services
from unionline.members.import_orgs import import_organizations
from unionline.members.importer import import_members
from unionline.members.tables import ContactPoint, Member
from unionline.testing import AppHarness
from unionline.testing.support import fresh_database, postgres_server_url


async def federation(h: AppHarness) -> uuid.UUID:
    fed = await make_org(h, "FED")
    await make_org(h, "PPO1", fed)
    await make_org(h, "PPO2", fed)
    return fed


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


async def test_cp1251_semicolon_csv_import_and_idempotent_reimport(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    await federation(h)
    data = csv_bytes(
        [
            "Код организации;ФИО;Номер билета;Телефон;E-mail;Статус;Работодатель;Должность",
            "ppo1;Артём Иванов;1001;8 (999) 123-45-67;Artem@Mail.RU;член;Завод;Токарь",
            "PPO2;Ольга Смирнова;1002;+7 999 765 43 21;;;;",
        ],
        "cp1251",
    )
    report = await import_members(None, data)
    assert report.format.startswith("csv (windows-1251, ';')")
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0), report.errors
    assert report.imported is True
    page = await services.get_member(
        None, (await Member.select(Member.id).where(Member.card_number == "1001").first())["id"]
    )
    assert page.full_name == "Артём Иванов" and page.status == "member"
    assert {(c.kind, c.address) for c in page.contacts} == {
        ("phone", "+79991234567"),
        ("email", "Artem@mail.ru"),
    }
    olga = await Member.select().where(Member.card_number == "1002").first()
    assert olga["status"] == "member"  # empty status: a roster lists members

    again = await import_members(None, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert await Member.count() == 2 and await ContactPoint.count() == 3

    changed = data.replace("Токарь".encode("cp1251"), "Мастер".encode("cp1251"))
    third = await import_members(None, changed)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)


async def test_invalid_rows_block_everything_unless_skipped(unionline_app: AppHarness) -> None:
    h = unionline_app
    await federation(h)
    data = csv_bytes(
        [
            "org_code,full_name,card_number,phone,email,telegram",
            "PPO1,Good One,1,+79990000001,,",
            "PPO1,,2,+79990000002,,",
            "NOPE,Bad Org,3,,,",
            "PPO1,Bad Phone,4,12345,,@nick",
            "PPO1,Dup Card,1,,,",
            "",
            "PPO2,Good Two,5,,two@example.org,",
        ]
    )
    report = await import_members(None, data)
    assert report.imported is False
    assert {(e.row, e.column) for e in report.errors} == {
        (3, "full_name"),
        (4, "org_code"),
        (5, "phone"),
        (5, "telegram"),
        (6, "card_number"),
    }
    assert "row 2" in next(e.reason for e in report.errors if e.row == 6)
    assert (report.total_rows, report.valid_rows, report.invalid_rows) == (6, 2, 4)
    assert await Member.count() == 0

    dry = await import_members(None, data, dry_run=True, skip_invalid=True)
    assert dry.imported is False and dry.created == 2
    assert await Member.count() == 0

    skipped = await import_members(None, data, skip_invalid=True)
    assert skipped.imported is True and skipped.created == 2
    assert await Member.count() == 2


async def test_matching_existing_members(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await federation(h)
    known = await services.resolve_member(
        services.IdentityClaim(kind="phone", address="+79990000001", organization_id=fed)
    )
    other = await services.create_member(None, fed, full_name="Other", card_number="77")
    data = csv_bytes(
        [
            "org_code;full_name;card_number;phone;email",
            "PPO1;Known Person;50;8 999 000-00-01;known@example.org",
            "PPO1;Clash;77;+79990000001;",
        ]
    )
    clash = await import_members(None, data)
    assert [(e.row, e.column) for e in clash.errors] == [(3, "phone")]

    report = await import_members(None, data.split(b"\r\nPPO1;Clash")[0] + b"\r\n")
    assert (report.created, report.updated) == (0, 1)
    view = await services.get_member(None, known)
    assert view.full_name == "Known Person" and view.card_number == "50"
    assert view.provisional is False
    assert {c.kind for c in view.contacts} == {"phone", "email"}
    assert (await services.get_member(None, other)).full_name == "Other"


async def test_header_problems_and_default_org(unionline_app: AppHarness) -> None:
    h = unionline_app
    await federation(h)
    unknown = await import_members(None, csv_bytes(["full_name;shoe_size", "A;42"]))
    assert {(e.row, e.column) for e in unknown.errors} == {(1, "shoe_size"), (1, "org_code")}
    with_org = await import_members(None, csv_bytes(["full_name", "A", "B"]), org_code="ppo2")
    assert with_org.created == 2 and with_org.imported


async def test_xlsx_import(unionline_app: AppHarness) -> None:
    from openpyxl import Workbook

    h = unionline_app
    await federation(h)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["PPO1", "Пётр Ёлкин", 555, 79161234567, "p@x.ru", None, "member", "", ""])
    sheet.append(["PPO2", "Мария", "556", "8 916 765-43-21", None, 123456, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    report = await import_members(None, buffer.getvalue(), filename="roster.xlsx")
    assert report.format == "xlsx"
    assert report.created == 2, report.errors
    row = await ContactPoint.select().where(ContactPoint.kind == "telegram").first()
    assert row["address"] == "123456"
    assert await Member.exists().where(Member.card_number == "555")


async def test_organizations_import(unionline_app: AppHarness) -> None:
    data = csv_bytes(
        [
            "code,name,parent_code,kind",
            "FED,Федерация,,federation",
            "SOUTH,Южный комитет,FED,committee",
            "PPO1,ППО №1,SOUTH,",
            "BAD,,NOWHERE,planet",
        ]
    )
    report = await import_organizations(None, data)
    assert {(e.row, e.column) for e in report.errors} == {
        (5, "name"),
        (5, "parent_code"),
        (5, "kind"),
    }
    assert report.imported is False
    done = await import_organizations(None, data, skip_invalid=True)
    assert done.created == 3 and done.imported
    again = await import_organizations(None, data, skip_invalid=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    h = unionline_app
    listed = (await h.client.get("/api/organizations/", headers=h.admin_headers)).json()
    assert [(o["code"], o["depth"]) for o in listed] == [("FED", 0), ("SOUTH", 1), ("PPO1", 2)]


async def test_import_api(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await federation(h)
    rows, _ = roster(20, ["PPO1", "PPO2"])
    data = to_csv(rows)
    files = {"file": ("roster.csv", data, "text/csv")}
    url = "/api/import/members"
    dry = await h.client.post(url, params={"dry_run": "true"}, files=files, headers=h.admin_headers)
    assert dry.status_code == 200, dry.text
    assert dry.json()["created"] == 20 and dry.json()["imported"] is False
    done = await h.client.post(url, files=files, headers=h.admin_headers)
    assert done.json()["imported"] is True
    assert await Member.count() == 20
    operator = await bearer(h, "op", "operator", fed)
    denied = await h.client.post(url, files=files, headers=operator)
    assert denied.status_code == 403
    garbage = {"file": ("x.xlsx", b"PK\x03\x04 not a zip", "application/octet-stream")}
    broken = await h.client.post(url, files=garbage, headers=h.admin_headers)
    assert broken.status_code == 422
    assert broken.json()["error"]["field"] == "file"


def damaged_xlsx(part: str, content: bytes | None) -> bytes:
    """A real one-row roster whose ``part`` is replaced by ``content`` (None: left out)."""
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["PPO1", "Пётр Ёлкин", "555"])
    good = io.BytesIO()
    book.save(good)
    source, out = zipfile.ZipFile(good), io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for name in source.namelist():
            data = source.read(name) if name != part else content
            if data is not None:
                damaged.writestr(name, data)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
# A worksheet whose view has an attribute openpyxl's model lacks: a TypeError in the reader.
UNKNOWN_ATTRIBUTE = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetViews><sheetView bogus="1"/></sheetViews><sheetData/></worksheet>'
)


@pytest.mark.parametrize(
    ("part", "content"),
    [
        ("docProps/core.xml", b""),  # lxml: Document is empty
        (SHEET, b""),  # read while the rows are: ElementTree's ParseError
        (SHEET, None),  # no worksheet at all
        (SHEET, UNKNOWN_ATTRIBUTE),
    ],
)
async def test_a_damaged_xlsx_is_refused_naming_the_file(
    unionline_app: AppHarness, part: str, content: bytes | None
) -> None:
    """A zip whose parts are damaged was a 500 (the parsers' own errors got through)."""
    h = unionline_app
    files = {"file": ("roster.xlsx", damaged_xlsx(part, content), "application/octet-stream")}
    for url in ("/api/import/members", "/api/import/organizations"):
        refused = await h.client.post(url, files=files, headers=h.admin_headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["field"] == "file"
        assert "XLSX" in refused.json()["error"]["message"]


@pytest.mark.slow
async def test_100k_rows_dry_run_reports_exactly_the_invalid_rows(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    await federation(h)
    rows, expected = roster(100_000, ["PPO1", "PPO2"], invalid=1_000)
    report = await import_members(None, to_csv(rows), dry_run=True)
    assert {(e.row, e.column) for e in report.errors} == expected
    assert len(report.errors) == 1_000
    assert (report.invalid_rows, report.valid_rows) == (1_000, 99_000)
    assert report.imported is False
    assert await Member.count() == 0


@pytest.mark.database
def test_cli_import(tmp_path: Path) -> None:
    from cli_runner import TEST_SECRET

    # The command is the first to connect: the database must exist already (not the lazy one
    # of the unionline_database_url fixture, which a runtime in this process creates).
    with fresh_database(tmp_path, postgres_server_url()) as url:
        _cli_import(tmp_path, {"UNIONLINE_SECRET_KEY": TEST_SECRET, "UNIONLINE_DATABASE_URL": url})


def _cli_import(tmp_path: Path, env: dict[str, str]) -> None:
    from cli_runner import run_cli

    orgs = tmp_path / "orgs.csv"
    orgs.write_bytes(csv_bytes(["code;name;parent_code", "FED;Федерация;", "PPO1;ППО;FED"]))
    members = tmp_path / "members.csv"
    members.write_bytes(to_csv(roster(30, ["PPO1"])[0]))
    assert run_cli("migrate", cwd=tmp_path, env=env).returncode == 0
    made = run_cli("import", "organizations", str(orgs), cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
    dry = run_cli("import", "members", str(members), "--dry-run", cwd=tmp_path, env=env)
    assert dry.returncode == 0, dry.stderr
    assert "30 valid" in dry.stdout and "dry run" in dry.stdout
    done = run_cli("import", "members", str(members), cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "created 30" in done.stdout
    assert "writing" in done.stderr  # the progress bar went to stderr
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(["org_code;full_name;phone", "PPO1;X;123"]))
    refused = run_cli("import", "members", str(bad), cwd=tmp_path, env=env)
    assert refused.returncode == 1
    assert "row 2 [phone]" in refused.stderr
