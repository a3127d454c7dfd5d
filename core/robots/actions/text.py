"""Message templates of robot actions: ``{appeal.number}``-style placeholders, ru and en.

A deliberately small language: a placeholder names one of :data:`VARIABLES` and is replaced by
its text; ``{{`` and ``}}`` are literal braces. Nothing is evaluated and no attribute is looked up
on an object, so a rule's author cannot reach anything but these values. An unknown name is
refused when the rule is saved (the params Struct's ``__post_init__`` raises, the engine answers
422 naming the field).
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Annotated, Any

import msgspec

from unionline.appeals.store import AppealRow
from unionline.members.records import find_member
from unionline.operators import directory
from unionline.text import Text

log = logging.getLogger("unionline.robots.actions")

VARIABLES: dict[str, str] = {
    "appeal.number": "номер обращения / appeal number",
    "appeal.subject": "тема / subject",
    "appeal.status": "статус / status",
    "appeal.priority": "приоритет / priority",
    "member.name": "ФИО члена профсоюза / member's full name",
    "member.first_name": "имя (второе слово ФИО) / first name",
    "operator.name": "ответственный оператор / assigned operator",
    "organization.name": "организация / organization",
}
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_STRAY = re.compile(r"(?<!\{)\{(?!\{)|(?<!\})\}(?!\})")

MessageText = Annotated[Text, msgspec.Meta(min_length=1, max_length=4000)]


def names_in(template: str) -> list[str]:
    return [m.group(1) for m in _PLACEHOLDER.finditer(template) if m.group(1) is not None]


def check(template: str, where: str) -> None:
    """Raise ValueError naming the unknown placeholder (msgspec turns it into a 4xx)."""
    for name in names_in(template):
        if name.strip() not in VARIABLES:
            known = ", ".join("{" + v + "}" for v in VARIABLES)
            raise ValueError(f"{where}: unknown placeholder {{{name}}}; known: {known}")
    rest = _PLACEHOLDER.sub("", template)
    if _STRAY.search(rest):
        raise ValueError(f"{where}: a lone brace; write {{{{ or }}}} for a literal one")


def render(template: str, values: dict[str, str]) -> str:
    """Fill the placeholders; one with no value renders empty (logged)."""

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = (match.group(1) or "").strip()
        value = values.get(name)
        if value is None:
            log.warning("message template: no value for {%s}; rendered empty", name)
            return ""
        return value

    return _PLACEHOLDER.sub(fill, template)


class LocalizedText(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A message in Russian and, optionally, English; the member's locale picks one."""

    ru: MessageText
    en: Annotated[Text, msgspec.Meta(max_length=4000)] = ""

    def __post_init__(self) -> None:
        check(self.ru, "ru")
        check(self.en, "en")

    def pick(self, locale: str) -> str:
        return self.en if locale == "en" and self.en.strip() else self.ru


async def values_for(appeal: AppealRow | None, extra: dict[str, Any]) -> dict[str, str]:
    """The placeholder values of an appeal (read here, not trusted from the trigger)."""
    values: dict[str, str] = {}
    for key, value in extra.items():
        if key in VARIABLES and isinstance(value, str | int | float):
            values[key] = str(value)
    if appeal is None:
        return values
    values.update(
        {
            "appeal.number": appeal.number,
            "appeal.subject": appeal.subject,
            "appeal.status": appeal.status,
            "appeal.priority": appeal.priority,
        }
    )
    member = await find_member(appeal.member_id)
    name = member.full_name if member else ""
    values["member.name"] = name
    parts = name.split()
    values["member.first_name"] = parts[1] if len(parts) > 1 else (parts[0] if parts else "")
    values["operator.name"] = await directory.name_of(appeal.assignee_id)
    values["organization.name"] = await _name(
        "SELECT name FROM organization_organization WHERE id = {}", appeal.organization_id
    )
    return values


async def _name(sql: str, ident: uuid.UUID | None) -> str:
    from unionline.runtime import current

    if ident is None:
        return ""
    row = await current().db.fetchone(sql, ident)
    return str(row["name"]) if row else ""
