from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.plugins.timekeeping.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="timekeeping",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(TABLES),
)
