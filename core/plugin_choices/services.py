"""The console's plugin switch: what runs, what the next start runs, and switching.

A choice is stored at once and applies at each process's next start (web and job workers
alike: :mod:`unionline.startup_choices`); a running process keeps the list it started with, so
the views say which plugins wait for a restart. Switching a plugin on is refused when a process
starting with it could not load it (a trial load in a separate interpreter, so the plugin's
import cannot touch this process). Only a federation-wide administrator switches
(``plugins.manage``); every switch is in the audit log.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import msgspec

from unionline.access import Actor, require_everywhere, scope_for
from unionline.audit.services import record
from unionline.errors import Invalid, NotFound
from unionline.plugin_choices import processes, trial
from unionline.plugin_choices.processes import Kind
from unionline.plugin_choices.schemas import DecidedBy, PluginChoiceView, ProcessView
from unionline.plugin_choices.tables import PluginChoice
from unionline.plugin_host import CORE_PLUGINS, PluginHost, Resolution, resolve
from unionline.runtime import current

MANAGE = "plugins.manage"
READ = "plugins.read"
DECIDED: dict[str, DecidedBy] = {"config": "config", "console": "console"}


class Stored(msgspec.Struct, kw_only=True):
    name: str
    enabled: bool
    changed_at: datetime | None = None
    changed_by: uuid.UUID | None = None


async def stored() -> dict[str, Stored]:
    rows = await current().db.fetch_as(
        Stored, "SELECT name, enabled, changed_at, changed_by FROM plugin_choice"
    )
    return {row.name: row for row in rows}


async def views(actor: Actor | None = None) -> dict[str, PluginChoiceView]:
    """Every installed plugin's switch, by name (core plugins included, never switchable);
    ``may_switch`` says whether ``actor`` may use it."""
    host = current().host
    allowed = actor is not None and (await scope_for(actor, MANAGE)).everything
    choices = await stored()
    upcoming = resolve(
        host.configured, {n: c.enabled for n, c in choices.items()}, host.sources, host.allowed
    )
    names = sorted({*host.sources, *host.info})
    found = {name: _view(host, name, choices.get(name), upcoming) for name in names}
    for view in found.values():
        view.may_switch = view.switchable and allowed
    return found


async def running_processes(actor: Actor) -> list[ProcessView]:
    """The live processes and, for each, the plugins it runs differently from the next start
    (as this process's config file and the stored choices decide it)."""
    await require_everywhere(actor, READ)
    host = current().host
    choices = await stored()
    upcoming = resolve(
        host.configured, {n: c.enabled for n, c in choices.items()}, host.sources, host.allowed
    )
    me = current().state.get(processes.KEY)
    found = []
    for row in await processes.live():
        behind = sorted(set(row.plugins) ^ set(upcoming.enabled))
        kind: Kind = row.kind if row.kind in ("web", "worker") else "command"  # type: ignore[assignment]
        found.append(
            ProcessView(
                id=row.id,
                kind=kind,
                host=row.host,
                pid=row.pid,
                started_at=row.started_at,
                seen_at=row.seen_at,
                plugins=row.plugins,
                this=row.id == me,
                behind=behind,
            )
        )
    return found


def _view(
    host: PluginHost, name: str, choice: Stored | None, upcoming: Resolution
) -> PluginChoiceView:
    core = name in CORE_PLUGINS or (name in host.info and name not in host.sources)
    running = name in host.info
    next_start = True if core else name in upcoming.enabled
    decided = DECIDED.get(upcoming.decided_by.get(name, ""), "default")
    return PluginChoiceView(
        name=name,
        running=running,
        next_start=next_start,
        pending_restart=running != next_start,
        migrate_first=next_start and not running and current().db.is_postgres,
        decided_by="core" if core else decided,
        switchable=not core and host.switchable(name),
        configured=name in host.configured,
        changed_at=choice.changed_at if choice else None,
        changed_by=choice.changed_by if choice else None,
        ignored=upcoming.ignored.get(name),
    )


async def switch(actor: Actor, name: str, enabled: bool) -> PluginChoiceView:
    """Store the choice for ``name``; it applies at each process's next start."""
    await require_everywhere(actor, MANAGE)
    host = current().host
    if name not in host.sources and name not in host.info:
        raise NotFound(f"plugin {name!r} is not installed", field="name")
    if not host.switchable(name):
        why = "core" if name in CORE_PLUGINS or name not in host.sources else "not_allowed"
        raise Invalid(
            f"plugin {name!r} cannot be switched in the console ({why})",
            field="enabled",
            extra={"problem": why},
        )
    choices = {n: c.enabled for n, c in (await stored()).items()}
    if enabled and host.raw_config is not None:
        failure = await trial.loads(host.raw_config, {**choices, name: True}, host.allowed)
        if failure:
            raise Invalid(
                f"plugin {name!r} would not load: {failure}",
                field="enabled",
                extra={"problem": "fails_to_load", "detail": failure},
            )
    await _write(actor, name, enabled)
    return (await views(actor))[name]


async def _write(actor: Actor, name: str, enabled: bool) -> None:
    async with current().db.transaction():
        row = PluginChoice(
            name=name, enabled=enabled, changed_at=datetime.now(UTC), changed_by=actor.operator_id
        )
        await PluginChoice.insert(row).on_conflict(
            target=PluginChoice.name,
            action="DO UPDATE",
            values=[PluginChoice.enabled, PluginChoice.changed_at, PluginChoice.changed_by],
        )
        verb = "enabled" if enabled else "disabled"
        await record(actor, f"plugin.{verb}", "plugin", name, None)
