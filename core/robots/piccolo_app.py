"""Robots: tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.robots.tables import Execution, Rule

APP_CONFIG = AppConfig(
    app_name="robots",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Rule, Execution],
)
