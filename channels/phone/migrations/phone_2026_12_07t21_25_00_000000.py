from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T21:25:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "a click-to-call's call on its row: the agent's process takes it from there"


def _varchar(length: int) -> dict:
    return {
        "length": length,
        "default": "",
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="phone", description=DESCRIPTION)
    for name, length in (("extension", 40), ("number", 40), ("command", 64)):
        manager.add_column(
            table_class_name="PhoneDial",
            tablename="phone_dial",
            column_name=name,
            db_column_name=name,
            column_class_name="Varchar",
            column_class=Varchar,
            params=_varchar(length),
            schema=None,
        )
    return manager
