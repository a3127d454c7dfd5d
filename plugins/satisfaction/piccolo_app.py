from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.plugins.satisfaction.tables import Survey

APP_CONFIG = AppConfig(
    app_name="satisfaction",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Survey],
)
