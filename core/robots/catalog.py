"""What the visual rule builder offers, described by the server (``GET /api/robots/catalog``).

Built from the registries at request time, so a plugin's events and robot actions appear as
soon as the plugin is enabled: triggers (events with human names, timer fields), condition kinds
with their operators and the kind of value each takes, and actions with one entry per parameter
(its label and the control that edits it). Labels are Russian first, with English.

A plugin names its things for the builder with class attributes: an event class may set
``label = {"ru": ..., "en": ...}``; a robot action sets ``title`` and ``labels``: a label per
parameter (``"text"``) and per value of a parameter with choices (``"to=assignee"``). Without
them the builder shows the dotted name.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from unionline.events import event_type_name
from unionline.robots.schemas import LEAF_KINDS
from unionline.runtime import current

Label = dict[str, str]

Widget = Literal[
    "text",  # one line
    "number",
    "boolean",
    "choice",  # one of ``choices``
    "choices",  # any of ``choices``
    "lines",  # a list of strings, one per line (tags)
    "localized_text",  # {"ru": ..., "en": ...}
    "status",
    "priority",
    "queue",
    "operator",
    "operators",
    "json",  # anything else: the JSON of the value
]

ValueKind = Literal[
    "none", "text", "lines", "statuses", "priorities", "channels", "queues", "organizations"
]


class Choice(msgspec.Struct, kw_only=True):
    value: str
    label: Label


class EventInfo(msgspec.Struct, kw_only=True):
    type: str
    label: Label


class ConditionInfo(msgspec.Struct, kw_only=True):
    """A leaf condition: its operators, the value it compares with, and for ``member`` the
    member's fields, for ``text`` where the text is looked for."""

    kind: str
    label: Label
    ops: list[Choice]
    value: ValueKind
    fields: list[Choice] = msgspec.field(default_factory=list)
    sources: list[Choice] = msgspec.field(default_factory=list)


class ParamInfo(msgspec.Struct, kw_only=True):
    name: str
    label: Label
    widget: Widget
    required: bool
    choices: list[Choice] = msgspec.field(default_factory=list)
    default: Any = None


class ActionEntry(msgspec.Struct, kw_only=True):
    name: str
    title: Label
    plugin: str
    params: list[ParamInfo]
    params_schema: dict[str, Any]


class Catalog(msgspec.Struct, kw_only=True):
    events: list[EventInfo]
    timer_fields: list[Choice]
    groups: list[Choice]  # all / any
    conditions: list[ConditionInfo]
    actions: list[ActionEntry]


def _l(ru: str, en: str) -> Label:
    return {"ru": ru, "en": en}


EVENT_LABELS: dict[str, Label] = {
    "appeal.created": _l("Новое обращение", "A new appeal"),
    "appeal.message_in": _l("Сообщение от члена профсоюза", "A message from the member"),
    "appeal.message_out": _l("Ответ оператора", "An operator's reply"),
    "appeal.message_updated": _l(
        "Сообщение изменено или дополнено", "A member's message was edited or completed"
    ),
    "appeal.note_added": _l("Внутренняя заметка", "An internal note"),
    "appeal.status_changed": _l("Изменился статус обращения", "The appeal's status changed"),
    "appeal.priority_changed": _l("Изменился приоритет", "The priority changed"),
    "appeal.tags_changed": _l("Изменились метки", "The tags changed"),
    "appeal.assigned": _l("Обращение назначено оператору", "The appeal was assigned"),
    "appeal.updated": _l("Обращение изменено", "The appeal was changed"),
    "appeal.delivery_updated": _l("Изменился статус доставки", "A delivery status changed"),
    "appeal.linked": _l("Обращения связаны", "Appeals were linked"),
    "appeal.merged": _l("Обращения объединены", "Appeals were merged"),
    "member.created": _l("Новый член профсоюза", "A new member"),
    "member.updated": _l("Карточка члена профсоюза изменена", "A member's card changed"),
    "member.merged": _l("Карточки объединены", "Members were merged"),
    "member.imported": _l("Импорт членов профсоюза", "Members were imported"),
    "privacy.member_erased": _l("Данные члена профсоюза удалены", "A member's data was erased"),
    "routing.offered": _l("Обращение предложено оператору", "An appeal was offered"),
    "routing.offer_closed": _l("Предложение обращения закрыто", "An offer was closed"),
    "routing.queue_changed": _l("Обращение сменило очередь", "The appeal's queue changed"),
    "channel.account_changed": _l("Изменён канал связи", "A channel account changed"),
    "channel.account_needs_reauth": _l(
        "Каналу нужна повторная авторизация", "A channel account needs signing in again"
    ),
    "robots.rule_executed": _l("Правило робота выполнено", "A robot rule ran"),
    "robots.rule_blocked": _l("Правило остановлено защитой", "The loop guard stopped a rule"),
    "robots.operators_notified": _l("Робот уведомил операторов", "A robot notified operators"),
    "robots.noted": _l("Запись робота в обращении", "A robot wrote on an appeal"),
    "settings.changed": _l("Изменены настройки", "Settings changed"),
    "system.job_dead": _l("Фоновая задача не выполнена", "A background job failed for good"),
    "workspace.notified": _l("Уведомление оператору", "An operator was notified"),
}

