"""The phone plugin's tables (``phone_*``)."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.channels.phone.tables import PhoneCall, PhoneCallback, PhoneCallEvent, PhoneDial

APP_CONFIG = AppConfig(
    app_name="phone",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[PhoneCall, PhoneCallEvent, PhoneCallback, PhoneDial],
    migration_dependencies=[],
)
