"""Stored plugin choices."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.plugin_choices.tables import PluginChoice, PluginProcess

APP_CONFIG = AppConfig(
    app_name="plugin_choices",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[PluginChoice, PluginProcess],
)
