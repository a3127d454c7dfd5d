"""One row per settings form that an administrator has saved."""

from __future__ import annotations

from piccolo.columns import UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class StoredSettings(Table, tablename="plugin_settings_form"):
    id = UUID(primary_key=True, default=UUID4())
    form_id = Varchar(length=150, unique=True)  # SettingsForm.id (the plugin's name by default)
    values = Text(default="{}")  # JSON of the fields saved, secrets left out
    secrets = Text(default="")  # Fernet token of the JSON of the secret fields saved
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = UUID(null=True, default=None)  # the operator who saved last
    # When a field that takes effect only after a restart last changed.
    restart_changed_at = Timestamptz(null=True, default=None)
