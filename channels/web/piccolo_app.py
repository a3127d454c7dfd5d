"""The web channel's tables (``web_*``)."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.channels.web.tables import Upload, Visitor, VisitorMessage

APP_CONFIG = AppConfig(
    app_name="web",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Visitor, VisitorMessage, Upload],
    migration_dependencies=[],
)
