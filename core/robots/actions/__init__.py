"""The core robot actions; the robots engine registers :data:`CORE_ACTIONS` with
``register_robots``, exactly as a plugin registers its own."""

from __future__ import annotations

from unionline.robots.actions.appeal import (
    AddNote,
    AddTags,
    Assign,
    RemoveTags,
    SetPriority,
    SetStatus,
    Transfer,
)
from unionline.robots.actions.flow import Stop, Wait
from unionline.robots.actions.member import SendMessage
from unionline.robots.actions.notify import NotifyOperators
from unionline.robots.actions.webhook import CallWebhook
from unionline.robots.sdk import RobotAction

CORE_ACTIONS: tuple[RobotAction, ...] = (
    SendMessage(),
    AddNote(),
    Assign(),
    Transfer(),
    SetStatus(),
    SetPriority(),
    AddTags(),
    RemoveTags(),
    NotifyOperators(),
    CallWebhook(),
    Wait(),
    Stop(),
)

__all__ = ["CORE_ACTIONS"]
