"""The webform plugin's tables (``webform_*``)."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.channels.webform.tables import RateWindow, Submission

APP_CONFIG = AppConfig(
    app_name="webform",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Submission, RateWindow],
    migration_dependencies=[],
)
