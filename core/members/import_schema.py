"""What an import file may contain and what an import reports."""

from __future__ import annotations

from collections.abc import Callable

import msgspec

# Canonical column names and the headers accepted for them (compared lower-cased).
MEMBER_COLUMNS: dict[str, tuple[str, ...]] = {
    "org_code": ("org_code", "organization", "org", "код организации", "организация"),
    "full_name": ("full_name", "name", "фио", "имя"),
    "card_number": ("card_number", "card", "номер билета", "билет"),
    "phone": ("phone", "телефон"),
    "email": ("email", "e-mail", "почта"),
    "telegram": ("telegram", "телеграм"),
    "vk": ("vk", "вконтакте"),
    "status": ("status", "статус"),
    "employer": ("employer", "работодатель"),
    "position": ("position", "должность"),
}
ORGANIZATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "org_code", "код"),
    "name": ("name", "название"),
    "parent_code": ("parent_code", "parent", "код родителя", "родитель"),
    "kind": ("kind", "тип"),
}
CONTACT_COLUMNS = ("phone", "email", "telegram", "vk")
STATUS_ALIASES = {
    "заявитель": "applicant",
    "член": "member",
    "член профсоюза": "member",
    "приостановлен": "suspended",
    "выбыл": "left",
    "не член": "not_member",
}
KIND_ALIASES = {"федерация": "federation", "комитет": "committee", "первичная": "primary"}

# progress(phase, done, total); phases: "checking", "writing".
Progress = Callable[[str, int, int], None]


class RowError(msgspec.Struct, kw_only=True):
    row: int  # spreadsheet row number; the header is row 1
    column: str  # canonical column name, or "" for the whole row
    reason: str


class ImportReport(msgspec.Struct, kw_only=True):
    kind: str  # "members" or "organizations"
    format: str
    dry_run: bool
    skip_invalid: bool
    total_rows: int = 0
    valid_rows: int = 0
    invalid_rows: int = 0
    created: int = 0  # what was (or, on a dry run or refusal, would be) created
    updated: int = 0
    unchanged: int = 0
    imported: bool = False  # whether anything was written
    errors: list[RowError] = msgspec.field(default_factory=list)


def map_columns(
    header: list[str], spec: dict[str, tuple[str, ...]]
) -> tuple[dict[str, int], list[RowError]]:
    """Column index per canonical name, and errors for unknown or repeated headers."""
    aliases = {alias: name for name, names in spec.items() for alias in names}
    found: dict[str, int] = {}
    errors: list[RowError] = []
    for index, title in enumerate(header):
        if not title:
            continue
        name = aliases.get(title)
        if name is None:
            known = ", ".join(spec)
            errors.append(RowError(row=1, column=title, reason=f"unknown column; known: {known}"))
        elif name in found:
            errors.append(RowError(row=1, column=name, reason="column appears twice"))
        else:
            found[name] = index
    return found, errors
