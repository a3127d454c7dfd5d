from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T09:29:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: the slices' unique row; the rollup counted again with hours and slices"

# The kept rollup had no hours, queues or tags: emptied here, the catch-up pass (every minute,
# and at start) counts every appeal again from its mark, which is reset. Idempotent.
FORWARDS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS reports_slice_row"
    " ON reports_slice (organization_id, day, dim, value)",
    "CREATE INDEX IF NOT EXISTS reports_slice_dim_day ON reports_slice (dim, day)",
    "CREATE INDEX IF NOT EXISTS reports_tag_tag ON reports_tag (tag)",
    "DELETE FROM reports_contribution",
    "DELETE FROM reports_daily",
    "DELETE FROM reports_appeal",
    "DELETE FROM reports_mark WHERE name = 'catch_up'",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS reports_slice_row",
    "DROP INDEX IF EXISTS reports_slice_dim_day",
    "DROP INDEX IF EXISTS reports_tag_tag",
]


async def _run(statements):
    engine = engine_finder()
    for statement in statements:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reports", description=DESCRIPTION)

    async def run():
        await _run(FORWARDS)

    async def run_backwards():
        await _run(BACKWARDS)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
