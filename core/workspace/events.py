"""Workspace events: an operator's console learns of a new notification at once."""

from __future__ import annotations

import uuid

from unionline.events import Event


class Notified(Event, tag="workspace.notified"):
    """A notification was stored for ``operator_id`` (the appeal's organization decides who
    receives the event; consoles other than that operator's ignore it)."""

    operator_id: uuid.UUID
    notification_id: uuid.UUID
    kind: str
