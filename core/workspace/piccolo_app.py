from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.workspace.tables import Notification, SavedFilter

APP_CONFIG = AppConfig(
    app_name="workspace",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Notification, SavedFilter],
)
