"""Unionline: a plugin-based omnichannel contact center for trade unions.

This module is the public face for plugins, with a few SDK modules beside it:
``unionline.registry`` (what the ``register_*`` hooks are handed), ``unionline.web`` (HTTP glue),
``unionline.rows`` (typed rows), ``unionline.channel`` (the channel SDK), ``unionline.robots.sdk``
(robot actions), ``unionline.calendar`` (working days), ``unionline.appeals.statuses`` (the appeal
statuses) and ``unionline.testing``. First-party plugins import nothing else of ``unionline``
(tests/test_architecture.py); a change to a name in these modules' ``__all__`` is a changelog
entry (docs/plugin-api.md, CHANGELOG.md). Anything else may change.
"""

from __future__ import annotations

import importlib
import uuid
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from unionline.access import Actor, Grant, Scope, filter_scope, scope_for
from unionline.appeals.clock import now
from unionline.calendar_sources import (
    CalendarItem,
    CalendarQuery,
    CalendarSource,
    MeetingSubject,
    SubjectSource,
    add_calendar_source,
    add_subject_source,
    calendar_sources,
    subject_sources,
)
from unionline.cli import booted, config_of, run_async
from unionline.errors import (
    AuthFailed,
    ConfigError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    NotHere,
    NotReady,
    PermanentFailure,
    ServiceError,
    Unauthorized,
    UnsupportedUpdate,
)
from unionline.events import Event
from unionline.hookspecs import hookimpl
from unionline.jobs import JobContext
from unionline.jobs.periodic import PeriodicJob, enqueue_daily
from unionline.lease import Lease
from unionline.privacy.sections import PersonalDataSection, add_personal_data_section
from unionline.renewal import renewing
from unionline.report_metrics import (
    MetricQuery,
    MetricRow,
    MetricSource,
    ReportMetric,
    add_metric_source,
    metric_sources,
)
from unionline.runtime import current, enqueue, publish
from unionline.settings import Settings
from unionline.spi import (
    AppealSummary,
    IdentityClaim,
    OutboundDraft,
    RoutingCandidate,
    RoutingDecision,
    RoutingHold,
    RoutingRequest,
)
from unionline.text import WHITE_SPACE, Text, TextQuery, storable, without_nul

if TYPE_CHECKING:
    from litestar import Litestar

    from unionline.appeals.actions import add_reply as reply_to_member
    from unionline.appeals.config import AppealSettings, appeal_settings
    from unionline.appeals.messages import AppealMessage, appeal_messages
    from unionline.appeals.store import AppealRow
    from unionline.appeals.store import load as load_appeal
    from unionline.operators.services import actor_for
    from unionline.organizations.services import ancestors as organization_ancestors
    from unionline.organizations.services import subtree_ids
    from unionline.robots.mail import MailAttachment, mail_configured, send_mail
    from unionline.workspace.notifications import notify_operator

_S = TypeVar("_S", bound=msgspec.Struct)

__all__ = [
    "WHITE_SPACE",
    "Actor",
    "AppealMessage",
    "AppealRow",
    "AppealSettings",
    "AppealSummary",
    "AuthFailed",
    "CalendarItem",
    "CalendarQuery",
    "CalendarSource",
    "ConfigError",
    "Conflict",
    "Event",
    "Forbidden",
    "Grant",
    "IdentityClaim",
    "Invalid",
    "JobContext",
    "Lease",
    "MailAttachment",
    "MeetingSubject",
    "MetricQuery",
    "MetricRow",
    "MetricSource",
    "NotFound",
    "NotHere",
    "NotReady",
    "OutboundDraft",
    "PeriodicJob",
    "PermanentFailure",
    "PersonalDataSection",
    "ReportMetric",
    "RoutingCandidate",
    "RoutingDecision",
    "RoutingHold",
    "RoutingRequest",
    "Scope",
    "ServiceError",
    "Settings",
    "SubjectSource",
    "Text",
    "TextQuery",
    "Unauthorized",
    "UnsupportedUpdate",
    "actor_for",
    "add_calendar_source",
    "add_metric_source",
    "add_personal_data_section",
    "add_subject_source",
    "appeal_messages",
    "appeal_settings",
    "booted",
    "calendar_sources",
    "config_of",
    "create_app",
    "current",
    "enqueue",
    "enqueue_daily",
    "filter_scope",
    "hookimpl",
    "load_appeal",
    "mail_configured",
    "metric_sources",
    "notify_operator",
    "now",
    "organization_ancestors",
    "publish",
    "read_settings",
    "record_audit",
    "renewing",
    "reply_to_member",
    "routing_hold_changed",
    "run_async",
    "scope_for",
    "send_mail",
    "signal_appeal",
    "storable",
    "subject_sources",
    "subtree_ids",
    "without_nul",
]

# Domain services the face names without importing them up front (importing ``unionline``
# happens before any of its modules): module, attribute.
_LAZY = {
    "AppealSettings": ("unionline.appeals.config", "AppealSettings"),
    "appeal_settings": ("unionline.appeals.config", "appeal_settings"),
    "actor_for": ("unionline.operators.services", "actor_for"),
    "MailAttachment": ("unionline.robots.mail", "MailAttachment"),
    "mail_configured": ("unionline.robots.mail", "mail_configured"),
    "send_mail": ("unionline.robots.mail", "send_mail"),
    "AppealMessage": ("unionline.appeals.messages", "AppealMessage"),
    "appeal_messages": ("unionline.appeals.messages", "appeal_messages"),
    "organization_ancestors": ("unionline.organizations.services", "ancestors"),
    "AppealRow": ("unionline.appeals.store", "AppealRow"),
    "load_appeal": ("unionline.appeals.store", "load"),
    "notify_operator": ("unionline.workspace.notifications", "notify_operator"),
    "reply_to_member": ("unionline.appeals.actions", "add_reply"),
    "subtree_ids": ("unionline.organizations.services", "subtree_ids"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'unionline' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


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


async def routing_hold_changed(operator_id: uuid.UUID) -> None:
    """Tell routing that your ``routing_holds`` answer for an operator changed (a break began,
    a workday started); call it in the transaction that changes it. Held now: their pending
    offers go to others at once (and, held as ``gone``, their unanswered appeals of queues with
    ``requeue_when_offline``). Free again: waiting appeals are routed to them at once.

    See docs/plugin-hooks.md (``routing_holds``) and docs/routing.md.
    """
    from unionline.routing.presence import hold_changed

    await hold_changed(operator_id)


async def read_settings(kind: type[_S]) -> _S:
    """The current values of the settings form registered with ``kind`` (``register.settings``
    in ``register_console_assets``): the Struct's defaults, then the plugin's config-file section
    of the same Struct, then what an administrator saved in the console (secrets decrypted).
    One query; raises ``NotReady`` while a field without a default has no value yet.

    See docs/writing-plugins.md ("Console pages and settings").
    """
    from unionline.plugin_settings.services import read

    return await read(kind)
