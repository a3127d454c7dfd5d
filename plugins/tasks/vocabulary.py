"""The task statuses, priorities and who may move a task where — written once, served to the
console (``GET /api/tasks/vocabulary``) and checked by the hypothesis state machine.

A task's people are *roles on it*: ``creator``, ``responsible``, ``coexecutor``, ``observer``,
and ``manager`` (someone holding ``tasks.manage`` over the task's organization). The creator's
acceptance step is optional per task: with ``acceptance`` on, the responsible's "done" is
``waiting_control`` until the creator accepts (done) or returns it (in progress).
"""

from __future__ import annotations

from typing import Literal

from unionline import Conflict, Forbidden

Status = Literal["new", "in_progress", "waiting_control", "done", "deferred", "declined"]
Priority = Literal["low", "normal", "high", "urgent"]
Role = Literal["creator", "responsible", "coexecutor", "observer", "manager"]

STATUSES: tuple[Status, ...] = (
    "new",
    "in_progress",
    "waiting_control",
    "done",
    "deferred",
    "declined",
)
OPEN: frozenset[str] = frozenset({"new", "in_progress", "waiting_control", "deferred"})
CLOSED: frozenset[str] = frozenset({"done", "declined"})
PRIORITIES: tuple[Priority, ...] = ("low", "normal", "high", "urgent")

LABELS: dict[str, tuple[str, str]] = {
    "new": ("Новая", "New"),
    "in_progress": ("В работе", "In progress"),
    "waiting_control": ("Ждёт контроля", "Waiting for control"),
    "done": ("Завершена", "Done"),
    "deferred": ("Отложена", "Deferred"),
    "declined": ("Отклонена", "Declined"),
}
PRIORITY_LABELS: dict[str, tuple[str, str]] = {
    "low": ("Низкий", "Low"),
    "normal": ("Обычный", "Normal"),
    "high": ("Высокий", "High"),
    "urgent": ("Срочный", "Urgent"),
}

# target status -> (statuses it may be reached from, roles that may do it)
_DOERS = frozenset({"responsible", "coexecutor", "manager", "creator"})
_OWNERS = frozenset({"creator", "manager"})
RULES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "in_progress": (frozenset({"new", "deferred"}), _DOERS),
    "done": (frozenset({"new", "in_progress"}), frozenset({"responsible", "manager", "creator"})),
    "deferred": (
        frozenset({"new", "in_progress"}),
        frozenset({"responsible", "manager", "creator"}),
    ),
    "declined": (
        frozenset({"new", "in_progress", "deferred"}),
        frozenset({"responsible", *_OWNERS}),
    ),
    "new": (frozenset({"declined"}), _OWNERS),
}
# The creator's step on a result waiting for control, and reopening what was closed.
CONTROL: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "done": (frozenset({"waiting_control"}), _OWNERS),
    "in_progress": (frozenset({"waiting_control", "done", "declined"}), _OWNERS),
}


def decide(current: str, target: str, roles: frozenset[str], acceptance: bool) -> str:
    """The status a task in ``current`` gets when someone with ``roles`` on it asks for
    ``target``; raises :class:`Forbidden` (not theirs to do) or :class:`Conflict` (not from
    here). Asking for "done" under acceptance, not being the creator or a manager, yields
    ``waiting_control``."""
    if target == current:
        raise Conflict(f"the task is {current} already", field="status")
    for table in (RULES, CONTROL):
        rule = table.get(target)
        if rule is None or current not in rule[0]:
            continue
        if not roles & rule[1]:
            raise Forbidden(
                f"moving a task to {target} is for {', '.join(sorted(rule[1]))}",
                field="status",
                extra={"status": target},
            )
        if target == "done" and acceptance and table is RULES and not roles & _OWNERS:
            return "waiting_control"
        return target
    raise Conflict(
        f"a task cannot go from {current} to {target}",
        field="status",
        extra={"status": current},
    )


def vocabulary() -> dict[str, object]:
    """What the console needs to draw statuses and priorities."""
    return {
        "statuses": [{"id": s, "ru": LABELS[s][0], "en": LABELS[s][1]} for s in STATUSES],
        "priorities": [
            {"id": p, "ru": PRIORITY_LABELS[p][0], "en": PRIORITY_LABELS[p][1]} for p in PRIORITIES
        ],
        "open": sorted(OPEN),
    }
