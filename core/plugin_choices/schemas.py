"""Bodies and views of the plugin switch."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

import msgspec

DecidedBy = Literal["core", "config", "console", "default"]


class PluginSwitch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    enabled: bool


class PluginChoiceView(msgspec.Struct, kw_only=True):
    """Whether an optional plugin runs, what the next start does, and who decides it."""

    name: str
    running: bool  # enabled in the process that answered
    next_start: bool  # enabled in a process starting now
    pending_restart: bool  # the two differ: processes started before the change run the old list
    migrate_first: bool = False  # PostgreSQL: run `unionline migrate` before the restart
    decided_by: DecidedBy  # default: neither the file nor the console names it (off)
    switchable: bool  # the console may switch it (installed, optional, in plugins_allowed)
    may_switch: bool = False  # ... and the caller may (plugins.manage over the whole federation)
    configured: bool  # listed in `plugins` of the config file
    changed_at: datetime | None = None  # when an administrator last switched it
    changed_by: uuid.UUID | None = None
    ignored: str | None = None  # why a stored choice does not apply (e.g. "not installed")


class ProcessView(msgspec.Struct, kw_only=True):
    """A running process (web server worker, job worker, command) and the plugins it runs."""

    id: uuid.UUID
    kind: Literal["web", "worker", "command"]
    host: str
    pid: int
    started_at: datetime
    seen_at: datetime
    plugins: list[str]  # the optional plugins it enabled at its start
    this: bool  # the process that answered
    behind: list[str]  # plugins it runs differently from the next start: it needs a restart
