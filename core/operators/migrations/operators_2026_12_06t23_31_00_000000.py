from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-06T23:31:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "sessions keyed by the SHA-256 of their id"

# Rows keyed by a clear session id cannot be rehashed into a useful key without trusting them
# as they are; every existing session simply ends (operators sign in again once).


async def end_every_session():
    await engine_finder().run_ddl("DELETE FROM operator_session")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="operators", description=DESCRIPTION)
    manager.add_raw(end_every_session)
    manager.add_raw_backwards(end_every_session)
    manager.rename_column(
        table_class_name="SessionRecord",
        tablename="operator_session",
        old_column_name="key",
        new_column_name="key_hash",
        old_db_column_name="key",
        new_db_column_name="key_hash",
        schema=None,
    )
    return manager
