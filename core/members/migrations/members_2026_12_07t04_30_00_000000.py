from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: trigram index on member names (PostgreSQL with pg_trgm)"

# Member names are matched as substrings (search_name LIKE '%word%': the members list, and
# the appeals search, which looks every query up among names first). Without an index that
# reads every member; pg_trgm's GIN index answers it from the words' trigrams. pg_trgm ships
# with PostgreSQL (contrib) and is a trusted extension (13+): a database owner may create it.
# Where it cannot be had, the migration leaves names unindexed rather than failing.
POSTGRES = [
    "DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm;"
    " EXCEPTION WHEN OTHERS THEN"
    " RAISE NOTICE 'pg_trgm is not available: member names stay unindexed (%)', SQLERRM;"
    " END $$",
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN"
    " CREATE INDEX IF NOT EXISTS member_member_search_name_trgm"
    " ON member_member USING gin (search_name gin_trgm_ops);"
    " END IF; END $$",
]
# The extension stays: other objects may use it by then.
DROP_POSTGRES = ["DROP INDEX IF EXISTS member_member_search_name_trgm"]


async def _run(statements):
    engine = engine_finder()
    if engine.engine_type == "postgres":
        for statement in statements:
            await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="members", description=DESCRIPTION
    )

    async def run():
        await _run(POSTGRES)

    async def run_backwards():
        await _run(DROP_POSTGRES)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)

    return manager
