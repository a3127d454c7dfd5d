from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T02:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one override per organization and day"

# piccolo declares no unique index over two columns; creating overrides relies on it
# (INSERT ... ON CONFLICT (organization_id, day) DO NOTHING). Raw statements run before the
# tables of their own migration are made, hence a migration of its own.


async def add_index():
    await engine_finder().run_ddl(
        "CREATE UNIQUE INDEX calendar_override_org_day ON calendar_override (organization_id, day)"
    )


async def drop_index():
    await engine_finder().run_ddl("DROP INDEX calendar_override_org_day")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="calendar", description=DESCRIPTION)
    manager.add_raw(add_index)
    manager.add_raw_backwards(drop_index)
    return manager
