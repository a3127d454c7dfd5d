"""Unionline: a plugin-based omnichannel contact center for trade unions.

This module is the public API for plugin authors; anything not re-exported here may change.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from unionline.access import Actor, Grant
from unionline.errors import (
    AuthFailed,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    NotReady,
    PermanentFailure,
    ServiceError,
    Unauthorized,
    UnsupportedUpdate,
)
from unionline.events import Event
from unionline.hookspecs import hookimpl
from unionline.jobs import JobContext
from unionline.runtime import current, enqueue, enqueue_daily, publish
from unionline.settings import Settings

if TYPE_CHECKING:
    from litestar import Litestar

__all__ = [
    "Actor",
    "AuthFailed",
    "Conflict",
    "Event",
    "Forbidden",
    "Grant",
    "Invalid",
    "JobContext",
    "NotFound",
    "NotReady",
    "PermanentFailure",
    "ServiceError",
    "Settings",
    "Unauthorized",
    "UnsupportedUpdate",
    "current",
    "enqueue",
    "enqueue_daily",
    "hookimpl",
    "publish",
    "record_audit",
    "signal_appeal",
]


def create_app(*args: Any, **kwargs: Any) -> Litestar:
    """Build the Litestar app (see :func:`unionline.app.create_app`)."""
    from unionline.app import create_app as build

    return build(*args, **kwargs)


async def record_audit(
    actor: Actor | None,
    action: str,
    subject_kind: str,
    subject_id: object,
    organization_id: uuid.UUID | None,
    *,
    request: Any = None,
) -> None:
    """Record a read or change of personal data in the audit log (never the data itself), e.g.
    ``await record_audit(actor, "member.read", "member", member_id, organization_id)``.

    See :func:`unionline.audit.services.record` and docs/api.md (Audit log).
    """
    from unionline.audit.services import record

    await record(actor, action, subject_kind, subject_id, organization_id, request=request)


async def signal_appeal(appeal_id: uuid.UUID, signal: str, data: dict[str, Any]) -> bool:
    """Tell the consoles that may see the appeal something passing, e.g. that the member is
    typing: ``await signal_appeal(appeal_id, "member_typing", {"on": True})``. Not stored, not
    replayed; consoles get ``{"type": "signal", "signal": …, "data": {…, "appeal_id"}}``. The
    console's own names (``typing``, ``viewing``, ``presence``) are refused. False when there is
    no such appeal.

    See :func:`unionline.console.signals.signal_appeal` and docs/console-protocol.md.
    """
    from unionline.console.signals import signal_appeal as send

    return await send(appeal_id, signal, data)
