"""Routing in time: offers that are declined, expire or are accepted; a primary
organization's queue overflowing to the federation's; business hours and holidays.

Timers run as delayed jobs; the tests drive them through the sweep with a later ``at``
(what the jobs do when they come due), so nothing waits for the wall clock.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from appeals_support import FakeClock
from routing_support import (
    appeal,
    assignee,
    field,
    member,
    online,
    operator,
    org,
    queue,
    settle,
    token,
    unionline_settings,  # noqa: F401 - the fixture
)

from unionline.appeals.clock import use_clock
from unionline.routing import jobs, offers, presence
from unionline.runtime import current
from unionline.testing import AppHarness


async def _offer(appeal_id: uuid.UUID) -> offers.OfferRow:
    offer = await offers.pending(appeal_id)
    assert offer is not None
    return offer


async def _events(kind: str) -> list[dict]:
    rows = await current().db.fetch(
        "SELECT payload FROM system_event WHERE type = {} ORDER BY id", kind
    )
    import json

    return [json.loads(r["payload"]) for r in rows]


async def test_offers_move_on_when_declined_or_expired_and_end_when_accepted(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a, offer_timeout=60, strategy="round_robin")
    ops = [await operator(f"op{i}", a) for i in range(2)]
    for op in ops:
        await online(op)
    m = await member(a)
    x = await appeal(a, m)
    await settle(h)
    first = await _offer(x)
    assert await assignee(x) is None and first.operator_id in ops
    second_op = next(op for op in ops if op != first.operator_id)
    # The first operator declines: the other one gets it at once.
    r = await h.client.post(
        f"/api/routing/offers/{first.id}/decline", headers=await token(first.operator_id)
    )
    assert r.status_code == 200 and r.json()["state"] == "declined"
    second = await _offer(x)
    assert second.operator_id == second_op
    # Nobody answers: when it expires a new round starts with the first operator again.
    assert (await jobs.sweep(second.expires_at - 1))["expired_offers"] == 0
    assert (await jobs.sweep(second.expires_at + 1))["expired_offers"] == 1
    third = await _offer(x)
    assert third.operator_id == first.operator_id and third.round == 2
    # Someone else's offer cannot be accepted; one's own can.
    r = await h.client.post(
        f"/api/routing/offers/{third.id}/accept", headers=await token(second_op)
    )
    assert r.status_code == 404 and r.json()["error"]["field"] == "offer_id"
    r = await h.client.post(
        f"/api/routing/offers/{third.id}/accept", headers=await token(third.operator_id)
    )
    assert r.status_code == 200 and r.json()["assignee_id"] == str(third.operator_id)
    r = await h.client.post(
        f"/api/routing/offers/{third.id}/accept", headers=await token(third.operator_id)
    )
    assert r.status_code == 409 and r.json()["error"]["extra"]["state"] == "accepted"
    await settle(h)
    closed = [(e["operator_id"], e["state"]) for e in await _events("routing.offer_closed")]
    assert [s for _, s in closed] == ["declined", "expired", "accepted"]
    assert len(await _events("routing.offered")) == 3


async def test_a_pending_offer_holds_a_place_and_a_claim_by_someone_else_cancels_it(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a, offer_timeout=60)
    anna = await operator("anna", a, capacity=1)
    boris = await operator("boris", a)
    await online(anna)
    m = await member(a)
    pair = [await appeal(a, m), await appeal(a, m)]
    await settle(h)
    offered = [x for x in pair if await offers.pending(x) is not None]
    assert len(offered) == 1  # anna's one place is held by the offer (jobs race for which)
    (x,) = offered
    (y,) = set(pair) - {x}
    assert (await _offer(x)).operator_id == anna
    r = await h.client.post(f"/api/routing/appeals/{x}/claim", headers=await token(boris))
    assert r.status_code == 200
    await settle(h)
    assert await offers.pending(x) is None
    assert [e["state"] for e in await _events("routing.offer_closed")] == ["cancelled"]
    assert (await _offer(y)).operator_id == anna  # the place is free again


async def test_an_operator_going_offline_hands_their_offers_on(unionline_app: AppHarness) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a, offer_timeout=60, strategy="round_robin")
    anna, boris = await operator("anna", a), await operator("boris", a)
    connection = await online(anna)
    m = await member(a)
    x = await appeal(a, m)
    await settle(h)
    assert (await _offer(x)).operator_id == anna
    await online(boris)
    await presence.disconnected(anna, connection)
    await settle(h)
    assert (await _offer(x)).operator_id == boris


async def test_a_primary_queue_overflows_to_the_federation_after_n_minutes(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    clock = FakeClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    with use_clock(clock):
        fed = await org(h, "FED", kind="federation")
        a = await org(h, "AAA", parent=fed)
        federal_queue = await queue(h, fed, "Федерация")
        local = await queue(
            h, a, "Первичка", overflow_queue_id=str(federal_queue), overflow_after_minutes=5
        )
        await operator("anna", a)  # offline: nobody local answers
        federal = await operator("federal", fed)  # federation staff take only its own queues
        await online(federal)
        m = await member(a)
        x = await appeal(a, m)
        await settle(h)
        assert await assignee(x) is None and str(await field(x, "queue_id")) == str(local)
        job = await current().db.fetchone(
            "SELECT run_at, created_at FROM system_job WHERE name = 'routing.overflow'"
        )
        assert job is not None and 299 <= job["run_at"] - job["created_at"] <= 301
        for minutes, moved in ((4, 0), (1.1, 1)):
            clock.advance(minutes=minutes)
            await presence.Keeper().refresh()  # the socket stays open meanwhile
            assert (await jobs.sweep())["overflows"] == moved
        assert await assignee(x) == federal
        assert str(await field(x, "queue_id")) == str(federal_queue)
        moves = [(e["reason"], e["queue_id"]) for e in await _events("routing.queue_changed")]
        assert moves[-1] == ("overflow", str(federal_queue))


async def test_queues_route_only_in_business_hours_and_not_on_holidays(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    clock = FakeClock(datetime(2026, 3, 7, 9, 0, tzinfo=UTC))  # Saturday 12:00 in Moscow
    with use_clock(clock):
        a = await org(h, "AAA")
        q = await queue(
            h,
            a,
            business_hours=True,
            timezone="Europe/Moscow",
            work_start="09:00",
            work_end="18:00",
            holidays=["2026-03-09"],
        )
        r = await h.client.get(f"/api/routing/queues/{q}", headers=h.admin_headers)
        assert r.json()["open_now"] is False
        anna = await operator("anna", a)
        await online(anna)
        m = await member(a)
        x = await appeal(a, m)
        await settle(h)
        assert await assignee(x) is None
        for day, expected in ((9, None), (10, anna)):  # Monday is a holiday, Tuesday is not
            clock.moment = datetime(2026, 3, day, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
            await presence.Keeper().refresh()  # the socket stayed open all along
            await jobs.sweep()
            assert await assignee(x) == expected, date(2026, 3, day)
