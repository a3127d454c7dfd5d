from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T07:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: the cells that move the backlog"

# A partial index piccolo cannot declare. Idempotent (IF NOT EXISTS).
FORWARDS = [
    # The backlog sums every day before a report's first: only the cells that move it (most
    # appeals come and go within a day and their cells net to zero).
    "CREATE INDEX IF NOT EXISTS reports_daily_backlog ON reports_daily (organization_id, day)"
    " WHERE backlog_delta <> 0",
]
BACKWARDS = ["DROP INDEX IF EXISTS reports_daily_backlog"]


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
