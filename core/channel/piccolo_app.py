"""Channel SDK tables: accounts, inbound dedup log, deliveries, attachments."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.channel.tables import (
    AttachmentRecord,
    ChannelAccountRecord,
    DeliveryRecord,
    InboundGroupRecord,
    InboundRecord,
)

APP_CONFIG = AppConfig(
    app_name="channel",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        ChannelAccountRecord,
        InboundRecord,
        InboundGroupRecord,
        DeliveryRecord,
        AttachmentRecord,
    ],
)
