from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.organizations.tables import Organization

APP_CONFIG = AppConfig(
    app_name="organizations",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Organization],
)
