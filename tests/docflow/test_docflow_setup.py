"""Keeping the setup in the console's forms: kinds, journals and processes are changed and
archived through the API the admin page uses. Every refusal names its field; an archived item
is offered nowhere but old documents keep showing it; another organization gets 404, a lower
one that sees a higher organization's setup 403."""

from __future__ import annotations

from datetime import datetime

import pytest
from docflow_support import REQUISITES, Office

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("docflow")


async def test_kinds_journals_and_processes_are_changed_and_archived(
    unionline_app: AppHarness,
) -> None:
    s = await Office(unionline_app).setup()
    journal = await s.journal("{case}/{seq}", case="01-02")
    kind = await s.kind(journal)
    doc = await s.document(kind)
    await s.call("olga", "post", f"/api/docflow/documents/{doc['id']}/register")

    # A kind: changed in full; a taken code or a journal that is no journal names the field.
    body = {
        "code": "in",
        "name": "Входящее письмо работодателя",
        "category": "incoming",
        "requisites": [*REQUISITES, {"name": "executor", "label": "Исполнитель"}],
        "journal_id": journal,
    }
    changed = await s.call("boss", "patch", f"/api/docflow/kinds/{kind}", **body)
    assert changed["name"] == "Входящее письмо работодателя"
    assert [r["name"] for r in changed["requisites"]][-1] == "executor"
    other = await s.kind(journal)
    taken = await s.call("boss", "patch", f"/api/docflow/kinds/{other}", 409, **body)
    assert taken["error"]["field"] == "code"
    bad = await s.call(
        "boss", "patch", f"/api/docflow/kinds/{kind}", 400, **{**body, "category": "memo"}
    )
    assert bad["error"]["field"] == "category"
    # Scoping: B does not see A's kind at all; an operator of A1 sees it, may not change it.
    assert (await s.call("bob", "patch", f"/api/docflow/kinds/{kind}", 404, **body))["error"][
        "field"
    ] == "kind_id"
    await s.call("ivan", "patch", f"/api/docflow/kinds/{kind}", 403, **body)
    await s.call("bob", "post", f"/api/docflow/journals/{journal}/archive", 404, archived=True)

    # A journal: the format checked, the new one numbers the next document; the reset rule
    # stays once a document is registered.
    jbody = {"name": "Входящие", "number_format": "{case}-{seq}", "case_index": "01-03"}
    url = f"/api/docflow/journals/{journal}"
    wrong = await s.call("boss", "patch", url, 422, **{**jbody, "number_format": "{n}"})
    assert wrong["error"]["field"] == "number_format"
    no_org = await s.call(
        "boss",
        "patch",
        f"/api/docflow/journals/{journal}",
        422,
        **{**jbody, "number_format": "{org}/{seq}"},
    )
    assert no_org["error"]["field"] == "org_code"
    reset = await s.call(
        "boss", "patch", f"/api/docflow/journals/{journal}", 409, **{**jbody, "reset": "never"}
    )
    assert reset["error"]["field"] == "reset"
    await s.call("boss", "patch", f"/api/docflow/journals/{journal}", **jbody)
    second = await s.document(kind)
    numbered = await s.call("olga", "post", f"/api/docflow/documents/{second['id']}/register")
    assert numbered["number"] == "01-03-2"
    first = await s.call("olga", "get", f"/api/docflow/documents/{doc['id']}")
    assert first["number"] == "01-02/1"

    # A process in the designer: stages checked person by person, then saved.
    process = await s.call(
        "boss",
        "post",
        "/api/docflow/processes",
        201,
        organization_id=str(s.a),
        name="Отпуск",
        kind_id=kind,
        stages=[{"assignees": [s.id("boss")], "days": 2}],
    )
    stages = [{"title": "Председатель", "assignees": [s.id("boss"), s.id("anna")], "mode": "any"}]
    stranger = await s.call(
        "boss",
        "patch",
        f"/api/docflow/processes/{process['id']}",
        422,
        name="Отпуск",
        kind_id=kind,
        stages=[{"assignees": [s.id("boss")]}, {"assignees": [s.id("anna"), s.id("bob")]}],
    )
    assert stranger["error"]["field"] == "stages[1].assignees[1]"
    edited = await s.call(
        "boss",
        "patch",
        f"/api/docflow/processes/{process['id']}",
        name="Ежегодный отпуск",
        kind_id=kind,
        stages=stages,
    )
    assert edited["name"] == "Ежегодный отпуск" and edited["stages"][0]["mode"] == "any"

    # Archiving goes top-down: the journal while a kind registers into it, the kind while a
    # process makes it — 409 naming what to change first.
    busy = await s.call(
        "boss", "post", f"/api/docflow/journals/{journal}/archive", 409, archived=True
    )
    assert busy["error"]["field"] == "archived" and "Входящее" in busy["error"]["message"]
    used = await s.call("boss", "post", f"/api/docflow/kinds/{kind}/archive", 409, archived=True)
    assert "Ежегодный отпуск" in used["error"]["message"]
    gone = await s.call(
        "boss", "post", f"/api/docflow/processes/{process['id']}/archive", archived=True
    )
    assert gone["archived"] is True
    await s.call(
        "olga",
        "post",
        f"/api/docflow/processes/{process['id']}/start",
        404,
        organization_id=str(s.a),
        title="Заявление на отпуск",
    )
    for k in (kind, other):
        await s.call("boss", "post", f"/api/docflow/kinds/{k}/archive", archived=True)
    await s.call("boss", "post", f"/api/docflow/journals/{journal}/archive", archived=True)

    # Gone from every picker, listed with ?archived=true for the admin page.
    assert await s.call("olga", "get", "/api/docflow/kinds") == []
    assert await s.call("olga", "get", "/api/docflow/journals") == []
    assert await s.call("olga", "get", "/api/docflow/processes") == []
    listed = await s.call("boss", "get", "/api/docflow/journals", archived="true")
    assert [j["archived"] for j in listed] == [True]
    late = await s.call(
        "olga",
        "post",
        "/api/docflow/documents/",
        422,
        organization_id=str(s.a),
        kind_id=kind,
        title="x",
        requisites={"addressee": "x"},
    )
    assert late["error"]["field"] == "kind_id"
    # Old documents keep their kind, journal and number; the journal stays readable.
    card = await s.call("olga", "get", f"/api/docflow/documents/{doc['id']}")
    assert (card["kind_name"], card["journal_name"]) == ("Входящее письмо работодателя", "Входящие")
    entries = await s.call("olga", "get", f"/api/docflow/journals/{journal}/entries")
    assert [e["number"] for e in entries["entries"]] == ["01-02/1", "01-03-2"]
    # A draft of an archived kind still in its archived journal is not registered there.
    draft = await s.document(await s.kind(None))
    refused = await s.call(
        "olga", "post", f"/api/docflow/documents/{draft['id']}/register", 422, journal_id=journal
    )
    assert refused["error"]["field"] == "journal_id"
    # Bringing back: a kind only after its journal.
    back = await s.call("boss", "post", f"/api/docflow/kinds/{kind}/archive", 409, archived=False)
    assert back["error"]["field"] == "journal_id"
    await s.call("boss", "post", f"/api/docflow/journals/{journal}/archive", archived=False)
    await s.call("boss", "post", f"/api/docflow/kinds/{kind}/archive", archived=False)
    offered = {k["id"] for k in await s.call("olga", "get", "/api/docflow/kinds")}
    assert kind in offered and other not in offered