TIMER_FIELDS = [
    Choice(value="status_since", label=_l("с последней смены статуса", "since the status changed")),
    Choice(
        value="last_member_message_at",
        label=_l("с последнего сообщения заявителя", "since the member's last message"),
    ),
    Choice(
        value="last_operator_message_at",
        label=_l("с последнего ответа оператора", "since the last operator reply"),
    ),
    Choice(
        value="first_response_due",
        label=_l("от срока первого ответа", "from the first-response due time"),
    ),
    Choice(value="resolution_due", label=_l("от срока решения", "from the resolution due time")),
    Choice(value="created_at", label=_l("с создания обращения", "since the appeal was created")),
]

_IN = [
    Choice(value="in", label=_l("один из", "is one of")),
    Choice(value="not_in", label=_l("не из", "is not one of")),
]

CONDITIONS = [
    ConditionInfo(
        kind="text",
        label=_l("Текст", "Text"),
        ops=[
            Choice(value="contains", label=_l("содержит", "contains")),
            Choice(value="not_contains", label=_l("не содержит", "does not contain")),
            Choice(value="matches", label=_l("подходит под шаблон", "matches the pattern")),
            Choice(
                value="not_matches",
                label=_l("не подходит под шаблон", "does not match the pattern"),
            ),
        ],
        value="text",
        sources=[
            Choice(value="message", label=_l("сообщения", "of the message")),
            Choice(value="subject", label=_l("темы обращения", "of the subject")),
            Choice(value="any", label=_l("сообщения или темы", "of the message or subject")),
        ],
    ),
    ConditionInfo(kind="channel", label=_l("Канал", "Channel"), ops=_IN, value="channels"),
    ConditionInfo(kind="status", label=_l("Статус", "Status"), ops=_IN, value="statuses"),
    ConditionInfo(
        kind="priority",
        label=_l("Приоритет", "Priority"),
        ops=[
            *_IN,
            Choice(value="at_least", label=_l("не ниже", "at least")),
            Choice(value="at_most", label=_l("не выше", "at most")),
        ],
        value="priorities",
    ),
    ConditionInfo(
        kind="tags",
        label=_l("Метки", "Tags"),
        ops=[
            Choice(value="any", label=_l("есть любая из", "has any of")),
            Choice(value="all", label=_l("есть все", "has all of")),
            Choice(value="none", label=_l("нет ни одной из", "has none of")),
        ],
        value="lines",
    ),
    ConditionInfo(kind="queue", label=_l("Очередь", "Queue"), ops=_IN, value="queues"),
    ConditionInfo(
        kind="organization", label=_l("Организация", "Organization"), ops=_IN, value="organizations"
    ),
    ConditionInfo(
        kind="member",
        label=_l("Член профсоюза", "Member"),
        ops=[
            Choice(value="equals", label=_l("равно", "equals")),
            Choice(value="not_equals", label=_l("не равно", "does not equal")),
            Choice(value="contains", label=_l("содержит", "contains")),
            Choice(value="is_empty", label=_l("не заполнено", "is empty")),
            Choice(value="is_set", label=_l("заполнено", "is set")),
        ],
        value="text",
        fields=[
            Choice(value="status", label=_l("статус членства", "membership status")),
            Choice(value="employer", label=_l("работодатель", "employer")),
            Choice(value="position", label=_l("должность", "position")),
            Choice(value="card_number", label=_l("номер билета", "card number")),
        ],
    ),
    ConditionInfo(
        kind="business_hours",
        label=_l("Рабочее время", "Business hours"),
        ops=[
            Choice(value="within", label=_l("сейчас рабочее время", "now within")),
            Choice(value="outside", label=_l("сейчас нерабочее время", "now outside")),
        ],
        value="none",
    ),
]
assert {c.kind for c in CONDITIONS} == set(LEAF_KINDS)

