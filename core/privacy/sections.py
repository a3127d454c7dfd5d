"""Hook point for personal data beyond members, appeals and attachments.

A section exports and erases what one part of the system holds about a member. The core
contributes none here (its own data is built in); a feature holding personal data adds a section
with :func:`add_personal_data_section` (``unionline.add_personal_data_section``) in its
``runtime_started`` hook, which runs in every process (the mail channel keeps raw e-mail this
way). A section may also have
``files(member_ids)``: ``(path, bytes)`` pairs the ZIP export adds under ``<name>/`` beside
``member.json`` (the JSON part should name them).
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from unionline.runtime import current

_KEY = "privacy.sections"


class PersonalDataSection(Protocol):
    name: str

    async def export(self, member_ids: list[uuid.UUID], appeal_ids: list[uuid.UUID]) -> Any:
        """What this section holds about the member (and duplicates merged into it), as JSON.
        ``appeal_ids`` are their appeals the exporting administrator may see: data tied to
        other appeals stays out (the export then says ``complete: false``)."""
        ...

    async def erase(self, member_ids: list[uuid.UUID]) -> None:
        """Anonymize it, inside the erasure's transaction."""
        ...


async def section_files(
    section: PersonalDataSection, member_ids: list[uuid.UUID], appeal_ids: list[uuid.UUID]
) -> list[tuple[str, bytes]]:
    """The section's files for the ZIP export (none when it has no ``files`` method, which
    takes the same arguments as ``export``)."""
    files = getattr(section, "files", None)
    return list(await files(member_ids, appeal_ids)) if files is not None else []


def add_personal_data_section(section: PersonalDataSection) -> None:
    """Add ``section`` to exports and erasures of this runtime (one per name: the same kind of
    section added again, as when the runtime starts again, takes the earlier one's place)."""
    sections = current().state.setdefault(_KEY, {})
    earlier = sections.get(section.name)
    if earlier is not None and type(earlier) is not type(section):
        raise ValueError(f"personal-data section {section.name!r} is already added")
    sections[section.name] = section


def sections() -> list[PersonalDataSection]:
    return list(current().state.get(_KEY, {}).values())
