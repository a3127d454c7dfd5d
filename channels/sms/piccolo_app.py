"""The SMS plugin's tables (``sms_*``)."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.channels.sms.tables import OptOut, SentSms, SmppPart, SmppSend

APP_CONFIG = AppConfig(
    app_name="sms",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[OptOut, SentSms, SmppPart, SmppSend],
    migration_dependencies=[],
)