GROUPS = [
    Choice(value="all", label=_l("все условия", "all of the conditions")),
    Choice(value="any", label=_l("любое из условий", "any of the conditions")),
]


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = root.get("$defs", {})[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _widget(name: str, spec: dict[str, Any], root: dict[str, Any]) -> tuple[Widget, list[str]]:
    """The control for one parameter, from its JSON schema (and a few well-known names)."""
    options = [_resolve(s, root) for s in spec.get("anyOf", [spec])]
    main = [s for s in options if s.get("type") != "null"] or options
    spec = main[0] if len(main) == 1 else spec
    props = set(spec.get("properties", {}))
    if props and props <= {"ru", "en"} and "ru" in props:
        return "localized_text", []
    if name in ("status", "priority") and "enum" in spec:
        return name, []  # type: ignore[return-value]
    if spec.get("format") == "uuid" and name in ("queue_id", "operator_id"):
        return ("queue" if name == "queue_id" else "operator"), []
    if "enum" in spec:
        return "choice", [str(v) for v in spec["enum"]]
    kind = spec.get("type")
    if kind == "array":
        items = _resolve(spec.get("items", {}), root)
        if name == "operator_ids" and items.get("format") == "uuid":
            return "operators", []
        if "enum" in items:
            return "choices", [str(v) for v in items["enum"]]
        if items.get("type") == "string":
            return "lines", []
    if kind in ("integer", "number"):
        return "number", []
    if kind == "boolean":
        return "boolean", []
    if kind == "string":
        return "text", []
    return "json", []


def _params(action: Any) -> tuple[list[ParamInfo], dict[str, Any]]:
    root = msgspec.json.schema(action.params)
    schema = _resolve(root, root)
    required = set(schema.get("required", []))
    labels: dict[str, Label] = dict(getattr(action, "labels", {}) or {})
    found = []
    for name, prop in schema.get("properties", {}).items():
        widget, values = _widget(name, prop, root)
        spec = _resolve(prop, root)
        choices = [Choice(value=v, label=labels.get(f"{name}={v}") or _l(v, v)) for v in values]
        found.append(
            ParamInfo(
                name=name,
                label=labels.get(name) or _l(name, name),
                widget=widget,
                required=name in required,
                choices=choices,
                default=spec.get("default", prop.get("default")),
            )
        )
    return found, root


def _event_label(kind: type) -> Label:
    name = event_type_name(kind)
    own = getattr(kind, "label", None)
    if isinstance(own, dict) and own.get("ru"):
        return dict(own)
    return EVENT_LABELS.get(name) or _l(name, name)


def build() -> Catalog:
    registry = current().registry
    events = sorted(
        {event_type_name(k): k for k in registry.events.values()}.items(),
        key=lambda item: (not item[0].startswith("appeal."), item[0]),
    )
    actions = []
    for name, action in sorted(registry.robots.items()):
        params, schema = _params(action)
        actions.append(
            ActionEntry(
                name=name,
                title=dict(getattr(action, "title", {}) or _l(name, name)),
                plugin=registry.owners.get(("robot action", name), ""),
                params=params,
                params_schema=schema,
            )
        )
    return Catalog(
        events=[EventInfo(type=name, label=_event_label(kind)) for name, kind in events],
        timer_fields=TIMER_FIELDS,
        groups=GROUPS,
        conditions=CONDITIONS,
        actions=actions,
    )
