"""docs/permissions.md lists every registered permission with the roles that hold it."""

from __future__ import annotations

import re
from pathlib import Path

from unionline.access import BUILTIN_ROLES
from unionline.plugin_host import builtin_sources
from unionline.registry import Registry
from unionline.runtime import from_settings
from unionline.settings import Settings

DOC = Path(__file__).resolve().parent.parent / "docs" / "permissions.md"


def documented() -> dict[str, set[str]]:
    """permission code -> roles ticked in the table."""
    rows: dict[str, set[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([a-z0-9_.-]+)` \|(.*)$", line)
        if match:
            cells = [c.strip() for c in match.group(2).split("|")]
            rows[match.group(1)] = {r for r, c in zip(BUILTIN_ROLES, cells, strict=False) if c}
    return rows


def registered() -> Registry:
    """Core and every first-party plugin enabled, as the docs describe them."""
    import msgspec

    names = sorted({s.name for s in builtin_sources()})
    settings = msgspec.convert({"secret_key": "x" * 40, "plugins": names}, Settings)
    return from_settings(settings)[2]


def test_every_permission_is_documented_with_its_roles() -> None:
    doc = documented()
    perms = registered().permissions
    missing = sorted(set(perms) - set(doc))
    assert not missing, f"add to docs/permissions.md: {missing}"
    wrong = {
        code: (sorted(p.roles), sorted(doc[code]))
        for code, p in perms.items()
        if set(p.roles) != doc[code]
    }
    assert not wrong, f"roles differ (registered, documented): {wrong}"
    gone = sorted(set(doc) - set(perms))
    assert not gone, f"documented but no longer registered: {gone}"
