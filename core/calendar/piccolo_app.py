"""The working-day calendar: tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.calendar.tables import CalendarOverride, CalendarZone

APP_CONFIG = AppConfig(
    app_name="calendar",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[CalendarOverride, CalendarZone],
    migration_dependencies=["unionline.organizations.piccolo_app"],
)
