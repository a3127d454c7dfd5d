from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T08:53:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: the member cards' consent flags into the consent register"

# The member card's per-channel flags (``member_member.consents``: {"email": {"granted": true,
# "at": "..."}}) become register rows of purpose "info", source "legacy" — one statement per
# table, no Python loop over members. A flag that said no is recorded as withdrawn. Later
# changes of the flags are copied by the plugin's member.updated listener. Idempotent.

KEYS = "('email','email'),('mail','email'),('sms','sms'),('phone','sms'),('telegram','telegram'),('vk','vk'),('voice','voice')"

PG_AT = (
    "CASE WHEN j.value->>'at' ~ '^[0-9]{4}-' THEN extract(epoch from (j.value->>'at')::timestamptz)"
    " ELSE extract(epoch from now()) END"
)
PG_GRANTED = "COALESCE(j.value->>'granted', 'false') = 'true'"
POSTGRES = [
    "INSERT INTO campaigns_consent (id, key, member_id, organization_id, channel, purpose,"
    " text_version, source, evidence, granted_at, withdrawn_at, withdrawn_source)"
    " SELECT gen_random_uuid(), m.id::text || ':' || k.channel || ':info', m.id,"
    " m.organization_id, k.channel, 'info', 'legacy', 'legacy', '{\"from\": \"member card\"}',"
    f" {PG_AT}, CASE WHEN {PG_GRANTED} THEN NULL ELSE {PG_AT} END,"
    f" CASE WHEN {PG_GRANTED} THEN '' ELSE 'legacy' END"
    " FROM member_member m CROSS JOIN LATERAL jsonb_each(m.consents::jsonb) j"
    f" JOIN (VALUES {KEYS}) AS k(key, channel) ON k.key = j.key"
    " WHERE m.merged_into IS NULL AND jsonb_typeof(j.value) = 'object'"
    " ON CONFLICT (key) DO NOTHING",
    "INSERT INTO campaigns_consent_log (member_id, organization_id, channel, purpose, action,"
    " text_version, source, evidence, at)"
    " SELECT c.member_id, c.organization_id, c.channel, c.purpose,"
    " CASE WHEN c.withdrawn_at IS NULL THEN 'granted' ELSE 'withdrawn' END, c.text_version,"
    " c.source, c.evidence, c.granted_at FROM campaigns_consent c WHERE c.source = 'legacy'"
    " AND NOT EXISTS (SELECT 1 FROM campaigns_consent_log l WHERE l.member_id = c.member_id"
    " AND l.channel = c.channel AND l.purpose = c.purpose)",
]

SQ_AT = (
    "COALESCE((julianday(json_extract(j.value, '$.at')) - 2440587.5) * 86400.0,"
    " (julianday('now') - 2440587.5) * 86400.0)"
)
SQ_GRANTED = "json_extract(j.value, '$.granted') = 1"
SQLITE = [
    "INSERT INTO campaigns_consent (id, key, member_id, organization_id, channel, purpose,"
    " text_version, source, evidence, granted_at, withdrawn_at, withdrawn_source)"
    " SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||"
    " substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' ||"
    " hex(randomblob(6))), m.id || ':' || k.column2 || ':info', m.id, m.organization_id,"
    " k.column2, 'info', 'legacy', 'legacy', '{\"from\": \"member card\"}',"
    f" {SQ_AT}, CASE WHEN {SQ_GRANTED} THEN NULL ELSE {SQ_AT} END,"
    f" CASE WHEN {SQ_GRANTED} THEN '' ELSE 'legacy' END"
    " FROM member_member m, json_each(m.consents) j"
    f" JOIN (VALUES {KEYS}) AS k ON k.column1 = j.key"
    " WHERE m.merged_into IS NULL AND j.type = 'object'"
    " ON CONFLICT (key) DO NOTHING",
    POSTGRES[1],
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="campaigns", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        postgres = engine.engine_type == "postgres"
        exists = await engine.run_ddl(
            "SELECT to_regclass('member_member') IS NOT NULL AS found"
            if postgres
            else "SELECT COUNT(*) AS found FROM sqlite_master WHERE name = 'member_member'"
        )
        if not exists or not exists[0]["found"]:
            return  # a new database: no member cards yet (the members app migrates later)
        for statement in POSTGRES if engine.engine_type == "postgres" else SQLITE:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
