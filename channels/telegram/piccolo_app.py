"""The Telegram plugin's tables (``telegram_*``)."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.channels.telegram.tables import SentPart

APP_CONFIG = AppConfig(
    app_name="telegram",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[SentPart],
    migration_dependencies=[],
)
