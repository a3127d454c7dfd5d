"""Golden files of the T-13 time sheet (XLSX, read back cell by cell) for November 2025 — a
night shift crossing midnight, an operator in Asia/Yekaterinburg in an organization on Moscow
time, vacation/sick leave/business trip, work on a day off and a holiday, the working Saturday
of 1 November and the month's norm (19 days, 151 h) — plus the printable page and the split of
hours by calendar day. ``UPDATE_GOLDEN=1`` writes the files anew (then read the diff)."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from timekeeping_support import People, clock_at, timekeeping_settings

from unionline.plugins.timekeeping import sheet, workday, xlsx
from unionline.plugins.timekeeping.sheet import split_hours
from unionline.settings import Settings
from unionline.testing.support import running_app

GOLDEN = Path(__file__).parent / "golden"
MSK = ZoneInfo("Europe/Moscow")
EKB = ZoneInfo("Asia/Yekaterinburg")


@pytest.fixture
def unionline_settings(unionline_database_url: str) -> Settings:
    return timekeeping_settings(unionline_database_url)


@pytest.fixture
async def people(unionline_settings: Settings) -> AsyncIterator[People]:
    async with running_app(unionline_settings, migrate=True) as h:
        yield await People(h).setup()


async def worked(operator_id: uuid.UUID, start: datetime, end: datetime) -> None:
    with clock_at(start) as clock:
        await workday.perform(operator_id, "start")
        clock.set(end)
        await workday.perform(operator_id, "finish")


async def card(p: People, who: str, **body: object) -> None:
    await p.call(
        "boss", "put", f"/api/timekeeping/staff/{p.ids[who]}", organization_id=str(p.a), **body
    )


async def night_shift(p: People) -> None:
    s = await p.call(
        "boss",
        "post",
        "/api/timekeeping/schedules",
        201,
        organization_id=str(p.a),
        name="Сутки: день/ночь",
        kind="shifts",
        rules={
            "anchor": "2025-11-01",
            "cycle": ["day", "night", "off", "off"],
            "shifts": {
                "day": {"start": "08:00", "end": "20:00"},
                "night": {"start": "20:00", "end": "08:00"},
            },
        },
    )
    await card(p, "olga", schedule_id=s["id"], personnel_number="0007", position="Оператор")
    olga = p.ids["olga"]
    await worked(olga, datetime(2025, 11, 1, 8, tzinfo=MSK), datetime(2025, 11, 1, 20, tzinfo=MSK))
    await worked(olga, datetime(2025, 11, 2, 20, tzinfo=MSK), datetime(2025, 11, 3, 8, tzinfo=MSK))
    # a night shift on a day the cycle has off (04.11 is "off"): work on a day off
    await worked(olga, datetime(2025, 11, 4, 20, tzinfo=MSK), datetime(2025, 11, 5, 8, tzinfo=MSK))


async def yekaterinburg(p: People) -> None:
    await card(p, "olga", timezone="Asia/Yekaterinburg", personnel_number="0012", position="Юрист")
    olga = p.ids["olga"]
    await worked(olga, datetime(2025, 11, 5, 9, tzinfo=EKB), datetime(2025, 11, 5, 18, tzinfo=EKB))
    # 20:00–23:30 in Yekaterinburg (18:00–21:30 in Moscow): 1.5 of them are night hours there
    await worked(
        olga, datetime(2025, 11, 6, 20, tzinfo=EKB), datetime(2025, 11, 6, 23, 30, tzinfo=EKB)
    )


async def absences(p: People) -> None:
    await card(p, "olga", personnel_number="0003", position="Бухгалтер")
    for code, first, last in (
        ("ОТ", "2025-11-10", "2025-11-16"),
        ("Б", "2025-11-17", "2025-11-19"),
        ("К", "2025-11-24", "2025-11-25"),
    ):
        with clock_at(datetime(2025, 11, 1, 12, tzinfo=MSK)):
            await p.call(
                "boss",
                "post",
                "/api/timekeeping/absences",
                201,
                code=code,
                first=first,
                last=last,
                operator_id=str(p.ids["olga"]),
            )
    olga = p.ids["olga"]
    for d in (5, 6, 7, 20, 21):
        await worked(
            olga, datetime(2025, 11, d, 9, tzinfo=MSK), datetime(2025, 11, d, 18, tzinfo=MSK)
        )


async def day_off(p: People) -> None:
    await card(p, "olga", personnel_number="0021", position="Оператор")
    olga = p.ids["olga"]
    await worked(olga, datetime(2025, 11, 4, 10, tzinfo=MSK), datetime(2025, 11, 4, 12, tzinfo=MSK))
    await worked(olga, datetime(2025, 11, 9, 10, tzinfo=MSK), datetime(2025, 11, 9, 14, tzinfo=MSK))
    await worked(
        olga, datetime(2025, 11, 10, 9, tzinfo=MSK), datetime(2025, 11, 10, 18, tzinfo=MSK)
    )


async def working_saturday(p: People) -> None:
    await card(p, "olga", personnel_number="0030", position="Оператор")
    olga = p.ids["olga"]
    await worked(olga, datetime(2025, 11, 1, 9, tzinfo=MSK), datetime(2025, 11, 1, 17, tzinfo=MSK))
    await worked(olga, datetime(2025, 11, 8, 9, tzinfo=MSK), datetime(2025, 11, 8, 13, tzinfo=MSK))


async def norm(p: People) -> None:
    await card(p, "olga", personnel_number="0040", position="Председатель")
    await card(p, "ivan", personnel_number="0041", position="Оператор")


CASES: dict[str, Callable[[People], Awaitable[None]]] = {
    "night_shift": night_shift,
    "yekaterinburg": yekaterinburg,
    "absences": absences,
    "day_off": day_off,
    "working_saturday": working_saturday,
    "norm": norm,
}


def cells(data: bytes) -> str:
    """The workbook's cells as text: one line per row with content, cells joined by ' | '."""
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    lines = []
    for row in ws.iter_rows(values_only=True):
        values = ["" if v is None else str(v) for v in row]
        while values and values[-1] == "":
            values.pop()
        if values:
            lines.append(" | ".join(values))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("case", sorted(CASES))
