from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T12:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: the reader's articles from one covering index (SQLite search)"

# SQLite's search of common words first lists the articles a reader sees (their organization's
# line, live, not overridden deeper). ``published_revision`` and ``status`` come after the
# Markdown in the row, so each of those thousands of rows was read through its overflow pages;
# this index answers the list alone. PostgreSQL reads each row for its vector anyway: nothing.
UP = [
    "CREATE INDEX IF NOT EXISTS knowledge_article_seen ON knowledge_article"
    " (organization_id, status, published_revision, visibility, family_id, depth, id)",
]
DOWN = ["DROP INDEX IF EXISTS knowledge_article_seen"]


async def _run(statements):
    engine = engine_finder()
    if engine.engine_type == "postgres":
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
