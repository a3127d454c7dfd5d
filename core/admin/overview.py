"""What the admin pages show beside the domains' own answers: per-organization counts (members,
appeals, operators) and what each enabled plugin adds to the installation."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from unionline.access import Actor, scope_for
from unionline.admin.schemas import OrganizationCounts, PluginAdds, PluginPart
from unionline.appeals.statuses import ACTIVE
from unionline.registry import Registry
from unionline.runtime import current

MANAGE_ORGANIZATIONS = "organizations.manage"


class _Count(msgspec.Struct):
    organization_id: uuid.UUID
    n: int


async def organization_counts(actor: Actor) -> list[OrganizationCounts]:
    """Counts of the organizations the actor manages (every one for a federation-wide admin)."""
    actor.require(MANAGE_ORGANIZATIONS)
    scope = await scope_for(actor, MANAGE_ORGANIZATIONS)
    db = current().db
    statuses = ", ".join("{}" for _ in ACTIVE)
    members = await db.fetch_as(
        _Count,
        "SELECT organization_id, COUNT(*) AS n FROM member_member"
        " WHERE merged_into IS NULL GROUP BY organization_id",
    )
    appeals = await db.fetch_as(
        _Count,
        "SELECT organization_id, COUNT(*) AS n FROM appeal_appeal"
        " WHERE merged_into_id IS NULL GROUP BY organization_id",
    )
    active = await db.fetch_as(
        _Count,
        "SELECT organization_id, COUNT(*) AS n FROM appeal_appeal"
        f" WHERE merged_into_id IS NULL AND status IN ({statuses}) GROUP BY organization_id",
        *ACTIVE,
    )
    operators = await db.fetch_as(
        _Count,
        "SELECT organization_id, COUNT(DISTINCT operator) AS n FROM operator_role_grant"
        " WHERE organization_id IS NOT NULL GROUP BY organization_id",
    )
    by_kind = {
        "members": {c.organization_id: c.n for c in members},
        "appeals": {c.organization_id: c.n for c in appeals},
        "active_appeals": {c.organization_id: c.n for c in active},
        "operators": {c.organization_id: c.n for c in operators},
    }
    ids = set().union(*(set(found) for found in by_kind.values()))
    return [
        OrganizationCounts(organization_id=org, **{k: v.get(org, 0) for k, v in by_kind.items()})
        for org in sorted(ids, key=str)
        if scope.allows(org)
    ]


def plugin_adds(registry: Registry, plugin: str) -> PluginAdds:
    """Routes, console pages, settings forms, jobs, tables, channels, robot actions, events,
    permissions and commands ``plugin`` registered."""

    def owned(kind: str) -> list[str]:
        return sorted(
            k for (x, k), owner in registry.owners.items() if x == kind and owner == plugin
        )

    tables = [
        table._meta.tablename
        for app in owned("table app")
        for table in registry.tables[app].table_classes
    ]
    return PluginAdds(
        routes=sorted({p for owner, h in registry.routes if owner == plugin for p in _paths(h)}),
        pages=[
            PluginPart(id=p.id, title_ru=p.title_ru, title_en=p.title_en, section=p.section)
            for p in sorted(registry.console_pages.values(), key=lambda p: (p.section, p.order))
            if p.plugin == plugin
        ],
        settings_forms=[
            PluginPart(id=f.id, title_ru=f.title_ru, title_en=f.title_en, section="settings")
            for f in registry.settings_forms.values()
            if f.plugin == plugin
        ],
        console_code=any(a.plugin == plugin and a.entry for a in registry.console_assets),
        jobs=owned("job"),
        tables=sorted(tables),
        channels=owned("channel"),
        robot_actions=owned("robot action"),
        events=owned("event type"),
        permissions=owned("permission"),
        commands=owned("command"),
    )


def _paths(handler: Any) -> list[str]:
    """The path prefix a controller or router mounts, or the paths of a route handler."""
    paths = getattr(handler, "paths", None)
    if paths:
        return [str(p) for p in paths]
    path = getattr(handler, "path", None)
    return [str(path)] if path else []
