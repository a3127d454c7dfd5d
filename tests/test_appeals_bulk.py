"""``POST /api/appeals/bulk`` on both engines: each appeal checked and changed as by its single
action, per-id results, no cross-organization leak, refused appeals left exactly as they were."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
from appeals_support import FakeClock, appeal_events, bearer, inbound, make_member, make_org

from unionline.appeals.clock import use_clock
from unionline.testing import AppHarness

BULK = "/api/appeals/bulk"


@pytest.fixture
def clock() -> FakeClock:
    fake = FakeClock()
    with use_clock(fake):
        yield fake


class Desk:
    """Two primary organizations; an operator and a supervisor of the first; appeals in both."""

    def __init__(self, h: AppHarness) -> None:
        self.h = h
        self.mine: list[uuid.UUID] = []
        self.theirs: list[uuid.UUID] = []

    async def build(self, per_org: int = 3) -> Desk:
        fed = await make_org(self.h, "FED", kind="federation")
        self.a = await make_org(self.h, "PPOA", fed)
        self.b = await make_org(self.h, "PPOB", fed)
        for org, into in ((self.a, self.mine), (self.b, self.theirs)):
            for n in range(per_org):
                member = await make_member(org, f"Член {n}")
                appeal, _ = await inbound(org, member, f"Вопрос {n}")
                into.append(appeal.id)
        self.op_id, token = await self.h.create_operator("op-a", "operator", self.a)
        self.op = bearer(token)
        self.sup_id, token = await self.h.create_operator("sup-a", "supervisor", self.a)
        self.sup = bearer(token)
        return self

    async def bulk(self, headers: dict[str, str], ids: list[Any], action: dict) -> dict:
        body = {"ids": [str(i) for i in ids], "action": action}
        answer = await self.h.client.post(BULK, json=body, headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def snapshot(self, ids: list[uuid.UUID]) -> dict[str, Any]:
        """Each appeal and its timeline as the federation's administrator sees them."""
        seen = {}
        for appeal_id in ids:
            view = await self.h.client.get(
                f"/api/appeals/{appeal_id}", headers=self.h.admin_headers
            )
            timeline = await self.h.client.get(
                f"/api/appeals/{appeal_id}/timeline", headers=self.h.admin_headers
            )
            seen[str(appeal_id)] = (view.json(), timeline.json()["items"])
        return seen


def kind_of(event: Any) -> str:
    return type(event).__struct_config__.tag


def outcomes(result: dict) -> dict[str, tuple[str, str | None]]:
    return {
        item["id"]: (item["outcome"], item["error"]["code"] if item["error"] else None)
        for item in result["items"]
    }


async def test_status_of_own_appeals_changes_and_others_are_not_found(
    unionline_app: AppHarness, clock: FakeClock
) -> None:
    desk = await Desk(unionline_app).build()
    unknown = uuid.uuid4()
    ids = [*desk.mine, desk.theirs[0], unknown, desk.mine[0]]  # a repeated id counts once
    before = await desk.snapshot(desk.theirs)

    result = await desk.bulk(desk.op, ids, {"kind": "status", "status": "waiting"})

    assert (result["done"], result["refused"]) == (3, 2)
    assert [item["id"] for item in result["items"]] == [str(i) for i in ids[:-1]]
    assert outcomes(result) == {
        **{str(i): ("done", None) for i in desk.mine},
        str(desk.theirs[0]): ("refused", "not_found"),
        str(unknown): ("refused", "not_found"),
    }
    refusals = {item["id"]: item["error"] for item in result["items"] if item["error"]}
    # Another organization's appeal is refused in the very words of an id that does not exist.
    assert refusals[str(desk.theirs[0])]["message"].replace(str(desk.theirs[0]), "X") == refusals[
        str(unknown)
    ]["message"].replace(str(unknown), "X")
    assert refusals[str(desk.theirs[0])]["field"] == refusals[str(unknown)]["field"]
    done = [item["appeal"] for item in result["items"] if item["outcome"] == "done"]
    assert {a["status"] for a in done} == {"waiting"}
    assert await desk.snapshot(desk.theirs) == before
    # The same events as the single action: one status change per appeal, none for the refused.
    for appeal_id in desk.mine:
        kinds = [kind_of(e) for e in await appeal_events(unionline_app, appeal_id)]
        assert kinds.count("appeal.status_changed") == 1, kinds
    for appeal_id in desk.theirs:
        kinds = [kind_of(e) for e in await appeal_events(unionline_app, appeal_id)]
        assert "appeal.status_changed" not in kinds


async def test_assign_follows_the_single_action_rules(
    unionline_app: AppHarness, clock: FakeClock
) -> None:
    desk = await Desk(unionline_app).build()
    # An operator takes unassigned appeals for themself ...
    result = await desk.bulk(
        desk.op, desk.mine[:2], {"kind": "assign", "operator_id": str(desk.op_id)}
    )
    assert result["done"] == 2
    assert {item["appeal"]["assignee_id"] for item in result["items"]} == {str(desk.op_id)}
    # ... but hands nobody else's to anyone: only a supervisor assigns to others.
    result = await desk.bulk(
        desk.op, [desk.mine[2]], {"kind": "assign", "operator_id": str(desk.sup_id)}
    )
    assert outcomes(result) == {str(desk.mine[2]): ("refused", "forbidden")}
    result = await desk.bulk(
        desk.sup, [*desk.mine, desk.theirs[1]], {"kind": "assign", "operator_id": str(desk.sup_id)}
    )
    assert outcomes(result) == {
        **{str(i): ("done", None) for i in desk.mine},
        str(desk.theirs[1]): ("refused", "not_found"),
    }
    # Someone outside the organization is no assignee: refused per appeal, nothing changes.
    _, outsider = await unionline_app.create_operator("op-b", "operator", desk.b)
    outsider_id = (await unionline_app.client.get("/api/auth/me", headers=bearer(outsider))).json()
    result = await desk.bulk(
        desk.sup, desk.mine[:1], {"kind": "assign", "operator_id": outsider_id["id"]}
    )
    assert outcomes(result) == {str(desk.mine[0]): ("refused", "invalid")}


