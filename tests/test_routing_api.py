"""The routing REST API: queue validation naming the field, organization scoping, one
default queue per organization, deleting queues, and the supervisor's live statistics."""

from __future__ import annotations

import uuid

from routing_support import (
    appeal,
    member,
    online,
    operator,
    org,
    queue,
    settle,
    token,
    unionline_settings,  # noqa: F401 - the fixture
)

from unionline.appeals import actions
from unionline.operators.services import actor_for
from unionline.testing import AppHarness

QUEUES = "/api/routing/queues/"


async def test_queue_bodies_are_validated_field_by_field(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await org(h, "FED", kind="federation")
    a, b = await org(h, "AAA", parent=fed), await org(h, "BBB", parent=fed)
    other = await queue(h, b, "Чужая")
    base = {"organization_id": str(a), "name": "Очередь"}
    cases = [
        ({"strategy": "fastest"}, 422, "strategy"),
        ({"strategy": "Bad Name"}, 400, "strategy"),
        ({"timezone": "Mars/Olympus"}, 422, "timezone"),
        ({"work_start": "18:00", "work_end": "09:00"}, 422, "work_end"),
        ({"work_start": "25:00"}, 400, "work_start"),
        ({"workdays": [0]}, 400, "workdays"),
        ({"offer_timeout": -1}, 400, "offer_timeout"),
        ({"overflow_queue_id": str(other), "overflow_after_minutes": 5}, 422, "overflow_queue_id"),
        (
            {"overflow_queue_id": str(uuid.uuid4()), "overflow_after_minutes": 5},
            404,
            "overflow_queue_id",
        ),
        ({"organization_id": str(uuid.uuid4())}, 404, "organization_id"),
        ({"surprise": 1}, 400, "surprise"),
    ]
    for change, status, field_name in cases:
        r = await h.client.post(QUEUES, json={**base, **change}, headers=h.admin_headers)
        assert r.status_code == status, (change, r.text)
        error = r.json()["error"]
        assert field_name in f"{error.get('field')} {error['message']}", error
    federal = await queue(h, fed, "Федерация")
    r = await h.client.post(
        QUEUES, json={**base, "overflow_queue_id": str(federal)}, headers=h.admin_headers
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "overflow_after_minutes"
    r = await h.client.post(
        QUEUES,
        json={
            **base,
            "overflow_queue_id": str(federal),
            "overflow_after_minutes": 5,
            "strategy": "myplugin.vip",
        },
        headers=h.admin_headers,
    )
    assert r.status_code == 201, r.text
    r = await h.client.post(QUEUES, json=base, headers=h.admin_headers)
    assert r.status_code == 409 and r.json()["error"]["field"] == "name"


async def test_queues_are_scoped_by_organization(unionline_app: AppHarness) -> None:
    h = unionline_app
    a, b = await org(h, "AAA"), await org(h, "BBB")
    qa, qb = await queue(h, a), await queue(h, b)
    chief = await token(await operator("chief", a, role="supervisor"))
    anna = await token(await operator("anna", a))
    r = await h.client.get(QUEUES, headers=chief)
    assert [q["id"] for q in r.json()] == [str(qa)]
    assert (await h.client.get(f"{QUEUES}{qb}", headers=chief)).status_code == 404
    r = await h.client.patch(f"{QUEUES}{qb}", json={"priority": 5}, headers=chief)
    assert r.status_code == 404
    r = await h.client.patch(f"{QUEUES}{qa}", json={"priority": 5}, headers=anna)
    assert r.status_code == 403 and r.json()["error"]["extra"]["permission"] == "routing.manage"
    r = await h.client.post(QUEUES, json={"organization_id": str(b), "name": "x"}, headers=chief)
    assert r.status_code == 404 and r.json()["error"]["field"] == "organization_id"
    r = await h.client.patch(
        f"{QUEUES}{qa}", json={"priority": 5, "topic": "Отпуск"}, headers=chief
    )
    assert r.status_code == 200 and (r.json()["priority"], r.json()["topic"]) == (5, "Отпуск")


async def test_one_default_queue_per_organization_and_deleting_queues(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    a = await org(h, "AAA")
    first = await queue(h, a, "Первая")
    second = await queue(h, a, "Вторая")  # is_default too: the first one stops being it
    r = await h.client.get(QUEUES, headers=h.admin_headers)
    defaults = {q["id"]: q["is_default"] for q in r.json()}
    assert defaults == {str(first): False, str(second): True}
    m = await member(a)
    await appeal(a, m)
    await settle(h)  # routed into the default queue, where it waits
    r = await h.client.delete(f"{QUEUES}{second}", headers=h.admin_headers)
    assert r.status_code == 409 and r.json()["error"]["field"] == "queue_id"
    r = await h.client.delete(f"{QUEUES}{first}", headers=h.admin_headers)
    assert r.status_code == 204
    r = await h.client.patch(
        f"{QUEUES}{second}", json={"overflow_queue_id": None}, headers=h.admin_headers
    )
    assert r.status_code == 200 and r.json()["overflow_queue_id"] is None


async def test_supervisor_sees_load_queue_lengths_and_waiting_times(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    a, b = await org(h, "AAA"), await org(h, "BBB")
    qa = await queue(h, a, "Общая")
    await queue(h, b, "Чужая")
    anna = await operator("anna", a, capacity=2)
    await operator("boris", a)  # offline
    await operator("clara", b)
    await online(anna)
    m = await member(a)
    appeals = [await appeal(a, m) for _ in range(3)]
    await settle(h)
    chief = await token(await operator("chief", a, role="supervisor"))
    r = await h.client.get("/api/routing/stats", headers=chief)
    assert r.status_code == 200, r.text
    stats = r.json()
    loads = {o["name"]: o for o in stats["operators"]}
    assert set(loads) == {"anna", "boris", "chief"}
    assert loads["anna"] | {} == {
        **loads["anna"],
        "status": "online",
        "open_appeals": 2,
        "capacity": 2,
        "load": 1.0,
    }
    assert loads["boris"]["status"] == "offline"
    (queue_stats,) = stats["queues"]
    assert queue_stats["queue_id"] == str(qa) and queue_stats["waiting"] == 1
    assert queue_stats["oldest_wait_seconds"] >= 0 and queue_stats["assigned_last_day"] == 2
    assert queue_stats["average_wait_seconds"] >= 0
    actor = await actor_for(anna)
    assert actor is not None
    await actions.set_status(actor, appeals[0], "resolved")
    await settle(h)
    r = await h.client.get("/api/routing/stats", headers=chief)
    assert r.json()["queues"][0]["waiting"] == 0
    r = await h.client.get("/api/routing/stats", headers=await token(anna))
    assert r.status_code == 403
    r = await h.client.get("/api/routing/stats", params={"organization_id": str(b)}, headers=chief)
    assert r.status_code == 200  # another branch as a filter: nothing there (docs/api.md)
    assert (r.json()["operators"], r.json()["queues"], r.json()["unqueued"]) == ([], [], 0)
