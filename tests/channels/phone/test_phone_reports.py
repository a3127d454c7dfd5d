"""Calls in the reports, through ``unionline.add_metric_source`` as a third party adds them: an
answered call counts for the operator whose extension took it, a missed one for nobody, and the
callback that reached the member gives the minutes since the missed call — for the line's
organization on the call's local day, in the API and the CSV alike; a reader of another
organization's reports is never given them. Both engines."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest
from phone_support import Phone

from unionline import MetricQuery, metric_sources
from unionline.channels.phone.metrics import ANSWERED, CALLBACK, MISSED

pytestmark = [pytest.mark.every_engine, pytest.mark.unionline_plugins("reports")]
T = 1_790_000_000  # 2026-09-21 17:13 in Moscow
PERIOD = {"since": "2026-09-01", "until": "2027-01-01"}


@pytest.mark.parametrize("provider", ["mango"])
async def test_calls_answered_missed_and_called_back(phone: Phone) -> None:
    h = phone.h
    ivanova = await phone.operator("ivanova")
    await phone.post(*phone.calls("answered_recorded", t=T))  # extension 101: Ivanova
    await phone.post(*phone.calls("missed_ivr", t=T + 3600, number="79160000001"))
    [callback] = (
        await h.client.get("/api/phone/callbacks", headers=ivanova["headers"])
    ).json()  # fmt: skip
    r = await h.client.post(
        f"/api/phone/callbacks/{callback['id']}/call", headers=ivanova["headers"]
    )
    assert r.status_code == 200, r.text
    await phone.deliver_outbox()  # the member answers: the callback is done
    # The missed call was recorded half an hour before the call back reached the member.
    await phone.env.db.execute(
        "UPDATE phone_callback SET created_at = completed_at - 1800 WHERE status = 'done'"
    )

    org = str(phone.env.account.organization_id)
    report = (
        await h.client.get("/api/reports/", params={**PERIOD, "group": "operator",
                           "organization_id": org}, headers=h.admin_headers)
    ).json()  # fmt: skip
    assert [m["key"] for m in report["metrics"]] == [ANSWERED, MISSED, CALLBACK]
    assert report["totals"]["extra"] == {ANSWERED: 1.0, MISSED: 1.0, CALLBACK: 30.0}
    rows = {r["operator_id"]: r["figures"]["extra"] for r in report["rows"]}
    assert rows[ivanova["id"]] == {ANSWERED: 1.0, MISSED: 0.0, CALLBACK: 30.0}
    days = (
        await h.client.get("/api/reports/", params={**PERIOD, "group": "day"},
                           headers=h.admin_headers)
    ).json()  # fmt: skip
    by_day = {r["key"]: r["figures"]["extra"][ANSWERED] for r in days["rows"]}
    assert by_day["2026-09-21"] == 1.0 and sum(by_day.values()) == 1.0

    text = (
        await h.client.get("/api/reports/export", params={**PERIOD, "group": "operator",
                           "organization_id": org, "format": "csv"}, headers=h.admin_headers)
    ).content.decode("utf-8-sig")  # fmt: skip
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    total = next(line for line in lines if line[0] == "Итого")
    assert total[-3:] == ["1,0", "1,0", "30,0"]

    # Asked for another organization, the source gives nothing.
    [source] = [s for s in metric_sources() if s.name == "phone"]
    elsewhere = MetricQuery(
        organization_ids=(uuid.uuid4(),), since=date(2026, 9, 1), until=date(2027, 1, 1)
    )
    assert await source.rows(elsewhere) == []
