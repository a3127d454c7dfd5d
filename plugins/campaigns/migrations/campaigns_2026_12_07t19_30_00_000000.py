from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T19:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: the index of a campaign's open recipients (what the claim reads)"

# The claim takes the first open rows of a campaign by id. With only the indexes on
# campaign_id and status, PostgreSQL intersected both — every row of the campaign and every
# queued/sending row version — so a claim took ~20 ms after 100,000 sends (a cost that grew
# with what was already sent). This partial index holds the open rows alone, in the claim's
# order; a sent row leaves it. Both engines have partial indexes; the same statement is the
# query's own condition, so SQLite's planner takes it too.
UP = [
    "CREATE INDEX IF NOT EXISTS campaigns_recipient_open ON campaigns_recipient"
    " (campaign_id, id) WHERE status IN ('queued', 'sending')",
]
DOWN = ["DROP INDEX IF EXISTS campaigns_recipient_open"]


async def _run(statements):
    engine = engine_finder()
    for statement in statements:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="campaigns", description=DESCRIPTION)

    async def run():
        await _run(UP)

    async def run_backwards():
        await _run(DOWN)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)

    return manager
