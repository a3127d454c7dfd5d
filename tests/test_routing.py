"""Routing: each strategy, capacity and presence, waiting appeals in priority and age order,
pools with first-claim-wins, the default queue, transfer, and durability by the sweep."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import httpx
from routing_support import (
    appeal,
    assignee,
    field,
    member,
    offline,
    online,
    operator,
    org,
    queue,
    settle,
    token,
    unionline_settings,  # noqa: F401 - the fixture
)

from unionline.appeals import actions
from unionline.errors import Conflict
from unionline.operators.services import actor_for
from unionline.routing import flows, jobs
from unionline.runtime import current
from unionline.testing import AppHarness


async def test_new_appeal_goes_to_an_online_operator_of_its_organization(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    a, b = await org(h, "AAA"), await org(h, "BBB")
    await queue(h, a)
    away = await operator("asleep", a)  # never connects
    stranger = await operator("stranger", b)
    anna = await operator("anna", a)
    await online(anna)
    await online(stranger)
    m = await member(a)
    appeals = [await appeal(a, m) for _ in range(3)]
    await settle(h)
    assert [await assignee(x) for x in appeals] == [anna] * 3
    assert away not in [await assignee(x) for x in appeals]
    assert await field(appeals[0], "status") == "open"


async def test_capacity_is_respected_and_freed_places_take_the_oldest_most_urgent_first(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a)
    anna = await operator("anna", a, capacity=1)
    await online(anna)
    m = await member(a)
    first = await appeal(a, m)
    await settle(h)
    assert await assignee(first) == anna
    older = await appeal(a, m)
    urgent = await appeal(a, m, priority="urgent")
    newest = await appeal(a, m)
    await settle(h)
    assert [await assignee(x) for x in (older, urgent, newest)] == [None, None, None]
    actor = await actor_for(anna)
    assert actor is not None
    await actions.set_status(actor, first, "resolved")
    await settle(h)
    assert await assignee(urgent) == anna  # priority beats age
    await actions.set_status(actor, urgent, "closed")
    await settle(h)
    assert await assignee(older) == anna and await assignee(newest) is None


async def test_least_busy_balances_by_load_relative_to_capacity(unionline_app: AppHarness) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a, strategy="least_busy")
    big = await operator("big", a, capacity=4)
    small = await operator("small", a, capacity=2)
    for op in (big, small):
        await online(op)
    m = await member(a)
    for _ in range(6):
        await appeal(a, m)
        await settle(h)
    rows = await current().db.fetch("SELECT assignee_id FROM appeal_appeal")
    counts = Counter(str(r["assignee_id"]) for r in rows)
    assert counts == {str(big): 4, str(small): 2}


async def test_round_robin_takes_turns(unionline_app: AppHarness) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a, strategy="round_robin")
    ops = [await operator(f"op{i}", a) for i in range(3)]
    for op in ops:
        await online(op)
    m = await member(a)
    got = []
    for _ in range(6):
        x = await appeal(a, m)
        await settle(h)
        got.append(await assignee(x))
    assert set(got[:3]) == set(ops) and got[3:] == got[:3]


async def test_skills_strategy_only_picks_operators_with_every_skill(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a, strategy="skills", skills=["Юрист", "охрана труда"])
    plain = await operator("plain", a)
    partly = await operator("partly", a, skills=("юрист",))
    lawyer = await operator("lawyer", a, skills=("юрист", "Охрана труда", "английский"))
    for op in (plain, partly):
        await online(op)
    m = await member(a)
    x = await appeal(a, m)
    await settle(h)
    assert await assignee(x) is None  # nobody qualified is online: it waits
    await online(lawyer)
    await settle(h)
    assert await assignee(x) == lawyer


async def test_own_operator_gets_the_member_back(unionline_app: AppHarness) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a, strategy="own_operator")
    anna = await operator("anna", a)
    boris = await operator("boris", a)
    for op in (anna, boris):
        await online(op)
    ivan, olga = await member(a, "Иван"), await member(a, "Ольга")
    first = await appeal(a, ivan)
    await settle(h)
    own = await assignee(first)
    other = boris if own == anna else anna
    await appeal(a, olga)  # least busy: goes to the other one
    await settle(h)
    for _ in range(3):  # Ivan keeps coming back to his operator, though they are busier
        x = await appeal(a, ivan)
        await settle(h)
        assert await assignee(x) == own
    assert own != other


async def test_pool_assigns_nobody_and_the_first_claim_wins(unionline_app: AppHarness) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a, strategy="pool")
    ops = [await operator(f"op{i}", a) for i in range(4)]
    for op in ops:
        await online(op)
    m = await member(a)
    x = await appeal(a, m)
    await settle(h)
    assert await assignee(x) is None
    actors = [await actor_for(op) for op in ops]
    results = await asyncio.gather(
        *(flows.claim(actor, x) for actor in actors if actor), return_exceptions=True
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1 and all(isinstance(r, Conflict) for r in results if r not in winners)
    assert await assignee(x) == winners[0].assignee_id


async def test_claim_within_capacity_only(unionline_app: AppHarness) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a, strategy="pool")
    anna = await operator("anna", a, capacity=1)
    m = await member(a)
    x, y = await appeal(a, m), await appeal(a, m)
    headers = await token(anna)
    r = await h.client.post(f"/api/routing/appeals/{x}/claim", headers=headers)
    assert r.status_code == 200 and r.json()["assignee_id"] == str(anna)
    r = await h.client.post(f"/api/routing/appeals/{y}/claim", headers=headers)
    assert r.status_code == 409 and r.json()["error"]["extra"]["reason"] == "at_capacity"


async def test_without_a_queue_nothing_is_routed_and_an_ancestors_default_queue_serves(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    fed = await org(h, "FED", kind="federation")
    a = await org(h, "AAA", parent=fed)
    anna = await operator("anna", a)
    federal = await operator("federal", fed)
    for op in (anna, federal):
        await online(op)
    m = await member(a)
    x = await appeal(a, m)
    await settle(h)
    assert await assignee(x) is None
    general = await queue(h, fed, "Федерация")  # the federation's default takes it, with its staff
    assert (await jobs.sweep())["drained"] == 1
    assert await assignee(x) == federal
    assert str(await field(x, "queue_id")) == str(general)


async def test_transfer_to_another_queue_routes_to_someone_else(unionline_app: AppHarness) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a, "Общая")
    lawyers = await queue(h, a, "Юристы", is_default=False, strategy="skills", skills=["юрист"])
    anna = await operator("anna", a)
    lawyer = await operator("lawyer", a, skills=("юрист",))
    await online(anna)
    m = await member(a)
    x = await appeal(a, m)
    await settle(h)
    assert await assignee(x) == anna
    r = await h.client.post(
        f"/api/routing/appeals/{x}/transfer",
        json={"queue_id": str(lawyers)},
        headers=await token(anna),
    )
    assert r.status_code == 200, r.text
    assert r.json()["assignee_id"] is None and r.json()["queue_id"] == str(lawyers)
    await online(lawyer)
    await settle(h)
    assert await assignee(x) == lawyer


async def test_an_appeal_opened_by_hand_names_only_a_queue_it_may_go_to(
    unionline_app: AppHarness,
) -> None:
    """POST /api/appeals with a queue: one of the appeal's organization or above it, as a
    transfer's; another branch's queue is answered as one that does not exist (it was stored,
    and routing sent the appeal there), an unknown one too, nothing is written."""
    h = unionline_app
    a, b = await org(h, "AAA"), await org(h, "BBB")
    ours = await queue(h, a, "Общая")
    theirs = await queue(h, b, "Чужая")
    anna = await operator("anna", a)
    m = await member(a)
    headers = await token(anna)

    async def open_in(queue_id: object) -> httpx.Response:
        body = {"organization_id": str(a), "member_id": str(m), "subject": "Звонок",
                "channel": "phone", "queue_id": str(queue_id)}  # fmt: skip
        return await h.client.post("/api/appeals/", json=body, headers=headers)

    for wrong in (theirs, uuid.uuid4()):
        r = await open_in(wrong)
        assert r.status_code == 404, r.text
        error = r.json()["error"]
        assert (error["field"], error["message"]) == ("queue_id", f"queue {wrong} does not exist")
    assert await h.runtime.db.fetch("SELECT id FROM appeal_appeal") == []
    r = await open_in(ours)
    assert r.status_code == 201, r.text
    assert r.json()["queue_id"] == str(ours)


async def test_a_released_appeal_goes_to_someone_else_first(unionline_app: AppHarness) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a)
    anna, boris = await operator("anna", a), await operator("boris", a, capacity=1)
    await online(anna)
    m = await member(a)
    x = await appeal(a, m)
    await settle(h)
    await online(boris)
    actor = await actor_for(anna)
    assert actor is not None
    await actions.release(actor, x)
    await settle(h)
    assert await assignee(x) == boris


async def test_going_offline_stops_routing_to_the_operator(unionline_app: AppHarness) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a)
    anna = await operator("anna", a)
    connection = await online(anna)
    await offline(anna, connection)
    await settle(h)
    m = await member(a)
    x = await appeal(a, m)
    await settle(h)
    assert await assignee(x) is None


async def test_going_offline_hands_back_unanswered_appeals_where_the_queue_asks(
    unionline_app: AppHarness,
) -> None:
    from unionline.appeals.services import add_reply, timeline

    h = unionline_app
    a = await org(h, "AAA")
    handing = await queue(h, a, "Горячая линия", requeue_when_offline=True)
    keeping = await queue(h, a, "Юристы", is_default=False)
    anna = await operator("anna", a)
    connection = await online(anna)
    m = await member(a)
    unanswered, answered, elsewhere = (
        await appeal(a, m, queue_id=handing),
        await appeal(a, m, queue_id=handing),
        await appeal(a, m, queue_id=keeping),
    )
    await settle(h)
    assert [await assignee(x) for x in (unanswered, answered, elsewhere)] == [anna] * 3
    await add_reply(await actor_for(anna), answered, "Здравствуйте, смотрю документы")
    boris = await operator("boris", a)
    await online(boris)

    await offline(anna, connection)  # no grace period in these settings
    await settle(h)
    assert await assignee(unanswered) == boris
    assert await assignee(answered) == anna  # the member already talks with her
    assert await assignee(elsewhere) == anna  # that queue keeps appeals with their operator
    entries = (await timeline(None, unanswered)).items
    assert any(
        e.kind == "assigned" and e.data.get("reason") == "offline" and e.data["new"] is None
        for e in entries
    )


async def test_an_away_operator_keeps_their_appeals_and_coming_back_stops_the_hand_back(
    unionline_app: AppHarness,
) -> None:
    from unionline.routing import presence

    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a, requeue_when_offline=True)
    anna = await operator("anna", a)
    connection = await online(anna)
    x = await appeal(a, await member(a))
    await settle(h)
    boris = await operator("boris", a)
    await online(boris)
    async with current().db.transaction():
        await presence.apply(anna, presence._now(), chosen="away")
    await settle(h)
    assert await assignee(x) == anna  # away is still at work: only new appeals stop
    second_tab = await online(anna)  # still there when the first tab closes
    await offline(anna, connection)
    await settle(h)
    assert await flows.hand_back(anna) == 0
    assert await assignee(x) == anna
    await offline(anna, second_tab)  # now she is gone
    await settle(h)
    assert await assignee(x) == boris


async def test_the_sweep_routes_what_a_lost_listener_missed(unionline_app: AppHarness) -> None:
    """A crash between commit and enqueue: the routing job never existed."""
    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a)
    anna = await operator("anna", a)
    await online(anna)
    await settle(h)
    plugin = current().host.pm.get_plugin("core.routing")
    current().host.pm.unregister(plugin)  # the listener is gone, as if the process died
    try:
        m = await member(a)
        x = await appeal(a, m)
        await settle(h)
        assert await assignee(x) is None
    finally:
        current().host.pm.register(plugin, name="core.routing")
    assert (await jobs.sweep())["drained"] == 1
    assert await assignee(x) == anna


async def test_an_inbound_message_on_the_reference_channel_is_routed(
    unionline_app: AppHarness,
) -> None:
    from channel_support import SECRET, message

    from unionline.channel import reference

    h = unionline_app
    a = await org(h, "AAA")
    await queue(h, a)
    anna = await operator("anna", a)
    await online(anna)
    r = await h.client.post(
        "/api/channel-accounts/",
        headers=h.admin_headers,
        json={
            "organization_id": str(a),
            "channel": "reference",
            "name": "bot",
            "secrets": {"signing_secret": SECRET},
        },
    )
    assert r.status_code == 201, r.text
    body, headers = reference.signed(SECRET, message(1, "visitor-1", "Здравствуйте"))
    r = await h.client.post(
        f"/channels/reference/{r.json()['id']}/inbound", content=body, headers=headers
    )
    assert r.status_code == 200, r.text
    await settle(h)
    row = await current().db.fetchone("SELECT id, assignee_id FROM appeal_appeal")
    assert row is not None and str(row["assignee_id"]) == str(anna)
