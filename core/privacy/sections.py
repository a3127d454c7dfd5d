"""Hook point for personal data beyond members, appeals and attachments.

A section exports and erases what one part of the system holds about a member. The core
contributes none here (its own data is built in); a feature holding personal data adds a section
with :func:`add_section` at startup, and can also react to the ``privacy.member_erased`` event.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from unionline.runtime import current

_KEY = "privacy.sections"


class PersonalDataSection(Protocol):
    name: str

    async def export(self, member_ids: list[uuid.UUID]) -> Any:
        """What this section holds about the member (and duplicates merged into it), as JSON."""
        ...

    async def erase(self, member_ids: list[uuid.UUID]) -> None:
        """Anonymize it, inside the erasure's transaction."""
        ...


def add_section(section: PersonalDataSection) -> None:
    sections = current().state.setdefault(_KEY, {})
    if section.name in sections:
        raise ValueError(f"personal-data section {section.name!r} is already added")
    sections[section.name] = section


def sections() -> list[PersonalDataSection]:
    return list(current().state.get(_KEY, {}).values())
