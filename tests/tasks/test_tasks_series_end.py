"""«Завершить серию»: a recurring task ends on a given day (no task after it, the rule is never
lengthened) or at once; only who keeps templates in the series' organization may end it; the
consoles hear ``tasks.series_ended``. Before, a series could be neither ended nor paused — not
from the console, not through the API."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from tasks_support import Staff

from unionline import now
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("tasks")


async def made_on(h: AppHarness, series_id: str) -> list[date]:
    rows = await h.runtime.db.fetch(
        "SELECT occurs_on FROM tasks_occurrence WHERE series_id = {} ORDER BY occurs_on",
        uuid.UUID(series_id),
    )
    return [date.fromisoformat(str(r["occurs_on"])[:10]) for r in rows]


async def sweep_and_run(h: AppHarness, at: datetime) -> None:
    from unionline.plugins.tasks.recurrence import sweep

    await sweep(at)
    await h.settle()


async def new_series(s: Staff, template: dict[str, Any], **rule: Any) -> dict[str, Any]:
    return await s.call(  # type: ignore[no-any-return]
        "boss", "post", "/api/tasks/series/", 201, template_id=template["id"], **rule
    )


async def test_a_series_ends_on_a_day_or_at_once(unionline_app: AppHarness) -> None:
    h = unionline_app
    s = await Staff(h).setup()
    template = await s.call(
        "boss", "post", "/api/tasks/templates/", 201, organization_id=str(s.a), name="Обход",
        title="Обход цехов",
    )  # fmt: skip
    year = now().year + 2  # ahead of the real clock: the app's own sweep finds nothing due
    daily = await new_series(s, template, rrule="FREQ=DAILY", starts_on=f"{year}-03-01")
    await sweep_and_run(h, datetime(year, 3, 2, 12, tzinfo=UTC))
    assert await made_on(h, daily["id"]) == [date(year, 3, 1), date(year, 3, 2)]

    ended = await s.call(
        "boss", "post", f"/api/tasks/series/{daily['id']}/end", last_on=f"{year}-03-04"
    )
    assert ended["active"] and ended["rrule"] == f"FREQ=DAILY;UNTIL={year}0304"
    await sweep_and_run(h, datetime(year, 3, 20, 12, tzinfo=UTC))
    assert (await made_on(h, daily["id"]))[-1] == date(year, 3, 4)  # none after the last day
    # Ending later again does not lengthen it.
    again = await s.call(
        "boss", "post", f"/api/tasks/series/{daily['id']}/end", last_on=f"{year}-12-31"
    )
    assert again["rrule"] == f"FREQ=DAILY;UNTIL={year}0304" and not again["active"]

    weekly = await new_series(s, template, rrule="FREQ=WEEKLY;COUNT=50", starts_on=f"{year}-01-05")
    stopped = await s.call("boss", "post", f"/api/tasks/series/{weekly['id']}/end")
    assert not stopped["active"] and stopped["next_on"] is None
    await sweep_and_run(h, datetime(year, 3, 20, 12, tzinfo=UTC))
    assert await made_on(h, weekly["id"]) == []
    listed = {x["id"]: x["active"] for x in await s.call("olga", "get", "/api/tasks/series/")}
    assert listed == {daily["id"]: False, weekly["id"]: False}
    events = await h.runtime.db.fetch(
        "SELECT id FROM system_event WHERE type = 'tasks.series_ended'"
    )
    assert len(events) == 3


async def test_who_may_end_a_series_and_bad_input(unionline_app: AppHarness) -> None:
    h = unionline_app
    s = await Staff(h).setup()
    template = await s.call(
        "boss", "post", "/api/tasks/templates/", 201, organization_id=str(s.a), name="Сверка",
        title="Сверка взносов",
    )  # fmt: skip
    monthly = await new_series(
        s, template, rrule="FREQ=MONTHLY;BYMONTHDAY=1", starts_on="2031-01-01"
    )
    after = await new_series(s, template, after_done_days=2, starts_on="2031-01-01")
    url = f"/api/tasks/series/{monthly['id']}/end"
    for who, code in (("olga", 403), ("bob", 404)):  # an operator; another organization's chief
        r = await h.client.post(url, json={}, headers=s.auth(who))
        assert r.status_code == code, (who, r.text)
    for body, field in (({"last_on": "31.01.2031"}, "last_on"), ({"until": "x"}, "until")):
        r = await h.client.post(url, json=body, headers=s.auth("boss"))
        assert r.status_code in (400, 422) and field in r.text, r.text
    r = await h.client.post(
        f"/api/tasks/series/{after['id']}/end",
        json={"last_on": "2031-02-01"},
        headers=s.auth("boss"),
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "last_on", r.text
    r = await h.client.post(
        f"/api/tasks/series/{uuid.uuid4()}/end", json={}, headers=s.auth("boss")
    )
    assert r.status_code == 404 and r.json()["error"]["field"] == "series_id", r.text
    [still] = [
        x for x in await s.call("boss", "get", "/api/tasks/series/") if x["id"] == monthly["id"]
    ]
    assert still["active"] and still["rrule"] == "FREQ=MONTHLY;BYMONTHDAY=1"
