from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.operators.tables import (
    ApiToken,
    LoginFailure,
    Operator,
    RoleGrant,
    SessionRecord,
)

APP_CONFIG = AppConfig(
    app_name="operators",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Operator, RoleGrant, SessionRecord, ApiToken, LoginFailure],
)
