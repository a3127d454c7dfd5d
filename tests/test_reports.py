"""Reports end to end on a small federation whose numbers are worked out by hand below: the
rollup kept from the appeals' events, the same numbers in the API, XLSX and CSV, the rebuild
matching the kept rollup exactly, the appeals behind a number, and each reader's scope."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime
from typing import Any

import openpyxl
import pytest
from appeals_support import FakeClock, bearer, inbound, make_member, make_org

from unionline.appeals import actions
from unionline.appeals.clock import use_clock
from unionline.operators.services import actor_for
from unionline.plugins.reports import exports, tables
from unionline.plugins.reports.metrics import COUNTERS
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("reports")

MSK = 3  # hours ahead of UTC
SINCE, UNTIL = "2026-03-02", "2026-03-24"


def msk(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2026, Moscow time."""
    return datetime(2026, 3, day, hour - MSK, minute, tzinfo=UTC)


class World:
    def __init__(self, h: AppHarness, clock: FakeClock) -> None:
        self.h, self.clock = h, clock
        self.ids: dict[str, Any] = {}
        self.tokens: dict[str, str] = {}

    def at(self, moment: datetime) -> None:
        self.clock.moment = moment

    async def actor(self, name: str) -> Any:
        return await actor_for(self.ids[name])


async def build(h: AppHarness, clock: FakeClock) -> World:
    """The federation, its staff and three appeals (A, B, C) with known timelines."""
    w = World(h, clock)
    fed = await make_org(h, "FED", kind="federation")
    kom = await make_org(h, "KOM", fed, kind="committee")
    p1, p2 = await make_org(h, "PPO1", kom), await make_org(h, "PPO2", kom)
    p3 = await make_org(h, "PPO3", fed)
    w.ids |= {"fed": fed, "kom": kom, "p1": p1, "p2": p2, "p3": p3}
    for login, role, org in (
        ("olga", "operator", p1),
        ("ivan", "operator", p1),
        ("petr", "operator", p2),
        ("boss1", "supervisor", p1),
    ):
        w.ids[login], w.tokens[login] = await h.create_operator(login, role, org)
    await h.runtime.db.execute(
        "UPDATE operator_operator SET name = 'Ольга Смирнова' WHERE id = {}", w.ids["olga"]
    )
    anna, boris, vera = (await make_member(p1, "Анна"), await make_member(p2, "Борис"),
                         await make_member(p1, "Вера"))  # fmt: skip
    boss, olga, ivan, petr = [await w.actor(n) for n in ("boss1", "olga", "ivan", "petr")]

    # A (PPO1, telegram): answered by Olga in an hour, waits on the member a day, resolved;
    # reopened Wednesday, handed to Ivan, who answers late (6 h) and resolves.
    w.at(msk(2, 10))
    a, _ = await inbound(p1, anna, "Как получить матпомощь?")
    w.ids["A"] = a.id
    w.at(msk(2, 10, 5))
    await actions.add_reply(None, a.id, "Ваше обращение получено")  # a robot: no response
    w.at(msk(2, 10, 30))
    await actions.assign(boss, a.id, w.ids["olga"])
    w.at(msk(2, 11))
    await actions.add_reply(olga, a.id, "Пришлите, пожалуйста, справку")
    w.at(msk(2, 12))
    await actions.set_status(olga, a.id, "waiting")
    w.at(msk(3, 10))
    await inbound(p1, anna, "Вот справка")
    w.at(msk(3, 11))
    await actions.set_status(olga, a.id, "resolved")
    w.at(msk(4, 10))
    await inbound(p1, anna, "А когда переведут деньги?")  # reopens (within the window)
    w.at(msk(4, 15))
    await actions.assign(boss, a.id, w.ids["ivan"])
    w.at(msk(4, 16))
    await actions.add_reply(ivan, a.id, "На следующей неделе")
    w.at(msk(4, 17))
    await actions.set_status(ivan, a.id, "resolved")

    # B (PPO2, vk): Friday 17:00, answered Monday 10:00 (2 working hours), closed at 12:00.
    w.at(msk(20, 17))
    b, _ = await inbound(p2, boris, "Уволили без предупреждения", channel="vk")
    w.ids["B"] = b.id
    w.at(msk(23, 10))
    await actions.add_reply(petr, b.id, "Разберёмся")
    w.at(msk(23, 12))
    await actions.set_status(petr, b.id, "closed")

    # C (PPO1, telegram): only a robot answered; still waiting for a person at the end.
    w.at(msk(2, 11))
    c, _ = await inbound(p1, vera, "Добрый день")
    w.ids["C"] = c.id
    w.at(msk(2, 11, 1))
    await actions.add_reply(None, c.id, "Ответим в рабочее время")
    w.at(msk(24, 9))
    await h.settle()
    return w


