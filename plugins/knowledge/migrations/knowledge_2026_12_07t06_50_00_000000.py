from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T06:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: the knowledge base's search index and unique keys"

# PostgreSQL: each article's published text as a weighted tsvector (title A, tags B, body C)
# written by the plugin with the 'russian' configuration (Snowball stemming and stop words;
# ё folded to е first), a GIN index over it, and pg_trgm over the vocabulary for typos.
# SQLite: an FTS5 table of the same text stemmed in Python (unionline.plugins.knowledge.
# morphology), keyed by knowledge_search_key.rowid, and an FTS5 trigram table over the
# vocabulary. Every statement is idempotent.
COMMON = [
    "CREATE UNIQUE INDEX IF NOT EXISTS knowledge_revision_number"
    " ON knowledge_revision (article_id, number)",
    "CREATE UNIQUE INDEX IF NOT EXISTS knowledge_progress_once"
    " ON knowledge_progress (operator_id, lesson_id)",
    # Covering what the override resolution asks of a family's deeper rows (no row read).
    "CREATE INDEX IF NOT EXISTS knowledge_article_family_depth ON knowledge_article"
    " (family_id, depth, organization_id, status, published_revision, visibility)",
]
POSTGRES = [
    "ALTER TABLE knowledge_article ADD COLUMN IF NOT EXISTS search_vector tsvector",
    "CREATE INDEX IF NOT EXISTS knowledge_article_search"
    " ON knowledge_article USING gin (search_vector)",
    "DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm;"
    " EXCEPTION WHEN OTHERS THEN"
    " RAISE NOTICE 'pg_trgm is not available: no typo correction (%)', SQLERRM;"
    " END $$",
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN"
    " CREATE INDEX IF NOT EXISTS knowledge_term_trgm"
    " ON knowledge_term USING gin (word gin_trgm_ops);"
    " END IF; END $$",
]
SQLITE = [
    "CREATE TABLE IF NOT EXISTS knowledge_search_key ("
    " rowid INTEGER PRIMARY KEY, article_id UUID NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_fts USING fts5(title, tags, body,"
    " tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_term_fts USING fts5(word, tokenize = 'trigram')",
]
DROP_POSTGRES = [
    "DROP INDEX IF EXISTS knowledge_term_trgm",
    "DROP INDEX IF EXISTS knowledge_article_search",
    "ALTER TABLE knowledge_article DROP COLUMN IF EXISTS search_vector",
]
DROP_SQLITE = [
    "DROP TABLE IF EXISTS knowledge_term_fts",
    "DROP TABLE IF EXISTS knowledge_fts",
    "DROP TABLE IF EXISTS knowledge_search_key",
]
DROP_COMMON = [
    "DROP INDEX IF EXISTS knowledge_revision_number",
    "DROP INDEX IF EXISTS knowledge_progress_once",
    "DROP INDEX IF EXISTS knowledge_article_family_depth",
]


async def _run(statements):
    engine = engine_finder()
    own = POSTGRES if engine.engine_type == "postgres" else SQLITE
    drop = DROP_POSTGRES if engine.engine_type == "postgres" else DROP_SQLITE
    for statement in {"up": COMMON + own, "down": drop + DROP_COMMON}[statements]:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="knowledge", description=DESCRIPTION
    )

    async def run():
        await _run("up")

    async def run_backwards():
        await _run("down")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)

    return manager
