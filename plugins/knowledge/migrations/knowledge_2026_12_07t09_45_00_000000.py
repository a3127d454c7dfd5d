from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T09:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: keep the search vector inside the article's row (PostgreSQL)"

# PostgreSQL moves the widest columns of a row over ~2 kB out to its TOAST table, and an
# article's tsvector (about 1 kB) was the first to go: every search then read it back through
# the TOAST index, ~20,000 buffers for a reader's 6,000 articles. STORAGE MAIN keeps it in the
# row (the Markdown and HTML go out instead); rewriting the vectors moves the stored ones back.
# SQLite keeps its index in FTS5: nothing to do there.
UP = [
    "ALTER TABLE knowledge_article ALTER COLUMN search_vector SET STORAGE MAIN",
    "UPDATE knowledge_article SET search_vector = search_vector || ''::tsvector"
    " WHERE search_vector IS NOT NULL",
]
DOWN = ["ALTER TABLE knowledge_article ALTER COLUMN search_vector SET STORAGE EXTENDED"]


async def _run(statements):
    engine = engine_finder()
    if engine.engine_type != "postgres":
        return
    for statement in statements:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="knowledge", description=DESCRIPTION
    )

    async def run():
        await _run(UP)

    async def run_backwards():
        await _run(DOWN)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)

    return manager
