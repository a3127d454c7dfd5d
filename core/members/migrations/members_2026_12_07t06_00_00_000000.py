from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T06:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: trigram index on member names (SQLite, FTS5)"

# The SQLite counterpart of the pg_trgm index of 2026-12-07T04:30: member names matched as
# substrings (search_name LIKE '%word%', inside the appeals search's statement) are looked up
# in member_name_fts, an FTS5 table with the trigram tokenizer (SQLite 3.34+), which answers
# LIKE '%word%' for words of three characters or more. Its rows are keyed by
# member_name_key.rowid (an INTEGER PRIMARY KEY, which VACUUM keeps; member_member's own rowid
# it may renumber), so the triggers find a member's row by its id without reading the table.
# Every statement is idempotent.
SQLITE = [
    "CREATE TABLE IF NOT EXISTS member_name_key ("
    " rowid INTEGER PRIMARY KEY, member_id UUID NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS member_name_fts"
    " USING fts5(search_name, tokenize = 'trigram')",
    "CREATE TRIGGER IF NOT EXISTS member_name_fts_ai AFTER INSERT ON member_member BEGIN"
    " INSERT INTO member_name_key (member_id) VALUES (new.id);"
    " INSERT INTO member_name_fts (rowid, search_name)"
    " SELECT k.rowid, new.search_name FROM member_name_key k WHERE k.member_id = new.id; END",
    "CREATE TRIGGER IF NOT EXISTS member_name_fts_au AFTER UPDATE OF search_name ON member_member"
    " BEGIN UPDATE member_name_fts SET search_name = new.search_name"
    " WHERE rowid = (SELECT k.rowid FROM member_name_key k WHERE k.member_id = new.id); END",
    "CREATE TRIGGER IF NOT EXISTS member_name_fts_ad AFTER DELETE ON member_member BEGIN"
    " DELETE FROM member_name_fts"
    " WHERE rowid = (SELECT k.rowid FROM member_name_key k WHERE k.member_id = old.id);"
    " DELETE FROM member_name_key WHERE member_id = old.id; END",
    # Members written before this migration.
    "INSERT INTO member_name_key (member_id) SELECT m.id FROM member_member m"
    " WHERE NOT EXISTS (SELECT 1 FROM member_name_key k WHERE k.member_id = m.id)",
    "INSERT INTO member_name_fts (rowid, search_name)"
    " SELECT k.rowid, m.search_name FROM member_name_key k JOIN member_member m ON m.id = k.member_id"
    " WHERE k.rowid NOT IN (SELECT rowid FROM member_name_fts)",
]
DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS member_name_fts_ai",
    "DROP TRIGGER IF EXISTS member_name_fts_au",
    "DROP TRIGGER IF EXISTS member_name_fts_ad",
    "DROP TABLE IF EXISTS member_name_fts",
    "DROP TABLE IF EXISTS member_name_key",
]


async def _run(statements):
    engine = engine_finder()
    if engine.engine_type == "sqlite":
        for statement in statements:
            await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="members", description=DESCRIPTION)

    async def run():
        await _run(SQLITE)

    async def run_backwards():
        await _run(DROP_SQLITE)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)

    return manager
