from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-28T04:30:54:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: robot_key is unique"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="hello", description=DESCRIPTION
    )

    # SQLite cannot add a UNIQUE column; a unique index does the same on both engines.
    async def run():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS hello_greeting_robot_key"
            " ON hello_greeting (robot_key)"
        )

    async def run_backwards():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS hello_greeting_robot_key")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)

    return manager