# Worked out by hand from the timelines above (docs/reports.md has the definitions).
TOTALS = {
    "received": 3,
    "resolved": 3,  # A twice (one per cycle), B (closed)
    "reopened": 1,
    "backlog_start": 0,
    "backlog_end": 1,  # C
    "first_responses": 3,  # A (Olga 1 h), A again (Ivan 6 h), B (Petr)
    "frt_average": (3600 + 21600 + 234000) // 3,  # B: Fri 17:00 → Mon 10:00 = 65 h
    "frt_business_average": (3600 + 21600 + 7200) // 3,  # B: 1 h Friday + 1 h Monday
    "frt_sla_met": 2,
    "frt_sla_breached": 1,  # Ivan's 6 working hours against 4
    "frt_sla_percent": 66.7,
    # A: Mon 10:00 → Tue 11:00 = 25 h, working 10 h less the wait (Mon 12–18, Tue 9–10: 7 h);
    # A again: Wed 10:00 → 17:00; B: Fri 17:00 → Mon 12:00 = 67 h, working 1 h + 3 h.
    "resolution_average": (90000 + 25200 + 241200) // 3,
    "resolution_business_average": (10800 + 25200 + 14400) // 3,
    "resolution_sla_met": 3,
    "resolution_sla_breached": 0,
    "transfers": 1,
    "replies": 3,  # the two robot replies do not count
    "messages_in": 5,
    # Olga held A Mon 10:30 → Tue 11:00 and Wed 10:00 → 15:00; Ivan Wed 15:00 → 17:00.
    "held_seconds": 48600 + 39600 + 18000 + 7200,
}


