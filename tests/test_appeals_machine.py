"""Acceptance: a hypothesis state machine over the appeal lifecycle.

Rules create appeals, move them through valid and invalid transitions, let the member write
(attach, wake, reopen within the window, a new linked appeal after it or after closing), link
and merge. After every step: numbers are unique and gap-free per organization and year, every
timeline is ordered, and each appeal's status equals its last status event (and the model's).
Runs on SQLite, and on PostgreSQL with ``UNIONLINE_TEST_DATABASE_URL``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import uuid
from collections import Counter, defaultdict
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import msgspec
import pytest
from appeals_support import FakeClock, make_member, make_org
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from unionline.appeals import services
from unionline.appeals.clock import use_clock
from unionline.appeals.config import AppealSettings
from unionline.appeals.statuses import ACTIVE, STATUSES, TRANSITIONS
from unionline.errors import Conflict, Invalid
from unionline.runtime import current
from unionline.settings import Settings, settings_type
from unionline.testing.support import AppHarness, make_settings, running_app

WINDOW_DAYS = 3
START = datetime(2026, 12, 27, 9, 0, tzinfo=UTC)  # some runs cross into 2027
T = TypeVar("T")
ORGS = st.sampled_from([0, 0, 0, 1])  # mostly one organization, so merges can succeed


class AppThread:
    """The app on an event loop of its own, so synchronous hypothesis rules can drive it."""

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


@dataclass
class Model:
    id: uuid.UUID
    org: int
    number: str
    status: str = "new"
    resolved_at: datetime | None = None
    merged_into: uuid.UUID | None = None


async def make_account(org: uuid.UUID) -> uuid.UUID:
    """A Telegram bot of ``org`` (hand-opened appeals must name an existing account)."""
    from unionline.channel.tables import ChannelAccountRecord

    row = ChannelAccountRecord(organization_id=org, channel="telegram", name="bot")
    await row.save()
    return row.id


APP: AppThread | None = None
CLOCK = FakeClock(START)
CODES = itertools.count(1)
SEEN: Counter[str] = Counter()  # which branches ran (printed with -s)


class AppealLifecycle(RuleBasedStateMachine):
    appeals = Bundle("appeals")

    def __init__(self) -> None:
        super().__init__()
        assert APP is not None
        self.app = APP
        CLOCK.moment = START
        harness = APP.harness
        self.codes = [f"M{next(CODES)}" for _ in range(2)]
        self.orgs = [APP.run(make_org(harness, code)) for code in self.codes]
        self.members = [APP.run(make_member(org)) for org in self.orgs]
        self.accounts = [APP.run(make_account(org)) for org in self.orgs]
        self.model: dict[uuid.UUID, Model] = {}
        self.order: list[uuid.UUID] = []  # creation order

    def _remember(self, view: Any, org: int) -> uuid.UUID:
        SEEN[f"numbered in {view.year}"] += 1
        self.model[view.id] = Model(view.id, org, view.number)
        self.order.append(view.id)
        return view.id

    # -- rules --------------------------------------------------------------------------

    @rule(target=appeals, org=ORGS)
    def create(self, org: int) -> uuid.UUID:
        view = self.app.run(
            services.create_appeal(
                None,
                organization_id=self.orgs[org],
                member_id=self.members[org],
                subject="Вопрос",
                channel="telegram",
                channel_account_id=self.accounts[org],
            )
        )
        assert view.status == "new"
        return self._remember(view, org)

    @rule(org=ORGS)
    def resolve_everything(self, org: int) -> None:
        """A quiet spell: every active appeal of the organization gets resolved."""
        for model in list(self.model.values()):
            if model.org == org and model.status in ACTIVE:
                view = self.app.run(services.set_status(None, model.id, "resolved"))
                model.status, model.resolved_at = "resolved", view.resolved_at

    @rule(appeal=appeals, status=st.sampled_from(STATUSES))
    def transition(self, appeal: uuid.UUID, status: str) -> None:
        model = self.model[appeal]
        valid = status == model.status or status in TRANSITIONS[model.status]
        try:
            view = self.app.run(services.set_status(None, appeal, status))
        except Conflict as exc:
            SEEN["invalid transition"] += 1
            assert not valid
            assert exc.extra["allowed"] == list(TRANSITIONS[model.status])
            return
        assert valid and view.status == status
        SEEN["transition"] += 1
        model.status, model.resolved_at = status, view.resolved_at

    @rule(target=appeals, org=ORGS, days=st.sampled_from([0, 1, 2, WINDOW_DAYS + 1]))
    def member_writes(self, org: int, days: int) -> uuid.UUID:
        CLOCK.advance(days=days)
        previous = self._previous(org)
        view, entry = self.app.run(
            services.receive_message(
                organization_id=self.orgs[org],
                member_id=self.members[org],
                channel="telegram",
                channel_account_id=self.accounts[org],
                text="Пишу снова",
            )
        )
        assert entry.appeal_id == view.id and entry.kind == "message_in"
        if previous is not None and previous.status in ACTIVE:
            SEEN["attach to " + previous.status] += 1
            assert view.id == previous.id
            previous.status = "open" if previous.status == "waiting" else previous.status
        elif previous is not None and self._reopenable(previous):
            SEEN["reopen"] += 1
            assert view.id == previous.id and view.status == "open"
            previous.status, previous.resolved_at = "open", None
        else:
            SEEN["new after " + (previous.status if previous else "nothing")] += 1
            assert view.id not in self.model and view.status == "new"
            links = self.app.run(services.get_appeal(None, view.id)).links or []
            expected = [(previous.number, "reopened_from")] if previous else []
            assert [(x.number, x.kind) for x in links] == expected
            self._remember(view, org)
        return view.id

    def _previous(self, org: int) -> Model | None:
        mine = [self.model[i] for i in self.order if self.model[i].org == org]
        active = [m for m in mine if m.status in ACTIVE]
        found = (active or mine or [None])[-1]
        while found is not None and found.merged_into is not None:
            found = self.model[found.merged_into]
        return found

    def _reopenable(self, model: Model) -> bool:
        return (
            model.status == "resolved"
            and model.resolved_at is not None
            and CLOCK.moment - model.resolved_at <= timedelta(days=WINDOW_DAYS)
        )

    @rule(source=appeals, into=appeals)  # "target" would name the rule's output bundle
    def merge(self, source: uuid.UUID, into: uuid.UUID) -> None:
        target = into
        s, t = self.model[source], self.model[target]
        refused = (
            source == target
            or s.merged_into is not None
            or t.merged_into is not None
            or t.status == "closed"
            or s.org != t.org
        )
        try:
            view = self.app.run(services.merge(None, source, target))
        except (Conflict, Invalid):
            SEEN["merge refused"] += 1
            assert refused
            return
        assert not refused and view.id == target
        SEEN["merge"] += 1
        s.status, s.merged_into = "closed", target

    @rule(a=appeals, b=appeals)
    def link(self, a: uuid.UUID, b: uuid.UUID) -> None:
        try:
            view = self.app.run(services.link(None, a, b))
        except Invalid:
            assert a == b
            return
        assert a != b and self.model[b].number in [x.number for x in view.links or []]

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def numbers_are_gap_free_per_organization_and_year(self) -> None:
        rows = self._fetch(
            "SELECT number, organization_id, year, seq FROM appeal_appeal"
            " WHERE organization_id IN ({}, {})",
            *self.orgs,
        )

        assert len({r["number"] for r in rows}) == len(rows) == len(self.model)
        seqs: dict[tuple[str, int], list[int]] = defaultdict(list)
        for row in rows:
            code, year, seq = row["number"].rsplit("-", 2)
            org = self.orgs.index(row["organization_id"])
            assert (code, int(year), int(seq)) == (self.codes[org], row["year"], row["seq"])
            seqs[(str(row["organization_id"]), row["year"])].append(row["seq"])
        for numbers in seqs.values():
            assert sorted(numbers) == list(range(1, len(numbers) + 1))

    @invariant()
    def timelines_are_ordered_and_statuses_match_their_last_event(self) -> None:
        appeals = {
            str(r["id"]): r["status"]
            for r in self._fetch(
                "SELECT id, status FROM appeal_appeal WHERE organization_id IN ({}, {})", *self.orgs
            )
        }
        entries = self._fetch(
            "SELECT t.id, t.appeal_id, t.kind, t.data, t.created_at FROM appeal_timeline t"
            " JOIN appeal_appeal a ON a.id = t.appeal_id WHERE a.organization_id IN ({}, {})"
            " ORDER BY t.id",
            *self.orgs,
        )
        last_status = {key: "new" for key in appeals}
        last_time: dict[str, Any] = {}
        for entry in entries:
            key = str(entry["appeal_id"])
            assert last_time.get(key, entry["created_at"]) <= entry["created_at"]
            last_time[key] = entry["created_at"]
            if entry["kind"] == "status_changed":
                data = entry["data"]
                last_status[key] = (json.loads(data) if isinstance(data, str) else data)["new"]
        assert last_status == appeals
        assert {str(k): m.status for k, m in self.model.items()} == appeals

    def _fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return self.app.run(current().db.fetch(sql, *args))


@pytest.fixture
def unionline_settings(unionline_database_url: str) -> Settings:
    data = msgspec.to_builtins(make_settings(unionline_database_url))
    data["appeals"] = {"reopen_window_days": WINDOW_DAYS}
    return msgspec.convert(data, settings_type({"appeals": AppealSettings}))


@pytest.mark.slow
def test_appeal_lifecycle_state_machine(unionline_settings: Settings) -> None:
    global APP
    APP = AppThread(unionline_settings)
    try:
        with use_clock(CLOCK):
            AppealLifecycle.TestCase.settings = settings(
                max_examples=15,
                stateful_step_count=30,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            )
            AppealLifecycle.TestCase().runTest()
        print("state machine branches:", dict(SEEN))
    finally:
        APP.close()
        APP = None
