from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-28T04:30:53:050178"
VERSION = "1.38.0"
DESCRIPTION = "robot_key: the robot step that made a greeting"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="hello", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Greeting",
        tablename="hello_greeting",
        column_name="robot_key",
        db_column_name="robot_key",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 200,
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
