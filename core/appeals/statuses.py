"""The appeal statuses, written once: their names, order, moves and labels.

Everything that speaks of appeal statuses imports them from here — the lifecycle, search,
routing, robots, satisfaction — and the console receives them from the server
(``/console/vocabulary.json``) instead of keeping a copy.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "ACTIVE",
    "DONE",
    "LABELS",
    "PRIORITIES",
    "PRIORITY_LABELS",
    "STATUSES",
    "TRANSITIONS",
    "Priority",
    "Status",
]

Status = Literal["new", "open", "waiting", "resolved", "closed"]
STATUSES: tuple[Status, ...] = get_args(Status)
# Being worked on (a member's message attaches to these), and out of the operators' queues.
ACTIVE: tuple[Status, ...] = ("new", "open", "waiting")
DONE: tuple[Status, ...] = ("resolved", "closed")
# ACTIVE as an SQL list, for the core's statements that name the statuses inline (not part of
# the plugins' face: plugins filter through the services).
ACTIVE_SQL = "(" + ", ".join(f"'{status}'" for status in ACTIVE) + ")"
# What an operator may move an appeal to from each status (anything else is a 409). Member
# replies move appeals too: waiting → open, resolved → open (a reopen); closed is terminal.
TRANSITIONS: dict[str, tuple[Status, ...]] = {
    "new": ("open", "waiting", "resolved", "closed"),
    "open": ("waiting", "resolved", "closed"),
    "waiting": ("open", "resolved", "closed"),
    "resolved": ("open", "closed"),  # resolved → open is a reopen
    "closed": (),
}
LABELS: dict[str, dict[Status, str]] = {
    "ru": {
        "new": "Новое",
        "open": "В работе",
        "waiting": "Ждём ответа",
        "resolved": "Решено",
        "closed": "Закрыто",
    },
    "en": {
        "new": "New",
        "open": "Open",
        "waiting": "Waiting",
        "resolved": "Resolved",
        "closed": "Closed",
    },
}

Priority = Literal["low", "normal", "high", "urgent"]
PRIORITIES: tuple[Priority, ...] = get_args(Priority)
PRIORITY_LABELS: dict[str, dict[Priority, str]] = {
    "ru": {"low": "Низкий", "normal": "Обычный", "high": "Высокий", "urgent": "Срочный"},
    "en": {"low": "Low", "normal": "Normal", "high": "High", "urgent": "Urgent"},
}
