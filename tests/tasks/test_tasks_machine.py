"""The task status machine and the kanban ranks under hypothesis: any sequence of people
asking for any status moves a task only along the documented edges (docs/tasks.md), the
creator's acceptance is never skipped by the responsible, and what is refused changes nothing;
ranks stay ordered and short."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from unionline import Conflict, Forbidden
from unionline.plugins.tasks.ranks import between
from unionline.plugins.tasks.vocabulary import STATUSES, decide

ROLES = ("creator", "responsible", "coexecutor", "observer", "manager")
OWNERS = {"creator", "manager"}
WORKERS = {"responsible", "coexecutor", "creator", "manager"}
FINISHERS = {"responsible", "creator", "manager"}
# (from, to) -> who may: the table of docs/tasks.md, written out edge by edge.
EDGES = {
    ("new", "in_progress"): WORKERS,
    ("deferred", "in_progress"): WORKERS,
    ("new", "done"): FINISHERS,
    ("in_progress", "done"): FINISHERS,
    ("new", "deferred"): FINISHERS,
    ("in_progress", "deferred"): FINISHERS,
    ("new", "declined"): FINISHERS,
    ("in_progress", "declined"): FINISHERS,
    ("deferred", "declined"): FINISHERS,
    ("declined", "new"): OWNERS,
    ("waiting_control", "done"): OWNERS,
    ("waiting_control", "in_progress"): OWNERS,
    ("done", "in_progress"): OWNERS,
    ("declined", "in_progress"): OWNERS,
}


class TaskMachine(RuleBasedStateMachine):
    @initialize(acceptance=st.booleans())
    def start(self, acceptance: bool) -> None:
        self.status = "new"
        self.acceptance = acceptance
        self.trail: list[str] = ["new"]

    @rule(
        wanted=st.sampled_from(STATUSES),
        roles=st.frozensets(st.sampled_from(ROLES), max_size=3),
    )
    def ask(self, wanted: str, roles: frozenset[str]) -> None:
        allowed = EDGES.get((self.status, wanted))
        try:
            result = decide(self.status, wanted, roles, self.acceptance)
        except Forbidden:
            assert allowed is not None and not roles & allowed
            return
        except Conflict:
            assert allowed is None
            return
        assert allowed is not None and roles & allowed, (self.status, wanted, roles)
        if wanted == "done" and self.status != "waiting_control":
            expected = "waiting_control" if self.acceptance and not roles & OWNERS else "done"
            assert result == expected
        else:
            assert result == wanted
        self.status = result
        self.trail.append(result)

    @invariant()
    def acceptance_is_kept(self) -> None:
        assert self.status in STATUSES
        if not self.acceptance:
            assert "waiting_control" not in self.trail
        for before, after in zip(self.trail, self.trail[1:], strict=False):
            if after == "done" and self.acceptance and before != "waiting_control":
                # only an owner finishes directly under acceptance: the edge is theirs
                assert (before, "done") in EDGES


TestTaskMachine = TaskMachine.TestCase


@given(st.lists(st.tuples(st.integers(0, 10_000), st.booleans()), max_size=300))
def test_ranks_stay_ordered_and_short(moves: list[tuple[int, bool]]) -> None:
    """Cards put anywhere in a column keep a strict order; a thousand appends (every recurring
    task lands at the end of «Новая») stay a few characters long."""
    column: list[str] = []
    for where, at_end in moves:
        i = len(column) if at_end else where % (len(column) + 1)
        before = column[i - 1] if i > 0 else None
        after = column[i] if i < len(column) else None
        rank = between(before, after)
        assert (before is None or before < rank) and (after is None or rank < after)
        column.insert(i, rank)
    last = column[-1] if column else None
    for _ in range(1000):
        last = between(last, None)
    assert last is not None and len(last) <= 6
