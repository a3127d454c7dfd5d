"""The piccolo app ``hello``: its tables and migrations folder (registered by register_tables)."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline_hello.tables import Greeting

APP_CONFIG = AppConfig(
    app_name="hello",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Greeting],
)
