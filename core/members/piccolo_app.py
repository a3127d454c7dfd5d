"""Members: the piccolo app holding members and contact points."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.members.tables import ContactPoint, Member

APP_CONFIG = AppConfig(
    app_name="members",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Member, ContactPoint],
)
