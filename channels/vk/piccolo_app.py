"""The VK plugin's tables (``vk_*``)."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.channels.vk.tables import CachedName, MessagesDenied, PollState, SentMessage

APP_CONFIG = AppConfig(
    app_name="vk",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[PollState, SentMessage, CachedName, MessagesDenied],
    migration_dependencies=[],
)