async def test_a_journal_numbered_without_yearly_reset(unionline_app: AppHarness) -> None:
    import uuid
    from datetime import UTC, datetime

    from unionline.appeals.clock import use_clock
    from unionline.plugins.docflow import registration

    s = await Office(unionline_app).setup()
    made = await s.call(
        "boss",
        "post",
        "/api/docflow/journals",
        201,
        organization_id=str(s.a),
        name="Коллективные договоры",
        number_format="КД-{seq:03}",
        reset="never",
    )
    assert made["reset"] == "never"
    kind = await s.kind(made["id"], category="agreement")
    numbers = []
    for moment in (datetime(2026, 6, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC)):
        doc = uuid.UUID((await s.document(kind))["id"])
        with use_clock(lambda m=moment: m):
            numbers.append((await registration.register(None, doc)).number)
    assert numbers == ["КД-001", "КД-002"]


RANGE = (datetime(2024, 1, 1), datetime(2028, 1, 1))
ZONES = (
    "Pacific/Kiritimati",  # UTC+14, the first to meet the new year
    "Pacific/Chatham",
    "Asia/Kamchatka",
    "Asia/Vladivostok",
    "Europe/Moscow",
    "Europe/Kaliningrad",
    "America/Adak",
    "Etc/GMT+12",  # UTC-12, the last
)


def test_the_year_needs_no_time_zone_away_from_new_year() -> None:
    """Outside the New Year window the registration skips reading the organization's zone: the
    year it takes is then the year in every zone."""
    import asyncio
    import uuid
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from unionline.plugins.docflow.numbering import year_of

    loop = asyncio.new_event_loop()
    near = st.sampled_from([datetime(y, 1, 1) for y in range(2024, 2029)])
    offset = st.timedeltas(min_value=timedelta(hours=-30), max_value=timedelta(hours=30))

    @settings(max_examples=200, deadline=None)
    @given(st.one_of(st.builds(lambda d, o: d + o, near, offset), st.datetimes(*RANGE)))
    def check(naive: datetime) -> None:
        moment = naive.replace(tzinfo=UTC)
        years = {moment.astimezone(ZoneInfo(z)).year for z in ZONES}
        if len(years) == 1:  # otherwise the zone is read (the reset test covers that path)
            assert loop.run_until_complete(year_of(uuid.uuid4(), moment)) == years.pop()

    try:
        check()
    finally:
        loop.close()


def test_the_number_composed_around_the_sequence_is_the_formatted_one() -> None:
    """PostgreSQL composes the number in SQL from the text before and after ``{seq}`` and its
    width (lpad, never cutting a longer number): the same text as the format itself."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from unionline.plugins.docflow.numbering import format_number, split_format

    formats = st.sampled_from(
        ["{seq}", "{case}/{seq}", "{org}-{yy}/{seq:04}", "{seq:03}/{year}", "Вх-{seq}-{org}{yy}"]
    )

    @settings(max_examples=200, deadline=None)
    @given(formats, st.integers(1, 10**7), st.integers(1991, 2100), st.text(max_size=5))
    def check(fmt: str, seq: int, year: int, part: str) -> None:
        before, width, after = split_format(fmt, year=year, case=part, org=part)
        digits = str(seq) if len(str(seq)) >= width else str(seq).rjust(width, "0")
        expected = format_number(fmt, seq=seq, year=year, case=part, org=part)
        assert before + digits + after == expected

    check()