async def test_t13_golden(people: People, case: str) -> None:
    await CASES[case](people)
    made = await sheet.compute(
        people.a,
        [c for c in await _cards() if c.organization_id == people.a],
        2025,
        11,
        today=date(2025, 12, 1),
    )
    assert made.norm_hours == 151.0 and made.working_days == 19  # November 2025, 40-hour week
    text = cells(xlsx.write(made))
    path = GOLDEN / f"t13_{case}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"golden file {path.name} differs"


async def test_t12_golden(people: People) -> None:
    """T-12 of the night shift case: the payroll lines (worked, night, work on a day off, the
    absence НН) with A's pay-type codes where set, the kind's name where not."""
    p = people
    await p.call(
        "boss",
        "put",
        f"/api/timekeeping/organizations/{p.a}/policy",
        pay_codes={"worked": "2000", "night": "2012", "НН": "0"},
    )
    await night_shift(p)
    made = await sheet.compute(
        p.a,
        [c for c in await _cards() if c.organization_id == p.a],
        2025,
        11,
        today=date(2025, 12, 1),
    )
    assert [(x.kind, x.code, x.days, x.hours) for x in made.rows[0].pay] == [
        ("worked", "2000", 3, 24.0),
        ("night", "2012", 4, 16.0),
        ("weekend", "", 2, 12.0),
        ("НН", "0", 13, 0.0),
    ]
    text = cells(xlsx.write(made, "t12"))
    path = GOLDEN / "t12_night_shift.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"golden file {path.name} differs"


async def _cards() -> list:  # type: ignore[type-arg]
    from unionline.plugins.timekeeping.staff import COLUMNS, StaffRow
    from unionline.runtime import current

    return await current().db.fetch_as(StaffRow, f"SELECT {COLUMNS} FROM timekeeping_staff")


async def test_the_sheet_through_the_api_and_printable(people: People) -> None:
    await working_saturday(people)
    q = {"organization_id": str(people.a), "year": 2025, "month": 11}
    data = await people.call("boss", "get", "/api/timekeeping/sheet", **q)
    row = data["rows"][0]
    assert row["cells"][0] == {
        "codes": ["Я"],
        "hours": [8.0],
        "worked": 8.0,
    }  # 01.11: a working Saturday
    assert row["cells"][7]["codes"] == ["РВ"]  # 08.11: an ordinary Saturday
    assert row["norm_hours"] == 151.0
    r = await people.h.client.get(
        "/api/timekeeping/sheet.xlsx", params=q, headers=people.auth("boss")
    )
    assert r.status_code == 200 and r.content[:2] == b"PK"
    page = await people.h.client.get(
        "/api/timekeeping/sheet.html", params=q, headers=people.auth("boss")
    )
    assert "ТАБЕЛЬ УЧЕТА РАБОЧЕГО ВРЕМЕНИ" in page.text and "Итого за I половину" in page.text
    t12 = await people.h.client.get(
        "/api/timekeeping/sheet.xlsx",
        params={**q, "layout": "t12"},
        headers=people.auth("boss"),
    )
    text = cells(t12.content)
    assert "Унифицированная форма № Т-12" in text and "Форма по ОКУД 0301007" in text
    assert "Вид оплаты (код)" in text and "T-12_2025-11.xlsx" in t12.headers["content-disposition"]
    await people.call("boss", "get", "/api/timekeeping/sheet", 400, **{**q, "month": 13})


@given(
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31)),
    minutes=st.integers(min_value=1, max_value=36 * 60),
    zone=st.sampled_from(["Europe/Moscow", "Asia/Yekaterinburg", "Europe/Kaliningrad", "UTC"]),
)
def test_split_hours_keeps_every_minute_on_the_right_local_day(
    start: datetime, minutes: int, zone: str
) -> None:
    tz = ZoneInfo(zone)
    begin = start.replace(tzinfo=tz)
    end = begin + timedelta(minutes=minutes)
    got = split_hours(begin, end, tz)
    assert abs(sum(d + n for d, n in got.values()) - minutes / 60) < 1e-6
    assert set(got) <= {
        begin.astimezone(tz).date() + timedelta(days=k)
        for k in range((end.astimezone(tz).date() - begin.astimezone(tz).date()).days + 1)
    }
    assert all(0 <= d + n <= 24 + 1e-6 for d, n in got.values())
    assert all(n <= 8 + 1e-6 for _, n in got.values())  # at most 00–06 and 22–24


def test_hours_are_split_by_calendar_day_and_night() -> None:
    got = split_hours(
        datetime(2025, 11, 2, 20, tzinfo=MSK), datetime(2025, 11, 3, 8, tzinfo=MSK), MSK
    )
    assert got == {date(2025, 11, 2): (2.0, 2.0), date(2025, 11, 3): (2.0, 6.0)}
    # the same moments in Yekaterinburg (two hours ahead)
    got = split_hours(
        datetime(2025, 11, 2, 20, tzinfo=MSK), datetime(2025, 11, 3, 8, tzinfo=MSK), EKB
    )
    assert got == {date(2025, 11, 2): (0.0, 2.0), date(2025, 11, 3): (4.0, 6.0)}