async def test_tags_add_and_remove_keep_the_others(
    unionline_app: AppHarness, clock: FakeClock
) -> None:
    desk = await Desk(unionline_app).build()
    h = unionline_app
    first = desk.mine[0]
    await h.client.patch(
        f"/api/appeals/{first}", json={"tags": ["зарплата", "срочно"]}, headers=desk.op
    )
    await h.client.post(
        f"/api/appeals/{desk.mine[2]}/status", json={"status": "closed"}, headers=desk.sup
    )
    result = await desk.bulk(
        desk.op, desk.mine, {"kind": "tags", "add": ["Льготы "], "remove": ["срочно"]}
    )
    assert outcomes(result) == {
        str(desk.mine[0]): ("done", None),
        str(desk.mine[1]): ("done", None),
        str(desk.mine[2]): ("refused", "conflict"),  # closed: as PATCH answers
    }
    tags = {item["id"]: item["appeal"]["tags"] for item in result["items"] if item["appeal"]}
    assert tags == {str(first): ["зарплата", "льготы"], str(desk.mine[1]): ["льготы"]}
    kinds = [kind_of(e) for e in await appeal_events(h, desk.mine[1])]
    assert kinds.count("appeal.tags_changed") == 1


async def test_body_is_checked_before_anything_changes(
    unionline_app: AppHarness, clock: FakeClock
) -> None:
    desk = await Desk(unionline_app).build(per_org=1)
    h = unionline_app
    ids = [str(desk.mine[0])]
    too_many = [str(uuid.uuid4()) for _ in range(501)]
    for body in (
        {"ids": [], "action": {"kind": "status", "status": "open"}},
        {"ids": too_many, "action": {"kind": "status", "status": "open"}},
        {"ids": ids, "action": {"kind": "delete"}},
        {"ids": ids, "action": {"kind": "status", "status": "gone"}},
        {"ids": ids, "action": {"kind": "tags", "add": ["\u0000"]}},
        {"ids": ids, "action": {"kind": "status", "status": "open", "extra": 1}},
    ):
        answer = await h.client.post(BULK, json=body, headers=desk.op)
        assert answer.status_code == 400, (body, answer.text)
    empty = await h.client.post(
        BULK, json={"ids": ids, "action": {"kind": "tags"}}, headers=desk.op
    )
    assert empty.status_code == 422 and empty.json()["error"]["field"] == "action.add"
    anonymous = await h.client.post(
        BULK, json={"ids": ids, "action": {"kind": "status", "status": "open"}}
    )
    assert anonymous.status_code in (401, 403)  # no session: the CSRF check or the login
    assert [kind_of(e) for e in await appeal_events(h, desk.mine[0])] == [
        "appeal.created",
        "appeal.message_in",
    ]


ACTIONS = (
    lambda d: {"kind": "status", "status": random.choice(["open", "waiting", "resolved"])},
    lambda d: {"kind": "assign", "operator_id": str(d.op_id)},
    lambda d: {"kind": "assign", "operator_id": str(d.sup_id)},
    lambda d: {"kind": "tags", "add": ["бюджет"], "remove": ["вопрос"]},
)


async def test_refused_ids_are_left_exactly_as_they_were(
    unionline_app: AppHarness, clock: FakeClock
) -> None:
    """Property-style: for seeded random mixes of ids (own, another organization's, unknown,
    closed) and actions, by an operator or a supervisor, every refused appeal and its timeline
    read back unchanged and every done one shows the action's effect."""
    desk = await Desk(unionline_app).build(per_org=4)
    await unionline_app.client.post(
        f"/api/appeals/{desk.mine[3]}/status", json={"status": "closed"}, headers=desk.sup
    )
    everything = [*desk.mine, *desk.theirs]
    for seed in range(8):
        random.seed(seed)
        ids = random.sample(everything, k=random.randint(1, len(everything)))
        ids += [uuid.uuid4()] * random.randint(0, 1)
        headers = random.choice([desk.op, desk.sup])
        action = random.choice(ACTIONS)(desk)
        before = await desk.snapshot(everything)
        result = await desk.bulk(headers, ids, action)
        after = await desk.snapshot(everything)
        assert result["done"] + result["refused"] == len(dict.fromkeys(ids))
        for item in result["items"]:
            if item["outcome"] == "refused":
                if item["id"] in before:
                    assert after[item["id"]] == before[item["id"]], (seed, action, item)
                continue
            view = after[item["id"]][0]
            assert {**view, "links": None, "reply": None} == item["appeal"], (seed, item)
            if action["kind"] == "status":
                assert view["status"] == action["status"]
            elif action["kind"] == "assign":
                assert view["assignee_id"] == action["operator_id"]
            else:
                assert "бюджет" in view["tags"] and "вопрос" not in view["tags"]
        for theirs in desk.theirs:
            assert after[str(theirs)] == before[str(theirs)]
        untouched = set(before) - {item["id"] for item in result["items"]}
        assert all(after[i] == before[i] for i in untouched)
