"""The digits pressed in a campaign's robot calls, as a property: whatever receipts come — twice,
late, in any order, with or without a digit, some while their row is still being sent — each
recipient keeps the first digit reported for it and no other, the counts per digit are those
digits, and a receipt moves a sent row forward only (a bounce after a delivery changes nothing)
and leaves a row still being sent to its send."""

from __future__ import annotations

import time
import uuid

import pytest
from campaigns_support import World, campaign_body
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionline import current
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")

STATUS_AFTER = {"delivered": "delivered", "read": "delivered", "failed": "bounced"}
receipt = st.tuples(
    st.integers(0, 3),  # which recipient
    st.sampled_from(("delivered", "read", "failed")),
    st.sampled_from(("", "", "1", "2", "9", "*")),  # the digit pressed ("" none)
)
scenario = st.fixed_dictionaries(
    {
        "sending": st.sets(st.integers(0, 3)),  # rows whose send has not returned yet
        "receipts": st.lists(receipt, max_size=12),
    }
)
_WORLDS: dict[int, World] = {}


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=20
)
@given(plan=scenario)
async def test_each_recipient_keeps_its_first_digit(
    unionline_app: AppHarness, plan: dict[str, object]
) -> None:
    from unionline.plugins.campaigns.receipts import on_receipt
    from unionline.plugins.campaigns.sending import row_message_id

    w = await _world(unionline_app)
    created = await w.call("admin", "post", "/api/campaigns/", 201, **_voice(w))
    campaign = uuid.UUID(created["id"])
    sending: set[int] = plan["sending"]  # type: ignore[assignment]
    refs, ids, members = [], [], []
    for i in range(4):
        key, member = f"{campaign}:{i}", uuid.uuid4()
        ref = f"bc-{row_message_id(key, 'voice')}"
        status, external = ("sending", "") if i in sending else ("sent", ref)
        row = await current().db.fetchone(
            "INSERT INTO campaigns_recipient (key, campaign_id, member_id, status, channel,"
            " address, lease_until, attempts, external_id, error, sent_at)"
            " VALUES ({}, {}, {}, {}, 'voice', '+79160000000', {}, 1, {}, '', {}) RETURNING id",
            key, campaign, member, status, time.time() + 120, external, time.time(),
        )  # fmt: skip
        refs.append(ref)
        ids.append(int(row["id"]))
        members.append(member)
    first_digit: dict[int, str] = {}
    first_status: dict[int, str] = {}
    for index, status, digit in plan["receipts"]:  # type: ignore[attr-defined]
        taken = await on_receipt(w.account, refs[index], status, "занято", answer=digit)
        assert taken == (index not in sending)  # a row still being sent: offered again later
        if digit:
            first_digit.setdefault(index, digit)
        if index not in sending:
            first_status.setdefault(index, STATUS_AFTER[status])

    answers = await w.call("admin", "get", f"/api/campaigns/{campaign}/answers")
    expected: dict[str, int] = {}
    for digit in first_digit.values():
        expected[digit] = expected.get(digit, 0) + 1
    assert (answers["total"], answers["digits"]) == (len(first_digit), expected), answers
    assert {(r["member_id"], r["digit"]) for r in answers["recipients"]} == {
        (str(members[i]), d) for i, d in first_digit.items()
    }
    rows = await current().db.fetch(
        "SELECT id, status FROM campaigns_recipient WHERE campaign_id = {}", campaign
    )
    status_of = {int(r["id"]): r["status"] for r in rows}
    for i, row_id in enumerate(ids):
        want = "sending" if i in sending else first_status.get(i, "sent")
        assert status_of[row_id] == want, (i, status_of[row_id], plan)


def _voice(w: World) -> dict[str, object]:
    return campaign_body(
        w,
        name=f"Звонок {uuid.uuid4().hex[:6]}",
        channel_order=["voice"],
        accounts={"voice": str(w.account)},
        variants={"voice": {"text": "Собрание в пятницу. Нажмите 1.", "ask_digit": True}},
    )


async def _world(h: AppHarness) -> World:
    if id(h) not in _WORLDS:
        _WORLDS.clear()
        _WORLDS[id(h)] = await World(h).setup()
    return _WORLDS[id(h)]


async def test_the_reports_count_members_who_pressed_a_digit(unionline_app: AppHarness) -> None:
    """«Ответили цифрой на робот-звонок» in the reports: each member who pressed a digit, once
    (a second receipt with another digit changes nothing), for the campaign's organization."""
    from datetime import UTC, datetime, timedelta

    from unionline import MetricQuery, metric_sources
    from unionline.plugins.campaigns.receipts import on_receipt
    from unionline.plugins.campaigns.sending import row_message_id

    w = await World(unionline_app).setup()
    created = await w.call("admin", "post", "/api/campaigns/", 201, **_voice(w))
    campaign = uuid.UUID(created["id"])
    for i, digits in enumerate((("1", "2"), ("9",), ())):
        key = f"{campaign}:{i}"
        ref = f"bc-{row_message_id(key, 'voice')}"
        await current().db.execute(
            "INSERT INTO campaigns_recipient (key, campaign_id, member_id, status, channel,"
            " address, lease_until, attempts, external_id, error, sent_at)"
            " VALUES ({}, {}, {}, 'sent', 'voice', '+79160000000', 0, 1, {}, '', {})",
            key, campaign, uuid.uuid4(), ref, time.time(),
        )  # fmt: skip
        for digit in digits or ("",):
            await on_receipt(w.account, ref, "delivered", "", answer=digit)
    today = datetime.now(UTC).date()
    [source] = [s for s in metric_sources() if s.name == "campaigns"]
    assert "campaigns.answered" in {m.key for m in source.metrics}
    query = MetricQuery(
        organization_ids=(w.a,), since=today - timedelta(days=1), until=today + timedelta(days=2)
    )
    answered = [r for r in await source.rows(query) if r.key == "campaigns.answered"]
    assert sum(r.count for r in answered) == 2 and {r.organization_id for r in answered} == {w.a}
    elsewhere = MetricQuery(organization_ids=(w.b,), since=today, until=today + timedelta(days=1))
    assert [r for r in await source.rows(elsewhere) if r.key == "campaigns.answered"] == []
