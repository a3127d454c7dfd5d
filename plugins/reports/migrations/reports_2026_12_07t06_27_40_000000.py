from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T06:27:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: the rollup's unique cell, the drill-down and delivery keys"

# What piccolo cannot declare: composite indexes. Idempotent (IF NOT EXISTS).
FORWARDS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS reports_daily_cell"
    " ON reports_daily (organization_id, day, operator_id, channel)",
    "CREATE INDEX IF NOT EXISTS reports_daily_day ON reports_daily (day)",
    "CREATE INDEX IF NOT EXISTS reports_contribution_cell"
    " ON reports_contribution (organization_id, day, operator_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS reports_delivery_once"
    " ON reports_delivery (schedule_id, period_start, recipient_id)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS reports_daily_cell",
    "DROP INDEX IF EXISTS reports_daily_day",
    "DROP INDEX IF EXISTS reports_contribution_cell",
    "DROP INDEX IF EXISTS reports_delivery_once",
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
