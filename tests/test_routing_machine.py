"""Acceptance: a hypothesis state machine of routing under concurrency.

Rules let appeals arrive in bursts, operators come and go, race each other (and the engine)
to claim the same appeal, release and resolve appeals, and run the engine on many appeals at
once. After every step, once the event → job chains have settled:

* never two assignees — every appeal's ``assigned`` history is one unbroken chain (each
  change starts from the operator the previous one gave it to), ending at its assignee;
* capacity is never exceeded — no operator holds more active appeals than their capacity;
* work is never left lying — an unassigned routable appeal waits only while no online
  operator of its organization has a free place.

Runs on SQLite, and on PostgreSQL with ``UNIONLINE_TEST_DATABASE_URL`` (where the
concurrent transactions really interleave).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import uuid
from collections import Counter
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from routing_support import operator, org, queue, routing_settings, settle

from unionline.appeals import actions
from unionline.appeals.services import create_appeal
from unionline.errors import Conflict
from unionline.members.services import create_member
from unionline.operators.services import actor_for
from unionline.routing import engine, flows, presence
from unionline.runtime import current
from unionline.settings import Settings
from unionline.testing.support import AppHarness, running_app

T = TypeVar("T")
STRATEGIES = ("least_busy", "round_robin", "skills", "own_operator")
CODES = itertools.count(1)
SEEN: Counter[str] = Counter()


class AppThread:
    """The app on an event loop of its own, so synchronous hypothesis rules can drive it."""

    def __init__(self, app_settings: Settings) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.context = running_app(app_settings, migrate=True)
        self.harness: AppHarness = self.run(self.context.__aenter__())

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=300)

    def close(self) -> None:
        try:
            self.run(self.context.__aexit__(None, None, None))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=30)
            self.loop.close()


APP: AppThread | None = None


class Routing(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        assert APP is not None
        self.app = APP
        self.n = next(CODES)
        self.strategy: str | None = None
        self.ops: list[uuid.UUID] = []
        self.capacity: dict[uuid.UUID, int] = {}
        self.sockets: dict[uuid.UUID, str] = {}
        self.appeals: list[uuid.UUID] = []
        self.members: list[uuid.UUID] = []

    def _do(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.app.run(coro)

    def _settle(self) -> None:
        self._do(settle(self.app.harness, rounds=50))

    # -- setup --------------------------------------------------------------------------

    @precondition(lambda self: self.strategy is None)
    @rule(
        strategy=st.sampled_from(STRATEGIES),
        capacities=st.lists(st.integers(1, 3), min_size=2, max_size=4),
    )
    def open_office(self, strategy: str, capacities: list[int]) -> None:
        h = self.app.harness
        self.strategy = strategy
        self.org = self._do(org(h, f"R{self.n}"))
        self._do(queue(h, self.org, strategy=strategy, skills=["юрист"]))
        for i, capacity in enumerate(capacities):
            op = self._do(
                operator(f"r{self.n}-op{i}", self.org, capacity=capacity, skills=("юрист",))
            )
            self.ops.append(op)
            self.capacity[op] = capacity
        self.members = [
            self._do(create_member(None, self.org, full_name=f"Член {i}")) for i in range(3)
        ]
        SEEN[strategy] += 1

    # -- rules --------------------------------------------------------------------------

    @precondition(lambda self: self.strategy is not None)
    @rule(count=st.integers(1, 4), who=st.integers(0, 2))
    def appeals_arrive(self, count: int, who: int) -> None:
        async def burst() -> list[Any]:
            return await asyncio.gather(
                *(
                    create_appeal(
                        None,
                        organization_id=self.org,
                        member_id=self.members[(who + i) % len(self.members)],
                        subject="Вопрос",
                        channel="reference",
                    )
                    for i in range(count)
                )
            )

        self.appeals += [v.id for v in self._do(burst())]
        self._settle()

    @precondition(lambda self: self.strategy is not None)
    @rule(i=st.integers(0, 3))
    def operator_comes_or_goes(self, i: int) -> None:
        op = self.ops[i % len(self.ops)]
        if op in self.sockets:
            self._do(presence.disconnected(op, self.sockets.pop(op)))
            SEEN["offline"] += 1
        else:
            self.sockets[op] = f"m-{uuid.uuid4().hex}"
            self._do(presence.connected(op, self.sockets[op]))
            SEEN["online"] += 1
        self._settle()

    @precondition(lambda self: self.appeals)
    @rule(data=st.data(), claimers=st.integers(2, 4))
    def operators_race_to_claim(self, data: st.DataObject, claimers: int) -> None:
        target = data.draw(st.sampled_from(self.appeals))
        before = self._do(_assignee(target))
        racers = [self.ops[i % len(self.ops)] for i in range(claimers)]

        async def race() -> list[Any]:
            actors = [await actor_for(op) for op in racers]
            return await asyncio.gather(
                *(flows.claim(a, target) for a in actors if a),
                engine.route(target),
                return_exceptions=True,
            )

        results = self._do(race())
        claims = results[:-1]
        unexpected = [r for r in results if isinstance(r, BaseException) and not _refused(r)]
        assert not unexpected, unexpected
        won = {r.assignee_id for r in claims if not isinstance(r, BaseException)}
        if before is None:
            assert len(won) <= 1  # of concurrent claims, at most one operator wins
        SEEN["claims won" if won else "claims refused"] += 1
        self._settle()

    @precondition(lambda self: self.appeals)
    @rule()
    def engine_runs_everything_at_once(self) -> None:
        async def storm() -> list[Any]:
            return await asyncio.gather(
                *(engine.route(x) for x in self.appeals[-8:]),
                engine.drain(),
                engine.drain(),
            )

        self._do(storm())
        self._settle()

    @precondition(lambda self: self.appeals)
    @rule(data=st.data(), how=st.sampled_from(["resolved", "closed", "release"]))
    def operator_finishes_or_releases(self, data: st.DataObject, how: str) -> None:
        target = data.draw(st.sampled_from(self.appeals))
        holder = self._do(_assignee(target))
        if holder is None:
            return
        actor = self._do(actor_for(holder))
        assert actor is not None
        try:
            if how == "release":
                self._do(actions.release(actor, target))
            else:
                self._do(actions.set_status(actor, target, how))
            SEEN[how] += 1
        except Conflict:  # already closed
            SEEN[f"{how} refused"] += 1
        self._settle()

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def never_two_assignees(self) -> None:
        if not self.appeals:
            return
        rows = self._fetch(
            "SELECT t.appeal_id, t.data, a.assignee_id FROM appeal_timeline t"
            " JOIN appeal_appeal a ON a.id = t.appeal_id"
            " WHERE a.organization_id = {} AND t.kind = 'assigned' ORDER BY t.id",
            self.org,
        )
        holder: dict[str, str | None] = {}
        final: dict[str, str | None] = {}
        for row in rows:
            key = str(row["appeal_id"])
            data = row["data"] if isinstance(row["data"], dict) else json.loads(row["data"])
            assert data["old"] == holder.get(key), f"{key}: two assignees {data}"
            holder[key] = data["new"]
            final[key] = str(row["assignee_id"]) if row["assignee_id"] else None
        assert holder == final

    @invariant()
    def capacity_is_never_exceeded(self) -> None:
        for op, capacity in self.capacity.items():
            assert self._active(op) <= capacity, f"{op} holds more than {capacity}"

    @invariant()
    def routable_appeals_wait_only_while_nobody_has_room(self) -> None:
        if not self.appeals:
            return
        waiting = self._fetch(
            "SELECT id FROM appeal_appeal WHERE organization_id = {} AND assignee_id IS NULL"
            " AND status IN ('new', 'open', 'waiting')",
            self.org,
        )
        if not waiting:
            return
        free = [op for op in self.sockets if self._active(op) < self.capacity[op]]
        assert not free, f"{len(waiting)} appeals wait while {free} have room"
        SEEN["waiting for room"] += 1

    def teardown(self) -> None:
        for op, socket in list(self.sockets.items()):
            self._do(presence.disconnected(op, socket))
        if self.strategy is not None:
            self._settle()

    def _active(self, op: uuid.UUID) -> int:
        row = self._fetch(
            "SELECT COUNT(*) AS n FROM appeal_appeal WHERE assignee_id = {}"
            " AND status IN ('new', 'open', 'waiting')",
            op,
        )
        return int(row[0]["n"])

    def _fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return self._do(current().db.fetch(sql, *args))


def _refused(exc: BaseException) -> bool:
    return isinstance(exc, Conflict)


async def _assignee(appeal_id: uuid.UUID) -> uuid.UUID | None:
    row = await current().db.fetchone(
        "SELECT assignee_id FROM appeal_appeal WHERE id = {}", appeal_id
    )
    assert row is not None
    return uuid.UUID(str(row["assignee_id"])) if row["assignee_id"] else None


@pytest.fixture
def unionline_settings(unionline_database_url: str) -> Settings:
    return routing_settings(unionline_database_url)


@pytest.mark.slow
def test_routing_state_machine(unionline_settings: Settings) -> None:
    global APP
    APP = AppThread(unionline_settings)
    try:
        Routing.TestCase.settings = settings(
            max_examples=12,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        Routing.TestCase().runTest()
        print("routing state machine:", dict(SEEN))
    finally:
        APP.close()
        APP = None
