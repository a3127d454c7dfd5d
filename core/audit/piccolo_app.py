from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.audit.tables import AuditEntry

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[AuditEntry],
)
