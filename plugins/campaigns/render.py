"""Filling a campaign's message for one member: ``{{ name }}`` variables from the member's and
organization's data, Russian plural forms (``{{ years | plural:год,года,лет }}``) and the SMS
parts the text takes (the channel SDK's counter)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import msgspec

from unionline import current
from unionline.channel import sms_parts as count_sms

_VAR = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*(?:\|\s*plural\s*:\s*([^}]*?))?\s*\}\}")


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form for ``n``: 1 год, 2 года, 5 лет, 11 лет, 21 год."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def fill(template: str, values: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        value = values.get(match.group(1), "")
        forms = match.group(2)
        if forms is None:
            return value
        words = [w.strip() for w in forms.split(",")]
        try:
            n = int(value)
        except ValueError:
            return value
        if len(words) != 3:
            return value
        return f"{n} {plural(n, *words)}"

    return _VAR.sub(one, template)


def sms_parts(text: str) -> tuple[int, int]:
    """(parts, units) of the SMS ``text`` is sent as — the SMS channels' own count
    (``unionline.channel.sms_parts``), so the preview says what the send takes."""
    parts = count_sms(text)
    return parts.count, parts.units


class _MemberData(msgspec.Struct):
    id: uuid.UUID
    full_name: str
    card_number: str | None
    employer: str
    position: str
    custom_fields: dict[str, Any]
    organization: str


async def member_values(member_id: uuid.UUID) -> dict[str, str]:
    row = await current().db.fetch_one_as(
        _MemberData,
        "SELECT m.id, m.full_name, m.card_number, m.employer, m.position, m.custom_fields,"
        " COALESCE(o.name, '') AS organization FROM member_member m"
        " LEFT JOIN organization_organization o ON o.id = m.organization_id WHERE m.id = {}",
        member_id,
    )
    if row is None:
        return {}
    return values_of(row)


async def values_of_members(member_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, str]]:
    """:func:`member_values` of many members in one statement (a sending batch)."""
    marks = ", ".join("{}" for _ in member_ids)
    rows = await current().db.fetch_as(
        _MemberData,
        "SELECT m.id, m.full_name, m.card_number, m.employer, m.position, m.custom_fields,"
        " COALESCE(o.name, '') AS organization FROM member_member m LEFT JOIN"
        f" organization_organization o ON o.id = m.organization_id WHERE m.id IN ({marks})",
        *member_ids,
    )
    return {r.id: values_of(r) for r in rows}


def values_of(row: _MemberData) -> dict[str, str]:
    parts = row.full_name.split()
    # «Фамилия Имя Отчество»: the name is the second word when there are three.
    first = parts[1] if len(parts) == 3 else (parts[0] if parts else "")
    values = {
        "full_name": row.full_name,
        "first_name": first,
        "name_patronymic": " ".join(parts[1:]) if len(parts) == 3 else row.full_name,
        "card_number": row.card_number or "",
        "employer": row.employer,
        "position": row.position,
        "organization": row.organization,
    }
    for key, value in row.custom_fields.items():
        if isinstance(value, str | int | float):
            values[f"custom.{key}"] = str(value)
    return values
