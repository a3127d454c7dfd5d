from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T03:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: one search document per appeal (PostgreSQL)"

# PostgreSQL searches one document per appeal: its number, subject and the bodies of its
# messages, replies and notes as one tsvector in ``appeal_search`` (with the appeal's
# organization and created_at, so the newest matches, of all or of one organization, can be
# read in index order and the search stops after a page). Triggers keep it current: a new entry appends its words; an edit, a move (merge) or a
# delete rebuilds the appeals it touched. They replace the expression indexes of the previous
# raw migration, which searched subjects and messages separately. SQLite keeps its FTS5
# tables. Every statement is idempotent.

CONTENT = "('message_in', 'message_out', 'note')"
WORDS = (
    "to_tsvector('russian', translate(body, 'Ёё', 'Ее'))"
    " || to_tsvector('english', translate(body, 'Ёё', 'Ее'))"
)

POSTGRES = [
    "CREATE TABLE IF NOT EXISTS appeal_search ("
    " appeal_id uuid PRIMARY KEY,"
    " organization_id uuid NOT NULL,"
    " created_at timestamptz NOT NULL,"
    " document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS appeal_search_document ON appeal_search USING gin (document)",
    "CREATE INDEX IF NOT EXISTS appeal_search_recent ON appeal_search (created_at, appeal_id)",
    "CREATE INDEX IF NOT EXISTS appeal_search_scoped"
    " ON appeal_search (organization_id, created_at, appeal_id)",
    # The words of one text, as search.PG_QUERY reads them (ё = е; Russian and English).
    "CREATE OR REPLACE FUNCTION appeal_search_words(body text) RETURNS tsvector"
    f" LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {WORDS} $$",
    # tsvector holds at most 1 MB: an appeal past that keeps what it had (its later text is not
    # found) rather than refusing the message that would overflow it.
    "CREATE OR REPLACE FUNCTION appeal_search_add(document tsvector, body text)"
    " RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$"
    " BEGIN RETURN document || coalesce(appeal_search_words(body), '');"
    " EXCEPTION WHEN program_limit_exceeded THEN RETURN document; END $$",
    "CREATE OR REPLACE AGGREGATE appeal_search_agg(text)"
    " (SFUNC = appeal_search_add, STYPE = tsvector, INITCOND = '')",
    # The documents of these appeals from scratch (and none for appeals that are gone).
    "CREATE OR REPLACE FUNCTION appeal_search_refresh(ids uuid[]) RETURNS void"
    " LANGUAGE sql AS $$"
    " DELETE FROM appeal_search s WHERE s.appeal_id = ANY(ids)"
    "  AND NOT EXISTS (SELECT 1 FROM appeal_appeal a WHERE a.id = s.appeal_id);"
    " INSERT INTO appeal_search (appeal_id, organization_id, created_at, document)"
    " SELECT a.id, a.organization_id, a.created_at, (SELECT appeal_search_agg(part ORDER BY n) FROM ("
    "   SELECT -2 AS n, a.number AS part UNION ALL SELECT -1, a.subject"
    "   UNION ALL SELECT t.id, t.body FROM appeal_timeline t"
    f"  WHERE t.appeal_id = a.id AND t.kind IN {CONTENT}) parts)"
    " FROM appeal_appeal a WHERE a.id = ANY(ids)"
    " ON CONFLICT (appeal_id) DO UPDATE"
    " SET organization_id = excluded.organization_id, created_at = excluded.created_at,"
    " document = excluded.document $$",
    "CREATE OR REPLACE FUNCTION appeal_search_appeal_changed() RETURNS trigger"
    " LANGUAGE plpgsql AS $$ BEGIN"
    " IF TG_OP = 'INSERT' THEN"
    "  INSERT INTO appeal_search (appeal_id, organization_id, created_at, document)"
    "  VALUES (NEW.id, NEW.organization_id, NEW.created_at,"
    "  appeal_search_add(appeal_search_words(NEW.number), NEW.subject))"
    "  ON CONFLICT (appeal_id) DO NOTHING;"
    " ELSIF TG_OP = 'UPDATE' THEN PERFORM appeal_search_refresh(ARRAY[NEW.id]);"
    " ELSE DELETE FROM appeal_search WHERE appeal_id = OLD.id; END IF;"
    " RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION appeal_search_entry_added() RETURNS trigger"
    " LANGUAGE plpgsql AS $$ BEGIN"
    " UPDATE appeal_search SET document = appeal_search_add(document, NEW.body)"
    " WHERE appeal_id = NEW.appeal_id;"
    " IF NOT FOUND THEN PERFORM appeal_search_refresh(ARRAY[NEW.appeal_id]); END IF;"
    " RETURN NULL; END $$",
    # Statement-level, so a merge that moves a hundred entries rebuilds each appeal once.
    "CREATE OR REPLACE FUNCTION appeal_search_entries_changed() RETURNS trigger"
    " LANGUAGE plpgsql AS $$ DECLARE ids uuid[]; BEGIN"
    " IF TG_OP = 'UPDATE' THEN"
    "  ids := ARRAY(SELECT DISTINCT u.id FROM old_rows o JOIN new_rows n ON n.id = o.id,"
    "   LATERAL (VALUES (o.appeal_id), (n.appeal_id)) u(id)"
    f"  WHERE (o.kind IN {CONTENT} OR n.kind IN {CONTENT})"
    "   AND (o.body IS DISTINCT FROM n.body OR o.appeal_id IS DISTINCT FROM n.appeal_id"
    "   OR o.kind IS DISTINCT FROM n.kind));"
    f" ELSE ids := ARRAY(SELECT DISTINCT appeal_id FROM old_rows WHERE kind IN {CONTENT});"
    " END IF;"
    " IF cardinality(ids) > 0 THEN PERFORM appeal_search_refresh(ids); END IF;"
    " RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS appeal_search_appeal_insert ON appeal_appeal",
    "CREATE TRIGGER appeal_search_appeal_insert AFTER INSERT ON appeal_appeal"
    " FOR EACH ROW EXECUTE FUNCTION appeal_search_appeal_changed()",
    "DROP TRIGGER IF EXISTS appeal_search_appeal_update ON appeal_appeal",
    "CREATE TRIGGER appeal_search_appeal_update"
    " AFTER UPDATE OF number, subject, organization_id, created_at ON appeal_appeal"
    " FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number"
    " OR OLD.subject IS DISTINCT FROM NEW.subject"
    " OR OLD.organization_id IS DISTINCT FROM NEW.organization_id"
    " OR OLD.created_at IS DISTINCT FROM NEW.created_at)"
    " EXECUTE FUNCTION appeal_search_appeal_changed()",
    "DROP TRIGGER IF EXISTS appeal_search_appeal_delete ON appeal_appeal",
    "CREATE TRIGGER appeal_search_appeal_delete AFTER DELETE ON appeal_appeal"
    " FOR EACH ROW EXECUTE FUNCTION appeal_search_appeal_changed()",
    "DROP TRIGGER IF EXISTS appeal_search_entry_insert ON appeal_timeline",
    "CREATE TRIGGER appeal_search_entry_insert AFTER INSERT ON appeal_timeline"
    f" FOR EACH ROW WHEN (NEW.kind IN {CONTENT}) EXECUTE FUNCTION appeal_search_entry_added()",
    "DROP TRIGGER IF EXISTS appeal_search_entries_update ON appeal_timeline",
    "CREATE TRIGGER appeal_search_entries_update AFTER UPDATE ON appeal_timeline"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION appeal_search_entries_changed()",
    "DROP TRIGGER IF EXISTS appeal_search_entries_delete ON appeal_timeline",
    "CREATE TRIGGER appeal_search_entries_delete AFTER DELETE ON appeal_timeline"
    " REFERENCING OLD TABLE AS old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION appeal_search_entries_changed()",
    # Appeals written before this migration.
    "SELECT appeal_search_refresh(ARRAY(SELECT a.id FROM appeal_appeal a"
    " WHERE NOT EXISTS (SELECT 1 FROM appeal_search s WHERE s.appeal_id = a.id)))",
    "DROP INDEX IF EXISTS appeal_appeal_fts",
    "DROP INDEX IF EXISTS appeal_timeline_fts",
]


