"""Hypothesis: whatever happens to appeals — members writing and writing again, robots and
operators answering, assignments and hand-overs, waiting, resolving, closing, reopening, merges,
nights and weekends, tags and queues changing — the rollup kept from the appeals' events
(daily, and by queue, tag and hour) equals the rollup rebuilt from the raw data, cell for cell
(``differing_cells == 0``). Both engines."""

from __future__ import annotations

import asyncio
import itertools
import threading
import uuid
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from appeals_support import FakeClock, make_member, make_org
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionline.appeals import actions, relations, services
from unionline.appeals.clock import use_clock
from unionline.errors import ServiceError
from unionline.operators.services import actor_for
from unionline.plugins.reports import rollup
from unionline.settings import Settings
from unionline.testing.support import AppHarness, running_app

pytestmark = pytest.mark.unionline_plugins("reports")
T = TypeVar("T")
START = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)  # a Friday afternoon in Moscow


class AppThread:
    """The app on an event loop of its own, so the synchronous hypothesis test can drive it."""

    def __init__(self, app_settings: Settings) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.context = running_app(app_settings, migrate=True)
        self.harness: AppHarness = self.run(self.context.__aenter__())

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=120)

    def close(self) -> None:
        try:
            self.run(self.context.__aexit__(None, None, None))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=30)
            self.loop.close()


WHO = st.sampled_from(["robot", "olga", "ivan"])
STEPS = st.one_of(
    st.tuples(st.just("write"), st.integers(0, 1), st.booleans()),
    st.tuples(st.just("reply"), st.integers(0, 1), WHO),
    st.tuples(st.just("assign"), st.integers(0, 1), st.sampled_from(["olga", "ivan", None])),
    st.tuples(
        st.just("status"),
        st.integers(0, 1),
        st.sampled_from(["open", "waiting", "resolved", "closed"]),
    ),
    st.tuples(st.just("merge"), st.integers(0, 1), st.integers(0, 1)),
    st.tuples(st.just("later"), st.integers(0, 1), st.sampled_from([0.2, 2.5, 9, 17, 65])),
    st.tuples(st.just("tag"), st.integers(0, 1), st.sampled_from([[], ["a"], ["a", "b"]])),
    st.tuples(st.just("queue"), st.integers(0, 1), st.booleans()),
)
CODES = itertools.count(1)
QUEUE = uuid.UUID(int=7)


class Play:
    """One example: a new organization, two members, two operators of a shared parent."""

    def __init__(self, app: AppThread, parent: uuid.UUID, staff: dict[str, Any]) -> None:
        self.app, self.staff = app, staff
        h = app.harness
        self.org = app.run(make_org(h, f"R{next(CODES)}", parent))
        self.members = [app.run(make_member(self.org, n)) for n in ("Анна", "Борис")]
        self.appeals: list[list[uuid.UUID]] = [[], []]

    def latest(self, who: int) -> uuid.UUID | None:
        return self.appeals[who][-1] if self.appeals[who] else None

    async def step(self, kind: str, who: int, arg: Any, clock: FakeClock) -> None:
        appeal = self.latest(who)
        if kind == "write":
            view, _ = await services.receive_message(
                organization_id=self.org, member_id=self.members[who], channel="telegram",
                channel_account_id=None, text="Вопрос", new_appeal=arg,
            )  # fmt: skip
            if view.id not in self.appeals[who]:
                self.appeals[who].append(view.id)
        elif kind == "later":
            clock.advance(hours=arg)
        elif appeal is None:
            return
        elif kind == "reply":
            await actions.add_reply(self.staff.get(arg), appeal, "Ответ")
        elif kind == "assign":
            await actions.assign(None, appeal, self.staff[arg].operator_id if arg else None)
        elif kind == "status":
            await actions.set_status(self.staff["olga"], appeal, arg)
        elif kind == "merge" and len(self.appeals[who]) > 1:
            await relations.merge(None, self.appeals[who][-2], appeal)
        elif kind == "tag":
            await actions.set_tags(None, appeal, arg)
        elif kind == "queue":  # as the routing moves it (its QueueChanged event recounts it)
            await self.app.harness.runtime.db.execute(
                "UPDATE appeal_appeal SET queue_id = {} WHERE id = {}",
                QUEUE if arg else None,
                appeal,
            )
            await rollup.refresh([appeal])


@pytest.fixture
def app(unionline_settings: Settings) -> Any:
    thread = AppThread(unionline_settings)
    try:
        yield thread
    finally:
        thread.close()


def test_kept_rollup_equals_the_rebuilt_one(app: AppThread) -> None:
    h = app.harness
    clock = FakeClock(START)
    with use_clock(clock):
        parent = app.run(make_org(h, "ROOT"))
        staff: dict[str, Any] = {}
        for login in ("olga", "ivan"):
            operator_id, _ = app.run(h.create_operator(login, "operator", parent))
            staff[login] = app.run(actor_for(operator_id))
        seen: dict[str, int] = {}

        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.lists(STEPS, min_size=3, max_size=30))
        def check(steps: list[tuple[str, int, Any]]) -> None:
            play = Play(app, parent, staff)
            for kind, who, arg in steps:
                try:
                    app.run(play.step(kind, who, arg, clock))
                    seen[kind] = seen.get(kind, 0) + 1
                except ServiceError:
                    pass  # not allowed from where the appeal is: nothing happened
            app.run(h.settle())
            result = app.run(rollup.rebuild())
            assert result.differing_cells == 0, steps

        check()
    assert {"write", "reply", "assign", "status"} <= set(seen), seen
