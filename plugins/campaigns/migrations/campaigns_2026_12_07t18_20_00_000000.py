from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T18:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: consent text versions unique per organization, not federation-wide"

# A version was unique across every organization, so adding one another organization had
# used answered 409 — telling an operator that a name exists elsewhere. It is unique within
# its organization now. PostgreSQL drops the column's constraint; SQLite cannot drop a
# column's UNIQUE, so the table is rebuilt (same columns, rows and index) without it. Every
# step can run again.
POSTGRES = [
    "ALTER TABLE campaigns_consent_text DROP CONSTRAINT IF EXISTS"
    " campaigns_consent_text_version_key",
]
SQLITE = [
    "DROP TABLE IF EXISTS campaigns_consent_text_new",
    'CREATE TABLE campaigns_consent_text_new ("id" UUID PRIMARY KEY NOT NULL,'
    ' "organization_id" UUID NOT NULL, "version" VARCHAR(40) NOT NULL DEFAULT \'\','
    " \"purpose\" VARCHAR(20) NOT NULL DEFAULT '', \"body\" TEXT NOT NULL DEFAULT '',"
    ' "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)',
    "INSERT INTO campaigns_consent_text_new (id, organization_id, version, purpose, body,"
    " created_at) SELECT id, organization_id, version, purpose, body, created_at"
    " FROM campaigns_consent_text",
    "DROP TABLE campaigns_consent_text",
    "ALTER TABLE campaigns_consent_text_new RENAME TO campaigns_consent_text",
    'CREATE INDEX IF NOT EXISTS campaigns_consent_text_organization_id ON "campaigns_consent_text"'
    ' ("organization_id")',
]
COMMON = [
    "CREATE UNIQUE INDEX IF NOT EXISTS campaigns_consent_text_version"
    " ON campaigns_consent_text (organization_id, version)",
]
# Backwards: federation-wide again (fails while two organizations share a version).
DOWN = [
    "DROP INDEX IF EXISTS campaigns_consent_text_version",
    "CREATE UNIQUE INDEX IF NOT EXISTS campaigns_consent_text_version_key"
    " ON campaigns_consent_text (version)",
]


async def _run(statements):
    engine = engine_finder()
    for statement in statements:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="campaigns", description=DESCRIPTION)

    async def run():
        postgres = engine_finder().engine_type == "postgres"
        await _run((POSTGRES if postgres else SQLITE) + COMMON)

    async def run_backwards():
        await _run(DOWN)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)

    return manager
