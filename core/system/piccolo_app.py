from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.system.tables import EventRecord, JobRecord

APP_CONFIG = AppConfig(
    app_name="system",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[EventRecord, JobRecord],
)
