from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-08T03:50:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "raw sql: one open callback per appeal (duplicates merged into the oldest)"

# Two missed calls on one appeal handled at once could each find no open callback and insert
# one; a later event of a call counted on another call's callback counted it again. From now
# on a call's row names the callback it counted on (phone_call.callback_id, the previous
# migration), and a unique partial index keeps one open (pending or calling) callback per
# appeal, which callbacks.owe counts on with INSERT … ON CONFLICT. Before the index: the calls
# already counted get their callback — the one they made, else the newest of their appeal made
# by their last update (they counted on it or on an older one: either way, counted) — and an
# appeal's open callbacks are merged into its oldest (missed calls and attempts summed), the
# others closed as done with the outcome «merged» and no completed_at (nobody called back: the
# reports leave them out), their calls pointed at the one they went into. The same statements on
# both engines; each may run again.

OPEN = "status IN ('pending', 'calling')"


def _first_open(alias: str, appeal: str) -> str:
    """The oldest open callback of ``appeal`` (the one the others merge into)."""
    return (
        f"(SELECT {alias}.id FROM phone_callback {alias} WHERE {alias}.appeal_id = {appeal}"
        f" AND {alias}.{OPEN} ORDER BY {alias}.created_at, {alias}.id LIMIT 1)"
    )


def _sum_open(column: str) -> str:
    return (
        f"(SELECT sum(o.{column}) FROM phone_callback o"
        f" WHERE o.appeal_id = phone_callback.appeal_id AND o.{OPEN})"
    )


UP = [
    # The calls that made a callback.
    "UPDATE phone_call SET callback_id ="
    " (SELECT c.id FROM phone_callback c WHERE c.call_key = phone_call.key)"
    " WHERE callback_id IS NULL"
    " AND EXISTS (SELECT 1 FROM phone_callback c WHERE c.call_key = phone_call.key)",
    # The missed calls that counted on another call's callback.
    "UPDATE phone_call SET callback_id = (SELECT c.id FROM phone_callback c"
    " WHERE c.appeal_id = phone_call.appeal_id AND c.created_at <= phone_call.updated_at"
    " ORDER BY c.created_at DESC, c.id DESC LIMIT 1)"
    " WHERE callback_id IS NULL AND appeal_id IS NOT NULL AND direction = 'in'"
    """ AND state LIKE '%"missed":"%'""",
    # The oldest open callback of an appeal with several takes their counts ...
    f"UPDATE phone_callback SET missed = {_sum_open('missed')},"
    f" attempts = {_sum_open('attempts')}"
    f" WHERE {OPEN} AND id = {_first_open('f', 'phone_callback.appeal_id')}"
    " AND EXISTS (SELECT 1 FROM phone_callback d WHERE d.appeal_id = phone_callback.appeal_id"
    f" AND d.{OPEN} AND d.id <> phone_callback.id)",
    # ... and their calls,
    f"UPDATE phone_call SET callback_id = {_first_open('f', 'm.appeal_id')}"
    " FROM phone_callback m"
    f" WHERE m.id = phone_call.callback_id AND m.{OPEN}"
    f" AND m.id <> {_first_open('f2', 'm.appeal_id')}",
    # ... and they are closed.
    "UPDATE phone_callback SET status = 'done', outcome = 'merged', completed_at = NULL"
    f" WHERE {OPEN} AND id <> {_first_open('f', 'phone_callback.appeal_id')}",
    "CREATE UNIQUE INDEX IF NOT EXISTS phone_callback_open_appeal"
    f" ON phone_callback (appeal_id) WHERE {OPEN}",
]
DOWN = ["DROP INDEX IF EXISTS phone_callback_open_appeal"]


async def _run(statements):
    engine = engine_finder()
    for statement in statements:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="phone", description=DESCRIPTION)

    async def run():
        await _run(UP)

    async def run_backwards():
        await _run(DOWN)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
