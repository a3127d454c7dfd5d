"""A line's extensions and the union's operators: «101 = ivanova» in the line's settings."""

from __future__ import annotations

import uuid
from typing import Any

from unionline import current
from unionline.channels.phone.settings import extensions


async def operator_ids(config: Any, wanted: list[str]) -> dict[str, str]:
    """Extension → operator id (as text) for the ``wanted`` extensions the line maps."""
    logins = {ext: login for ext, login in extensions(config).items() if ext in wanted}
    if not logins:
        return {}
    found: dict[str, str] = {}
    for extension, login in logins.items():
        row = await current().db.fetchone(
            "SELECT id FROM operator_operator WHERE login = {} AND is_active", login
        )
        if row is not None:
            found[extension] = str(row["id"])
    return found


async def extension_of(config: Any, operator_id: uuid.UUID) -> str | None:
    """The operator's extension on the line, None when the line names none for them."""
    row = await current().db.fetchone(
        "SELECT login FROM operator_operator WHERE id = {}", operator_id
    )
    if row is None:
        return None
    for extension, login in extensions(config).items():
        if login == row["login"]:
            return extension
    return None
