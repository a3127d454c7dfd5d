from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-08T03:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "a call's row names the callback it counted on (phone_call.callback_id)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="phone", description=DESCRIPTION)
    manager.add_column(
        table_class_name="PhoneCall",
        tablename="phone_call",
        column_name="callback_id",
        db_column_name="callback_id",
        column_class_name="UUID",
        column_class=UUID,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
