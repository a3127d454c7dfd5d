"""Validation of the editable appeal fields: priority, tags, custom fields, subject."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from unionline.appeals.statuses import PRIORITIES
from unionline.errors import Invalid
from unionline.runtime import current

MAX_TAGS = 50
MAX_TAG_LENGTH = 100
MAX_SUBJECT = 500
MAX_CUSTOM_BYTES = 16_384


def plain(value: str) -> str:
    """Text as PostgreSQL can store it: NUL characters dropped (SQLite would keep them)."""
    return value.replace("\x00", "")


def priority(value: str) -> str:
    if value not in PRIORITIES:
        raise Invalid(f"priority must be one of {', '.join(PRIORITIES)}", field="priority")
    return value


def tags(values: Iterable[str]) -> list[str]:
    """Trimmed, lower-cased, spaces collapsed, duplicates dropped (first order kept)."""
    out: list[str] = []
    for i, raw in enumerate(values):
        if not isinstance(raw, str):
            raise Invalid("a tag must be a string", field=f"tags[{i}]")
        tag = " ".join(plain(raw).split()).lower()
        if not tag or len(tag) > MAX_TAG_LENGTH:
            raise Invalid(f"a tag has 1 to {MAX_TAG_LENGTH} characters", field=f"tags[{i}]")
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise Invalid(f"at most {MAX_TAGS} tags", field="tags")
    return out


def custom(values: dict[str, Any] | None) -> dict[str, Any]:
    values = dict(values or {})
    try:
        size = len(json.dumps(values, ensure_ascii=False).encode())
    except (TypeError, ValueError):
        raise Invalid("custom fields must be JSON", field="custom") from None
    if size > MAX_CUSTOM_BYTES:
        raise Invalid(f"custom fields take at most {MAX_CUSTOM_BYTES} bytes", field="custom")
    return values


def subject(value: str) -> str:
    value = " ".join(plain(value).split())
    if len(value) > MAX_SUBJECT:
        raise Invalid(f"subject has at most {MAX_SUBJECT} characters", field="subject")
    return value


def subject_from_text(text: str) -> str:
    """A subject for an appeal a member started by writing: the start of the first line."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    first = " ".join(first.split())
    return first if len(first) <= 100 else first[:99] + "…"


async def write_tags(appeal_id: uuid.UUID, values: list[str]) -> None:
    """Mirror the appeal's tags into appeal_tag (for filtering)."""
    db = current().db
    await db.execute("DELETE FROM appeal_tag WHERE appeal_id = {}", appeal_id)
    for tag in values:
        await db.execute(
            "INSERT INTO appeal_tag (id, appeal_id, tag) VALUES ({}, {}, {})",
            uuid.uuid4(),
            appeal_id,
            tag,
        )