def subset(figures: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {k: figures[k] for k in expected}


async def get(h: AppHarness, token: str | None, path: str, **params: Any) -> Any:
    headers = bearer(token) if token else h.admin_headers
    r = await h.client.get(path, params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r


async def test_numbers_are_the_hand_computed_ones_everywhere(unionline_app: AppHarness) -> None:
    h = unionline_app
    clock = FakeClock()
    with use_clock(clock):
        w = await build(h, clock)
        report = (await get(h, None, "/api/reports/", since=SINCE, until=UNTIL)).json()
        assert [c["name"] for c in report["path"]] == ["Организация FED"]
        assert subset(report["totals"], TOTALS) == TOTALS
        rows = {r["label"]: r for r in report["rows"]}
        assert list(rows) == ["Организация KOM", "Организация PPO3"]
        assert rows["Организация KOM"]["drill"] and not rows["Организация PPO3"]["drill"]
        assert subset(rows["Организация KOM"]["figures"], TOTALS) == TOTALS
        assert rows["Организация PPO3"]["figures"]["received"] == 0
        assert report["previous"]["received"] == 0

        # Drill down: the committee, then PPO1's operators, then the appeals behind a number.
        down = (
            await get(h, None, "/api/reports/", since=SINCE, until=UNTIL,
                      organization_id=str(w.ids["kom"]))
        ).json()  # fmt: skip
        by_org = {r["label"]: r["figures"] for r in down["rows"]}
        assert by_org["Организация PPO1"]["received"] == 2
        assert by_org["Организация PPO2"]["frt_business_average"] == 7200
        ops = (
            await get(h, None, "/api/reports/", since=SINCE, until=UNTIL, group="operator",
                      organization_id=str(w.ids["p1"]))
        ).json()  # fmt: skip
        by_op = {r["label"]: r["figures"] for r in ops["rows"]}
        olga = by_op["Ольга Смирнова"]
        assert (olga["first_responses"], olga["frt_average"], olga["resolved"]) == (1, 3600, 1)
        assert (olga["transfers"], olga["held_seconds"], olga["backlog_end"]) == (1, 106200, 0)
        assert (by_op["ivan"]["frt_sla_breached"], by_op["ivan"]["held_seconds"]) == (1, 7200)
        behind = (
            await get(h, None, "/api/reports/appeals", metric="frt_sla_breached", since=SINCE,
                      until=UNTIL, operator_id=str(w.ids["ivan"]))
        ).json()  # fmt: skip
        assert [a["appeal_id"] for a in behind["appeals"]] == [str(w.ids["A"])]
        assert behind["total"] == 1

        # The same numbers in XLSX and CSV.
        await same_in_exports(h, ops)

        # Kept from events == rebuilt from the raw data, cell for cell.
        kept = await cells(h)
        r = await h.client.post("/api/reports/rebuild", headers=h.admin_headers)
        assert r.status_code == 200, r.text
        assert r.json()["differing_cells"] == 0 and r.json()["appeals"] == 3
        assert await cells(h) == kept

        # A spell still running counts up to now (or the period's end): Ivan takes C at 20:00
        # on the last day; the report asked at 9:00 next morning counts him 4 hours of it.
        w.at(msk(23, 20))
        await actions.assign(await w.actor("boss1"), w.ids["C"], w.ids["ivan"])
        w.at(msk(24, 9))
        await h.settle()
        ops = (
            await get(h, None, "/api/reports/", since=SINCE, until=UNTIL, group="operator",
                      organization_id=str(w.ids["p1"]))
        ).json()  # fmt: skip
        ivan = next(r["figures"] for r in ops["rows"] if r["label"] == "ivan")
        assert (ivan["held_seconds"], ivan["backlog_end"]) == (7200 + 4 * 3600, 1)
        # The totals are one computation whatever the breakdown (and so is the previous period).
        seen = [
            (await get(h, None, "/api/reports/", since=SINCE, until=UNTIL, group=g)).json()
            for g in ("organization", "operator", "channel", "day", "queue", "tag", "hour")
        ]
        for r in seen[1:]:
            assert r["totals"] == seen[0]["totals"], r["group"]
            assert r["previous"] == seen[0]["previous"], r["group"]
        assert seen[0]["totals"]["held_seconds"] == TOTALS["held_seconds"] + 4 * 3600

        await slices(h, w)
        await scopes(h, w)


async def slices(h: AppHarness, w: World) -> None:
    """By queue, tag and local hour: A and C wait in a queue, B in none; A is tagged twice
    (it counts under both tags), C once, B (closed) not at all. The same numbers in the
    downloads and behind each row."""
    from routing_support import queue

    from unionline.plugins.reports import rollup

    general = await queue(h, w.ids["p1"], "Общая", is_default=False)
    await h.runtime.db.execute(
        "UPDATE appeal_appeal SET queue_id = {} WHERE id IN ({}, {})", general, w.ids["A"],
        w.ids["C"],
    )  # fmt: skip
    await rollup.refresh([w.ids["A"], w.ids["C"]])  # as the routing's QueueChanged would
    await actions.set_tags(None, w.ids["A"], ["матпомощь", "выплаты"])
    await actions.set_tags(None, w.ids["C"], ["справка"])
    await h.settle()

    async def rows(group: str) -> dict[str, Any]:
        r = await get(h, None, "/api/reports/", since=SINCE, until=UNTIL, group=group)
        return {row["label"]: row["figures"] for row in r.json()["rows"]}

    def pick(found: dict[str, Any], name: str) -> dict[str, Any]:
        return {k: (v[name] if v else 0) for k, v in found.items() if v[name]}

    by_queue = await rows("queue")
    assert pick(by_queue, "received") == {"Общая": 2, "Без очереди": 1}
    assert pick(by_queue, "resolved") == {"Общая": 2, "Без очереди": 1}
    assert pick(by_queue, "backlog_end") == {"Общая": 1}  # C
    by_tag = await rows("tag")
    assert pick(by_tag, "received") == {"выплаты": 1, "матпомощь": 1, "справка": 1,
                                        "Без метки": 1}  # fmt: skip
    assert pick(by_tag, "first_responses") == {"выплаты": 2, "матпомощь": 2, "Без метки": 1}
    by_hour = await rows("hour")  # Moscow hours: A came at 10, C at 11, B at 17
    assert pick(by_hour, "received") == {"10:00–11:00": 1, "11:00–12:00": 1, "17:00–18:00": 1}
    # first replies: Olga's at 11:00, Petr's at 10:00 (Monday), Ivan's at 16:00
    assert pick(by_hour, "first_responses") == {"10:00–11:00": 1, "11:00–12:00": 1,
                                                "16:00–17:00": 1}  # fmt: skip
    for params, want in (
        ({"tag": "матпомощь"}, {w.ids["A"]}),
        ({"tag": ""}, {w.ids["B"]}),
        ({"queue": str(general)}, {w.ids["A"], w.ids["C"]}),
        ({"queue": ""}, {w.ids["B"]}),
        ({"hour": "17"}, {w.ids["B"]}),
    ):
        behind = (
            await get(h, None, "/api/reports/appeals", metric="received", since=SINCE,
                      until=UNTIL, **params)
        ).json()  # fmt: skip
        assert {uuid.UUID(a["appeal_id"]) for a in behind["appeals"]} == want, params
    for group in ("tag", "hour"):
        await same_in_exports(
            h, (await get(h, None, "/api/reports/", since=SINCE, until=UNTIL, group=group)).json()
        )
    r = await h.client.post("/api/reports/rebuild", headers=h.admin_headers)
    assert r.json()["differing_cells"] == 0


async def same_in_exports(h: AppHarness, ops: dict[str, Any]) -> None:
    from unionline.plugins.reports.exports import COLUMNS

    params = {"since": ops["since"], "until": ops["until"], "group": ops["group"]}
    if ops["organization_id"]:
        params["organization_id"] = ops["organization_id"]
    xlsx = await get(h, None, "/api/reports/export", **params, format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    table = list(sheet.iter_rows(values_only=True))[2:]  # the caption, the headings
    text = (await get(h, None, "/api/reports/export", **params, format="csv")).content
    assert text.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))[1:]
    api_rows = [*ops["rows"], {"figures": ops["totals"]}, {"figures": ops["previous"]}]
    assert len(table) == len(lines) == len(api_rows)
    for api, xl, line in zip(api_rows, table, lines, strict=True):
        for i, (name, _, kind) in enumerate(COLUMNS, start=1):
            want = api["figures"][name]
            got_x, got_c = xl[i] if i < len(xl) else None, line[i]  # empty cells are not kept
            if kind == "seconds" and want is not None:  # an Excel time: read as a timedelta
                got_x = round(got_x.total_seconds())
            assert got_x == want, (name, got_x, want)
            assert got_c == ("" if want is None else str(want).replace(".", ",")), name


async def cells(h: AppHarness) -> list[tuple[Any, ...]]:
    cols = ", ".join(("organization_id", "day", "operator_id", "channel", *COUNTERS))
    rows = await h.runtime.db.fetch(f"SELECT {cols} FROM {tables.Daily._meta.tablename}")
    return sorted(tuple(str(v) for v in r.values()) for r in rows)


async def scopes(h: AppHarness, w: World) -> None:
    """A PPO1 supervisor sees PPO1 only — totals, rows, drill-down, exports; operators none."""
    boss = w.tokens["boss1"]
    mine = (await get(h, boss, "/api/reports/", since=SINCE, until=UNTIL)).json()
    assert mine["organization_id"] == str(w.ids["p1"])
    assert mine["totals"]["received"] == 2 and mine["totals"]["first_responses"] == 2
    for params in ({"organization_id": str(w.ids["p2"])}, {"organization_id": str(w.ids["kom"])}):
        r = await h.client.get("/api/reports/", params={"since": SINCE, "until": UNTIL, **params},
                               headers=bearer(boss))  # fmt: skip
        # Another organization as the filter: a report of nothing there (docs/api.md).
        assert r.status_code == 200 and r.json()["rows"] == [] and r.json()["path"] == []
        assert r.json()["totals"]["received"] == 0
    behind = (
        await get(h, boss, "/api/reports/appeals", metric="received", since=SINCE, until=UNTIL)
    ).json()
    assert {a["appeal_id"] for a in behind["appeals"]} == {str(w.ids["A"]), str(w.ids["C"])}
    text = (
        await get(h, boss, "/api/reports/export", since=SINCE, until=UNTIL, format="csv",
                  kind="appeals")
    ).content.decode("utf-8-sig")  # fmt: skip
    assert "PPO2" not in text and "PPO1" in text
    rows = {r[0]: r for r in csv.reader(io.StringIO(text), delimiter=";")}
    # A: received, resolved twice, reopened once, first responses 1 h + 6 h (elapsed seconds).
    assert rows["PPO1-2026-1"][5:9] == ["1", "2", "1", str(3600 + 21600)]
    # The appeals export's keyset pages: a page of one appeal at a time gives the same rows.
    days = (date.fromisoformat(SINCE), date.fromisoformat(UNTIL))
    whole = [r async for page in exports.appeal_pages(None, *days) for r in page]
    single = [r async for page in exports.appeal_pages(None, *days, size=1) for r in page]
    assert single == whole and len(whole) >= 3
    r = await h.client.get("/api/reports/", params={"since": SINCE, "until": UNTIL},
                           headers=bearer(w.tokens["olga"]))  # fmt: skip
    assert r.status_code == 403
    r = await h.client.post("/api/reports/rebuild", headers=bearer(boss))
    assert r.status_code == 403  # the rebuild is the whole federation's
    assert uuid.UUID(mine["organization_id"])


class WorkedHours:
    """A third party's metric source, as timekeeping would add one: hours worked per day."""

    name = "worked-test"

    def __init__(self, operator_id: uuid.UUID, organization_id: uuid.UUID) -> None:
        from unionline import ReportMetric

        self.metrics = [ReportMetric(key="worked-test.hours", title_ru="Отработано, ч",
                                     title_en="Worked, h", kind="worked_hours")]  # fmt: skip
        self.operator_id, self.organization_id = operator_id, organization_id
        self.asked: list[Any] = []

    async def rows(self, query: Any) -> list[Any]:
        from datetime import date

        from unionline import MetricRow

        self.asked.append(query.organization_ids)
        return [MetricRow(key="worked-test.hours", organization_id=self.organization_id,
                          operator_id=self.operator_id, day=date(2026, 3, 4), total=4.0,
                          count=1)]  # fmt: skip


@pytest.mark.unionline_plugins("reports", "satisfaction")
async def test_other_plugins_add_their_metrics(unionline_app: AppHarness) -> None:
    """Satisfaction's CSAT and a worked-hours source come in through unionline.add_metric_source,
    asked only for the reader's organizations."""
    from unionline import add_metric_source

    h = unionline_app
    clock = FakeClock()
    with use_clock(clock):
        w = await build(h, clock)
        worked = WorkedHours(w.ids["ivan"], w.ids["p1"])
        add_metric_source(worked)
        from unionline import load_appeal
        from unionline.plugins.satisfaction.services import ensure

        r = await h.client.put(f"/api/satisfaction/appeals/{w.ids['A']}/supervisor-rating",
                               json={"rating": 4}, headers=h.admin_headers)  # fmt: skip
        assert r.status_code == 200, r.text
        async with h.runtime.db.transaction():
            await ensure(await load_appeal(w.ids["B"]))
        for appeal, stars in (("A", 5), ("B", 2)):
            await h.runtime.db.execute(
                "UPDATE satisfaction_survey SET member_rating = {} WHERE appeal_id = {}",
                stars, w.ids[appeal],
            )  # fmt: skip
        report = (await get(h, None, "/api/reports/", since=SINCE, until=UNTIL)).json()
        keys = [m["key"] for m in report["metrics"]]
        assert keys == ["satisfaction.csat", "satisfaction.member_average",
                        "satisfaction.supervisor_average"]  # fmt: skip
        assert report["totals"]["extra"] == {"satisfaction.csat": 50.0,
                                             "satisfaction.member_average": 3.5,
                                             "satisfaction.supervisor_average": 4.0}  # fmt: skip
        ops = (
            await get(h, None, "/api/reports/", since=SINCE, until=UNTIL, group="operator",
                      organization_id=str(w.ids["p1"]))
        ).json()  # fmt: skip
        ivan = next(r["figures"] for r in ops["rows"] if r["label"] == "ivan")
        assert (ivan["worked_hours"], ivan["handled_per_worked_hour"]) == (4.0, 0.25)
        # The PPO1 supervisor's sources are asked for PPO1 alone; B's rating stays out.
        mine = (await get(h, w.tokens["boss1"], "/api/reports/", since=SINCE, until=UNTIL)).json()
        assert worked.asked[-1] == (w.ids["p1"],)
        assert mine["totals"]["extra"]["satisfaction.csat"] == 100.0


async def test_catch_up_counts_what_no_event_announced(unionline_app: AppHarness) -> None:
    """A change whose event never reached the plugin (a crash after the commit) is counted by
    the catch-up pass, from the appeals changed since its mark."""
    from unionline.plugins.reports import rollup

    h = unionline_app
    clock = FakeClock()
    with use_clock(clock):
        w = await build(h, clock)
        assert await rollup.catch_up() >= 3  # the first pass reads everything once
        await h.runtime.db.execute(
            "INSERT INTO appeal_timeline (appeal_id, member_id, kind, author_id, body, data,"
            " channel, created_at) SELECT id, member_id, 'message_out', {}, 'Ответ', '[]',"
            " channel, {} FROM appeal_appeal WHERE id = {}",
            w.ids["olga"], msk(2, 12), w.ids["C"],
        )  # fmt: skip
        await h.runtime.db.execute(
            "UPDATE appeal_appeal SET updated_at = {} WHERE id = {}", msk(24, 9), w.ids["C"]
        )
        before = (await get(h, None, "/api/reports/", since=SINCE, until=UNTIL)).json()
        assert before["totals"]["first_responses"] == 3  # nobody told the rollup yet
        assert await rollup.catch_up() >= 1
        after = (await get(h, None, "/api/reports/", since=SINCE, until=UNTIL)).json()
        assert after["totals"]["first_responses"] == 4
        assert (await rollup.rebuild()).differing_cells == 0


def test_the_xlsx_writer_keeps_text_numbers_times_and_moments() -> None:
    """The streaming writer's sheet reads back as written (openpyxl): text needing escapes or
    holding characters XML refuses, integers and floats, durations, UTC moments, empty cells."""
    from datetime import timedelta

    from unionline.plugins.reports import xlsx

    buffer = io.BytesIO()
    writer = xlsx.SheetWriter(buffer, "Обращения & <итоги>", ["count", "seconds", "count"])
    writer.write_rows([["Заголовок"]], xlsx.BOLD)
    writer.write_rows([['ППО «Завод» & <цех> "1"\x01', 3600, 2.5], [None, 90061, None]])
    writer.write_rows([[datetime(2026, 3, 2, 9, 30, tzinfo=UTC), None, 7]])
    writer.close()
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    assert book.sheetnames == ["Обращения & <итоги>"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Заголовок"
    assert rows[1] == ('ППО «Завод» & <цех> "1"', timedelta(hours=1), 2.5)
    assert rows[2][:2] == (None, timedelta(days=1, hours=1, seconds=61))
    assert rows[3][0] == datetime(2026, 3, 2, 9, 30) and rows[3][2] == 7


async def test_the_export_is_documented_as_xlsx_or_csv(unionline_app: AppHarness) -> None:
    """What the OpenAPI document says the export answers is what it answers (schemathesis found
    CSV documented as JSON once an unknown organization's export answered 200, and the CSV
    named its charset twice)."""
    document = unionline_app.app.openapi_schema.to_schema()
    answer = document["paths"]["/api/reports/export"]["get"]["responses"]["200"]
    assert set(answer["content"]) == {"text/csv", exports.XLSX}
    answered = {}
    for kind in ("csv", "xlsx"):
        exported = await unionline_app.client.get(
            "/api/reports/export",
            headers=unionline_app.admin_headers,
            params={"since": SINCE, "until": UNTIL, "format": kind},
        )
        assert exported.status_code == 200
        answered[kind] = exported.headers["content-type"]
    assert answered == {"csv": "text/csv; charset=utf-8", "xlsx": exports.XLSX}
