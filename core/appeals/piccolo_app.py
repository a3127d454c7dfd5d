"""Appeals: tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.appeals.tables import Appeal, AppealCounter, AppealLink, AppealTag, TimelineEntry

APP_CONFIG = AppConfig(
    app_name="appeals",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Appeal, AppealCounter, AppealLink, AppealTag, TimelineEntry],
    migration_dependencies=["unionline.organizations.piccolo_app"],
)
