"""Stored plugin settings."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.plugin_settings.tables import StoredSettings

APP_CONFIG = AppConfig(
    app_name="plugin_settings",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[StoredSettings],
)
