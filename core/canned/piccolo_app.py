from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.canned.tables import CannedReply

APP_CONFIG = AppConfig(
    app_name="canned",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[CannedReply],
)
