from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: recipients found by the provider's id (delivery receipts, bounces)"

# A provider's receipt names the message by the id its send() answered; the recipient row is
# looked up by it (plugins/campaigns/receipts.py). Same statement on both engines; idempotent.
STATEMENT = (
    "CREATE INDEX IF NOT EXISTS campaigns_recipient_external_id"
    " ON campaigns_recipient (external_id)"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="campaigns", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(STATEMENT)

    async def run_backwards():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS campaigns_recipient_external_id")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
