"""The mail channel's tables (``mail_*``)."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.channels.mail.tables import MailAck, MailAutoReply, MailCursor, MailMessage

APP_CONFIG = AppConfig(
    app_name="mail",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[MailMessage, MailCursor, MailAck, MailAutoReply],
    migration_dependencies=[],
)
