from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.routing.tables import Connection, Offer, Presence, Queue, QueueEntry

APP_CONFIG = AppConfig(
    app_name="routing",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Queue, Presence, Connection, Offer, QueueEntry],
)
