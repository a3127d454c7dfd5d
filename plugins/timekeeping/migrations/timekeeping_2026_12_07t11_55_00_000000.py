from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import UUID
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T11:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "an organization's own settings (violation notices, T-12 pay codes); sweeps done"


def _params(**extra):
    params = {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }
    params.update(extra)
    return params


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="timekeeping", description=DESCRIPTION
    )

    manager.add_table(
        class_name="Policy", tablename="timekeeping_policy", schema=None, columns=None
    )
    manager.add_table(
        class_name="Sweep", tablename="timekeeping_sweep", schema=None, columns=None
    )
    for table, tablename, name, kind, params in (
        ("Policy", "timekeeping_policy", "organization_id", UUID,
         _params(default=UUID4(), primary_key=True)),
        ("Policy", "timekeeping_policy", "data", JSON, _params(default="{}")),
        ("Policy", "timekeeping_policy", "updated_by", UUID, _params(default=None, null=True)),
        ("Policy", "timekeeping_policy", "updated_at", Timestamptz,
         _params(default=TimestamptzNow())),
        ("Sweep", "timekeeping_sweep", "key", Varchar,
         _params(length=60, default="", primary_key=True)),
        ("Sweep", "timekeeping_sweep", "done_at", Timestamptz, _params(default=TimestamptzNow())),
    ):
        manager.add_column(
            table_class_name=table,
            tablename=tablename,
            column_name=name,
            db_column_name=name,
            column_class_name=kind.__name__,
            column_class=kind,
            params=params,
            schema=None,
        )

    return manager
