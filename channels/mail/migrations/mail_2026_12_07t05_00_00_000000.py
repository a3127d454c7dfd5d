from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: index mail_message by account, sender and thread subject"

# threads.decide looks up a sender's earlier mail on the same topic for every incoming mail.
# With only account_id indexed it read every mail of the account — on SQLite through each
# row's raw message, stored ahead of the other columns — so ingest slowed as mail piled up.

CREATE = (
    "CREATE INDEX IF NOT EXISTS mail_message_thread"
    " ON mail_message (account_id, from_address, thread_subject)"
)
DROP = "DROP INDEX IF EXISTS mail_message_thread"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mail", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(CREATE)

    async def run_backwards():
        await engine_finder().run_ddl(DROP)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
