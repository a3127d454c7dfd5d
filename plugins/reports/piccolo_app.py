from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.plugins.reports.tables import (
    AppealState,
    Contribution,
    Daily,
    Delivery,
    Mark,
    Schedule,
    Slice,
    Tag,
)

APP_CONFIG = AppConfig(
    app_name="reports",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Contribution, Daily, AppealState, Mark, Schedule, Delivery, Tag, Slice],
)
