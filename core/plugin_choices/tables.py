"""One row per optional plugin an administrator switched on or off; one per running process."""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class PluginChoice(Table, tablename="plugin_choice"):  # read by unionline.startup_choices
    id = UUID(primary_key=True, default=UUID4())
    name = Varchar(length=100, unique=True)  # the plugin's name, as in `plugins`
    enabled = Boolean(default=False)
    changed_at = Timestamptz(default=TimestamptzNow())
    changed_by = UUID(null=True, default=None)  # the operator who switched it last


class PluginProcess(Table, tablename="plugin_process"):
    """A running process and the plugins it started with (gone when not seen for a while)."""

    id = UUID(primary_key=True, default=UUID4())  # one per process start
    kind = Varchar(length=20)  # "web", "worker" or "command"
    host = Varchar(length=255)
    pid = Integer()
    started_at = Timestamptz(default=TimestamptzNow())
    seen_at = Timestamptz(default=TimestamptzNow())  # renewed every HEARTBEAT seconds
    plugins = Text(default="[]")  # JSON list of the optional plugins it enabled at its start
