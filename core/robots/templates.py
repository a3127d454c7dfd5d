"""Ready rules a union office starts from: each a :class:`RuleTemplate` whose ``definition``
is a :class:`~unionline.robots.schemas.RuleDefinition` built from a few options (days, hours).

``rule(key, organization_id, **options)`` gives the body of ``POST /api/robots/rules``;
``GET /api/robots/templates`` lists them for the console. Texts are Russian first, English too.
A plugin's action offers its own (``RobotAction.templates``, e.g. the satisfaction survey's):
they are listed while the action is registered, after the core's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar import Controller, get

from unionline.robots.schemas import RuleCreate, RuleDefinition
from unionline.runtime import current
from unionline.web import CurrentActor

Builder = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class RuleTemplate:
    key: str
    title: dict[str, str]
    description: dict[str, str]
    build: Builder  # options -> the definition as JSON-like data
    options: dict[str, float] = field(default_factory=dict)  # name -> default

    def definition(self, **options: float) -> RuleDefinition:
        unknown = set(options) - set(self.options)
        if unknown:
            raise ValueError(f"template {self.key!r} has no option {sorted(unknown)[0]!r}")
        return msgspec.convert(self.build(**{**self.options, **options}), RuleDefinition)

    def rule(
        self, organization_id: uuid.UUID, *, name: str | None = None, **options: float
    ) -> RuleCreate:
        data = msgspec.to_builtins(self.definition(**options))
        return msgspec.convert(
            {
                **data,
                "organization_id": str(organization_id),
                "name": name or self.title["ru"],
                "description": self.description["ru"],
            },
            RuleCreate,
        )


def _send(ru: str, en: str) -> dict[str, Any]:
    return {"action": "member.send_message", "params": {"text": {"ru": ru, "en": en}}}


def _reachable() -> list[dict[str, Any]]:
    """Not an appeal an operator logged by hand or started by writing first, nor one from a
    channel that carries no replies (the site form, ``capabilities.text`` false): an automatic
    message goes only where it can arrive and is news. The channels are the enabled ones when
    the rule is made from the template."""
    silent = sorted(n for n, c in current().registry.channels.items() if not c.capabilities.text)
    return [
        {"kind": "not", "condition": {"kind": "channel", "values": ["manual", *silent]}},
        # An operator who writes first has opened and answered the appeal already.
        {"kind": "status", "values": ["new"]},
    ]


def _acknowledgement() -> dict[str, Any]:
    return {
        "trigger": {"kind": "event", "event_type": "appeal.created"},
        "conditions": {"kind": "all", "conditions": _reachable()},
        "actions": [
            _send(
                "Здравствуйте! Ваше обращение зарегистрировано под номером {appeal.number}. "
                "Мы ответим вам в этом же чате.",
                "Hello! Your appeal is registered as {appeal.number}. "
                "We will answer you in this chat.",
            )
        ],
    }


def _off_hours() -> dict[str, Any]:
    return {
        "trigger": {"kind": "event", "event_type": "appeal.created"},
        "conditions": {
            "kind": "all",
            "conditions": [*_reachable(), {"kind": "business_hours", "op": "outside"}],
        },
        "actions": [
            _send(
                "Сейчас нерабочее время. Ваше обращение {appeal.number} принято, "
                "специалист ответит в рабочие часы.",
                "We are out of office now. Your appeal {appeal.number} is received; "
                "a specialist will answer during working hours.",
            )
        ],
    }


def _sla_escalation() -> dict[str, Any]:
    return {
        "trigger": {"kind": "timer", "field": "resolution_due", "offset_minutes": 0},
        "actions": [
            {"action": "appeal.set_priority", "params": {"priority": "urgent"}},
            {"action": "appeal.add_tags", "params": {"tags": ["просрочено"]}},
            {
                "action": "operators.notify",
                "params": {
                    "to": ["supervisors", "assignee"],
                    "text": {
                        "ru": "Просрочен срок решения обращения {appeal.number} "
                        "«{appeal.subject}» (ответственный: {operator.name}).",
                        "en": "Appeal {appeal.number} ({appeal.subject}) is past its "
                        "resolution time (assigned to {operator.name}).",
                    },
                },
            },
        ],
    }


def _waiting_reminder(days: float) -> dict[str, Any]:
    return {
        "trigger": {
            "kind": "timer",
            "field": "status_since",
            "offset_minutes": round(days * 24 * 60),
            "statuses": ["waiting"],
        },
        "actions": [
            _send(
                "Напоминаем: по обращению {appeal.number} мы ждём вашего ответа. "
                "Просто ответьте на это сообщение.",
                "A reminder: we are waiting for your answer on appeal {appeal.number}. "
                "Just reply to this message.",
            )
        ],
    }


def _close_resolved(days: float) -> dict[str, Any]:
    return {
        "trigger": {
            "kind": "timer",
            "field": "status_since",
            "offset_minutes": round(days * 24 * 60),
            "statuses": ["resolved"],
        },
        "actions": [{"action": "appeal.set_status", "params": {"status": "closed"}}],
    }


TEMPLATES: dict[str, RuleTemplate] = {
    t.key: t
    for t in (
        RuleTemplate(
            "acknowledgement",
            {"ru": "Подтверждение с номером обращения", "en": "Acknowledgement with the number"},
            {
                "ru": "Отвечает члену профсоюза на новое обращение его номером.",
                "en": "Answers a new appeal with its number.",
            },
            _acknowledgement,
        ),
        RuleTemplate(
            "off_hours",
            {"ru": "Ответ в нерабочее время", "en": "Off-hours reply"},
            {
                "ru": "Новое обращение вне рабочих часов получает ответ, когда его ждать.",
                "en": "A new appeal outside working hours is told when to expect an answer.",
            },
            _off_hours,
        ),
        RuleTemplate(
            "sla_escalation",
            {"ru": "Эскалация руководителю при просрочке", "en": "Escalation on SLA breach"},
            {
                "ru": "Когда срок решения прошёл: срочный приоритет, метка «просрочено» и "
                "уведомление руководителям и ответственному.",
                "en": "When the resolution time has passed: urgent priority, an overdue tag "
                "and a notice to the supervisors and the assignee.",
            },
            _sla_escalation,
        ),
        RuleTemplate(
            "waiting_reminder",
            {"ru": "Напоминание, когда ждём ответа", "en": "Reminder while waiting"},
            {
                "ru": "Обращение ждёт ответа члена профсоюза N дней — напомнить ему.",
                "en": "The appeal has waited for the member for N days: remind them.",
            },
            _waiting_reminder,
            {"days": 3},
        ),
        RuleTemplate(
            "close_resolved",
            {"ru": "Закрыть решённые через N дней", "en": "Close resolved after N days"},
            {
                "ru": "Решённое обращение без новых сообщений закрывается через N дней.",
                "en": "A resolved appeal with no new messages is closed after N days.",
            },
            _close_resolved,
            {"days": 7},
        ),
    )
}


def available() -> dict[str, RuleTemplate]:
    """The core's templates, then those the registered actions offer (a key taken stays)."""
    found = dict(TEMPLATES)
    for action in current().registry.robots.values():
        for template in getattr(action, "templates", ()):
            found.setdefault(template.key, template)
    return found


def rule(key: str, organization_id: uuid.UUID, **options: Any) -> RuleCreate:
    """The rule of template ``key`` for ``organization_id`` (KeyError: no such template)."""
    return available()[key].rule(organization_id, **options)


# -- API ------------------------------------------------------------------------------------------


class TemplateView(msgspec.Struct, kw_only=True):
    key: str
    title: dict[str, str]
    description: dict[str, str]
    options: dict[str, float]  # option -> default, e.g. {"days": 7}
    definition: RuleDefinition  # with the defaults


def views() -> list[TemplateView]:
    return [
        TemplateView(
            key=t.key,
            title=t.title,
            description=t.description,
            options=dict(t.options),
            definition=t.definition(),
        )
        for t in available().values()
    ]


class RuleTemplatesController(Controller):
    path = "/api/robots/templates"
    tags = ("robots",)

    @get("/")
    async def list_rule_templates(self, actor: CurrentActor) -> list[TemplateView]:
        """Ready rules (acknowledgement, off-hours reply, escalation, reminder, closing, and
        those of plugins' actions, e.g. the satisfaction survey) with their options and
        defaults. Requires ``robots.read``."""
        actor.require("robots.read")
        return views()