def pg_document(column):
    return (
        f"(to_tsvector('russian', translate({column}, 'Ёё', 'Ее'))"
        f" || to_tsvector('english', translate({column}, 'Ёё', 'Ее')))"
    )


DROP_POSTGRES = [
    "CREATE INDEX IF NOT EXISTS appeal_appeal_fts ON appeal_appeal"
    f" USING gin ({pg_document('subject')})",
    "CREATE INDEX IF NOT EXISTS appeal_timeline_fts ON appeal_timeline"
    f" USING gin ({pg_document('body')}) WHERE kind IN {CONTENT}",
    "DROP TRIGGER IF EXISTS appeal_search_appeal_insert ON appeal_appeal",
    "DROP TRIGGER IF EXISTS appeal_search_appeal_update ON appeal_appeal",
    "DROP TRIGGER IF EXISTS appeal_search_appeal_delete ON appeal_appeal",
    "DROP TRIGGER IF EXISTS appeal_search_entry_insert ON appeal_timeline",
    "DROP TRIGGER IF EXISTS appeal_search_entries_update ON appeal_timeline",
    "DROP TRIGGER IF EXISTS appeal_search_entries_delete ON appeal_timeline",
    "DROP FUNCTION IF EXISTS appeal_search_entries_changed()",
    "DROP FUNCTION IF EXISTS appeal_search_entry_added()",
    "DROP FUNCTION IF EXISTS appeal_search_appeal_changed()",
    "DROP FUNCTION IF EXISTS appeal_search_refresh(uuid[])",
    "DROP AGGREGATE IF EXISTS appeal_search_agg(text)",
    "DROP FUNCTION IF EXISTS appeal_search_add(tsvector, text)",
    "DROP FUNCTION IF EXISTS appeal_search_words(text)",
    "DROP TABLE IF EXISTS appeal_search",
]


async def _run(statements):
    engine = engine_finder()
    if engine.engine_type == "postgres":
        for statement in statements:
            await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="appeals", description=DESCRIPTION)

    async def run():
        await _run(POSTGRES)

    async def run_backwards():
        await _run(DROP_POSTGRES)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)

    return manager
