from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-28T01:07:46:434581"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: unique indexes and full-text search"

# What piccolo cannot declare: composite unique indexes and the full-text indexes.
# Every statement is idempotent (IF NOT EXISTS), so a re-run is harmless.
COMMON = [
    "CREATE UNIQUE INDEX IF NOT EXISTS appeal_counter_org_year"
    " ON appeal_counter (organization_id, year)",
    "CREATE UNIQUE INDEX IF NOT EXISTS appeal_timeline_external"
    " ON appeal_timeline (channel_account_id, kind, external_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS appeal_link_pair ON appeal_link (appeal_id, other_id, kind)",
    "CREATE UNIQUE INDEX IF NOT EXISTS appeal_tag_pair ON appeal_tag (appeal_id, tag)",
    "CREATE INDEX IF NOT EXISTS appeal_appeal_inbound"
    " ON appeal_appeal (member_id, organization_id, channel)",
    "CREATE INDEX IF NOT EXISTS appeal_appeal_listing ON appeal_appeal (created_at, id)",
]

CONTENT = "('message_in', 'message_out', 'note')"


def pg_document(column):
    return (
        f"(to_tsvector('russian', translate({column}, 'Ёё', 'Ее'))"
        f" || to_tsvector('english', translate({column}, 'Ёё', 'Ее')))"
    )


POSTGRES = [
    "CREATE INDEX IF NOT EXISTS appeal_appeal_fts ON appeal_appeal"
    f" USING gin ({pg_document('subject')})",
    "CREATE INDEX IF NOT EXISTS appeal_timeline_fts ON appeal_timeline"
    f" USING gin ({pg_document('body')}) WHERE kind IN {CONTENT}",
]


def fold(value):
    return f"replace(replace({value}, 'ё', 'е'), 'Ё', 'Е')"


TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"
SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS appeal_subject_fts"
    f" USING fts5(appeal_id UNINDEXED, subject, {TOKENIZE})",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS appeal_timeline_fts USING fts5(body, {TOKENIZE})",
    "CREATE TRIGGER IF NOT EXISTS appeal_subject_fts_ai AFTER INSERT ON appeal_appeal BEGIN"
    " INSERT INTO appeal_subject_fts (appeal_id, subject)"
    f" VALUES (new.id, {fold('new.subject')}); END",
    "CREATE TRIGGER IF NOT EXISTS appeal_subject_fts_au AFTER UPDATE OF subject ON appeal_appeal"
    " BEGIN DELETE FROM appeal_subject_fts WHERE appeal_id = old.id;"
    " INSERT INTO appeal_subject_fts (appeal_id, subject)"
    f" VALUES (new.id, {fold('new.subject')}); END",
    "CREATE TRIGGER IF NOT EXISTS appeal_subject_fts_ad AFTER DELETE ON appeal_appeal BEGIN"
    " DELETE FROM appeal_subject_fts WHERE appeal_id = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS appeal_timeline_fts_ai AFTER INSERT ON appeal_timeline"
    f" WHEN new.kind IN {CONTENT} BEGIN"
    f" INSERT INTO appeal_timeline_fts (rowid, body) VALUES (new.id, {fold('new.body')}); END",
    "CREATE TRIGGER IF NOT EXISTS appeal_timeline_fts_au AFTER UPDATE OF body ON appeal_timeline"
    " BEGIN DELETE FROM appeal_timeline_fts WHERE rowid = old.id;"
    f" INSERT INTO appeal_timeline_fts (rowid, body) SELECT new.id, {fold('new.body')}"
    f" WHERE new.kind IN {CONTENT}; END",
    "CREATE TRIGGER IF NOT EXISTS appeal_timeline_fts_ad AFTER DELETE ON appeal_timeline BEGIN"
    " DELETE FROM appeal_timeline_fts WHERE rowid = old.id; END",
    # Rows written before this migration (none on a fresh install).
    f"INSERT INTO appeal_subject_fts (appeal_id, subject) SELECT id, {fold('subject')}"
    " FROM appeal_appeal WHERE id NOT IN (SELECT appeal_id FROM appeal_subject_fts)",
    f"INSERT INTO appeal_timeline_fts (rowid, body) SELECT id, {fold('body')}"
    f" FROM appeal_timeline WHERE kind IN {CONTENT}"
    " AND id NOT IN (SELECT rowid FROM appeal_timeline_fts)",
]

DROP_COMMON = [
    "DROP INDEX IF EXISTS appeal_counter_org_year",
    "DROP INDEX IF EXISTS appeal_timeline_external",
    "DROP INDEX IF EXISTS appeal_link_pair",
    "DROP INDEX IF EXISTS appeal_tag_pair",
    "DROP INDEX IF EXISTS appeal_appeal_inbound",
    "DROP INDEX IF EXISTS appeal_appeal_listing",
]
DROP_POSTGRES = [
    "DROP INDEX IF EXISTS appeal_appeal_fts",
    "DROP INDEX IF EXISTS appeal_timeline_fts",
]
DROP_SQLITE = [
    *(
        f"DROP TRIGGER IF EXISTS {name}"
        for name in (
            "appeal_subject_fts_ai", "appeal_subject_fts_au", "appeal_subject_fts_ad",
            "appeal_timeline_fts_ai", "appeal_timeline_fts_au", "appeal_timeline_fts_ad",
        )
    ),
    "DROP TABLE IF EXISTS appeal_subject_fts",
    "DROP TABLE IF EXISTS appeal_timeline_fts",
]


async def _run(statements_by_engine):
    engine = engine_finder()
    for statement in statements_by_engine[engine.engine_type]:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="appeals", description=DESCRIPTION
    )

    async def run():
        await _run({"postgres": COMMON + POSTGRES, "sqlite": COMMON + SQLITE})

    async def run_backwards():
        await _run({"postgres": DROP_POSTGRES + DROP_COMMON, "sqlite": DROP_SQLITE + DROP_COMMON})

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)

    return manager
