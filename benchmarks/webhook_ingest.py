"""Webhook ingest: Telegram updates through a real app server on PostgreSQL vs. pgbench running
the same SQL (targets: throughput >= 0.3x; p99 < 100 ms at 100 messages/s), and the same app on
the embedded SQLite file beside it, in the same run.

An app process (``unionline run``: uvicorn, one worker, in-process jobs, the Telegram channel)
receives Telegram updates on its webhook. Each update is verified and decoded, then stored in
one transaction (the ``channel_inbound`` dedup row, identity resolution, the member's open
appeal continued, a ``message_in`` timeline entry, the ``appeal.message_in`` event) and
answered 200 after the commit; after it, the event is relayed and the appeal is routed by a
``routing.route`` job. ``SENDERS`` members first write once each (warm-up: members and appeals
created, routed), so the measured messages are members writing into their open appeals.

* **throughput** — ``CONCURRENCY`` connections post back to back (a keep-alive HTTP/1.1
  client written for the benchmark, so the load generator costs little); messages divided by
  the time until the last one is answered *and* every route job has finished.
  **Baseline**: ``pgbench`` at the same concurrency running :data:`PGBENCH_SCRIPT`, the
  statements the ingest path executes for one such message (``python -m
  benchmarks._ingest_statements`` prints them from a recording driver): the webhook
  transaction, the robots' rule lookup, the route job's insert, claim, routing transaction
  and completion — with random senders and message ids. The event relay, one task per app
  process, runs beside it as one more pgbench client at the message rate.
* **latency** — an open-loop load of 100 messages/s for ``LATENCY_SECONDS``: each request is
  sent at its scheduled time whatever the earlier ones do, and timed from that schedule to
  the 200 answer (the commit); an update the app refuses with 503 when overloaded is sent
  again a second later, as Telegram would, and timed to its 200 (the refusals are counted).
  p99 over all. **Baseline**: pgbench's p99 for the same script at ``--rate=100`` (its
  per-transaction log; latency from the scheduled start too).
* **on SQLite** — the same app, load and rounds on a SQLite file (the embedded default: one
  process, the file's long-lived connections of ``unionline.db_sqlite``). **Baseline**: the
  app's own throughput and p99 on PostgreSQL measured just before; no target (the rows show
  what the embedded engine costs against the server one).

Needs PostgreSQL (``UNIONLINE_TEST_DATABASE_URL``, else ``postgresql://postgres@127.0.0.1:5432/test``;
a scratch database is created and dropped) and ``pgbench`` (Debian: package ``postgresql``;
``./scripts/bench`` installs it). Standalone: ``python -m benchmarks.webhook_ingest [--quick]``.
"""

# ruff: noqa: E501  (the pgbench scripts keep each statement on one line, as the app sends it)

from __future__ import annotations

import asyncio
import contextlib
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

THROUGHPUT = "webhook ingest, messages/s"
P99 = "webhook ingest p99 at 100 msg/s, ms"
P99_TARGET = "webhook ingest p99 vs 100 ms target"
SQLITE_THROUGHPUT = "webhook ingest on SQLite, messages/s (vs the app on PostgreSQL)"
SQLITE_P99 = "webhook ingest on SQLite, p99 at 100 msg/s, ms (vs PostgreSQL)"
TARGETS = {THROUGHPUT: ">= 0.3", P99_TARGET: "< 1"}
CONCURRENCY = 16
SENDERS = 400
RATE = 100  # messages per second, open loop
ROUNDS = 2
SECRET_TOKEN = "benchmark_webhook_secret_0123456789"
BOT_TOKEN = "123456:" + "b" * 35
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
TEXT = "Здравствуйте! Подскажите, пожалуйста, как оформить отпуск за свой счёт?"

# The statements of one steady-state message, in the order the app runs them (its asyncpg
# statements, with the values it binds replaced by pgbench variables). Autocommit statements
# stand alone; BEGIN/COMMIT mark the app's transactions. Payload sizes match the app's.
PGBENCH_SCRIPT = """
\\set sender random(1, :senders)
\\set n random(1, 2000000000)
SELECT id, organization_id, channel, name, public_key, lookup_key, config, secrets, status, status_reason, created_at, updated_at FROM channel_account WHERE id = :acct AND channel = 'telegram' LIMIT 1;
BEGIN;
INSERT INTO channel_inbound (id, account_id, external_id, key, sender_kind, sender_address, conversation, received_at) VALUES (gen_random_uuid(), :acct, :n, :acct::text || ':' || :n, 'telegram', :sender, :sender, extract(epoch FROM clock_timestamp())) ON CONFLICT (key) DO NOTHING RETURNING id AS inbound_id \\gset
SELECT member_id FROM member_contact_point WHERE key = 'telegram:' || :sender LIMIT 1 \\gset
SELECT merged_into FROM member_member WHERE id = :member_id LIMIT 1;
SELECT merged_into FROM member_member WHERE id = :member_id LIMIT 1;
SELECT merged_into FROM member_member WHERE id = :member_id LIMIT 1;
SELECT pg_advisory_xact_lock(hashtext(:member_id), 7);
SELECT * FROM appeal_timeline WHERE channel_account_id = :acct AND kind = 'message_in' AND external_id = :n;
SELECT * FROM appeal_appeal WHERE organization_id = :org AND member_id = :member_id AND channel = 'telegram' AND channel_account_id = :acct ORDER BY CASE WHEN status IN ('new', 'open', 'waiting') THEN 0 ELSE 1 END, created_at DESC, id DESC LIMIT 1 FOR UPDATE \\gset a_
UPDATE appeal_appeal SET last_member_message_at = now(), updated_at = now() WHERE id = :a_id RETURNING *;
INSERT INTO appeal_timeline (appeal_id, member_id, kind, author_id, body, data, channel, channel_account_id, external_id, delivery_status, created_at) VALUES (:a_id, :member_id, 'message_in', NULL, :text, :entry_data, 'telegram', :acct, :n, NULL, now()) RETURNING * \\gset t_
INSERT INTO system_event (type, organization_id, payload, created_at) VALUES ('appeal.message_in', :org, :event_payload, CURRENT_TIMESTAMP) RETURNING id;
SELECT pg_notify('unionline_events', '');
UPDATE channel_inbound SET member_id = :member_id, appeal_id = :a_id, entry_id = :t_id WHERE id = :inbound_id;
COMMIT;
SELECT * FROM robot_rule WHERE enabled = true AND trigger_kind = 'event' AND event_type = 'appeal.message_in' AND organization_id IN (:org) ORDER BY created_at, id;
INSERT INTO system_job (name, payload, idempotency_key, status, attempts, max_attempts, run_at, created_at) VALUES ('routing.route', '{"appeal_id":"' || :a_id::text || '","avoid":[]}', 'routing.route:' || 'b' || :n::text, 'pending', 0, 8, extract(epoch FROM clock_timestamp()), extract(epoch FROM clock_timestamp())) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id;
UPDATE system_job SET status = 'running', attempts = attempts + 1, locked_until = extract(epoch FROM clock_timestamp()) + 300, locked_by = 'pgbench' || :client_id::text WHERE id IN ( SELECT id FROM system_job WHERE ( (status = 'pending' AND run_at <= extract(epoch FROM clock_timestamp())) OR (status = 'running' AND locked_until < extract(epoch FROM clock_timestamp()))) ORDER BY run_at LIMIT 8 FOR UPDATE SKIP LOCKED) AND set_config('synchronous_commit', 'off', true) IS NOT NULL RETURNING id, name, payload, idempotency_key, attempts, max_attempts;
BEGIN;
SELECT * FROM appeal_appeal WHERE id = :a_id FOR UPDATE;
SELECT * FROM routing_queue WHERE id = :queue;
SELECT * FROM routing_queue_entry WHERE appeal_id = :a_id AND left_at IS NULL ORDER BY id DESC LIMIT 1;
SELECT * FROM routing_offer WHERE appeal_id = :a_id AND state = 'pending' ORDER BY offered_at DESC LIMIT 1;
SELECT path FROM organization_organization WHERE id = :org;
SELECT o.id, o.capacity, o.skills, p.last_assigned_at FROM operator_operator o JOIN routing_presence p ON p.operator_id = o.id WHERE o.is_active = true AND p.status = 'online' AND o.id IN ( SELECT g.operator FROM operator_role_grant g WHERE g.role IN ('admin', 'operator', 'supervisor') AND (g.organization_id = :org OR g.organization_id IS NULL)) ORDER BY o.id;
SELECT assignee_id FROM appeal_appeal WHERE member_id = :member_id AND id != :a_id AND assignee_id IS NOT NULL ORDER BY updated_at DESC LIMIT 1;
COMMIT;
UPDATE system_job SET status = 'done', locked_until = NULL, locked_by = NULL, finished_at = extract(epoch FROM clock_timestamp()) WHERE locked_by = 'pgbench' || :client_id::text AND status = 'running' AND set_config('synchronous_commit', 'off', true) IS NOT NULL RETURNING id;
"""
# The app gives events their stream positions in one relay task per process, woken by each
# commit's notification (a busy relay takes several events at once). pgbench runs it the same
# way: in one client of its own, at the message rate.
RELAY_SCRIPT = """BEGIN;
SELECT pg_advisory_xact_lock(504363577198);
UPDATE system_event SET position = n.pos FROM ( SELECT id, (SELECT COALESCE(MAX(position), 0) FROM system_event) + ROW_NUMBER() OVER (ORDER BY id) AS pos FROM system_event WHERE position IS NULL ORDER BY id LIMIT 500) AS n WHERE system_event.id = n.id RETURNING system_event.id, system_event.position, system_event.type, system_event.organization_id, system_event.payload;
COMMIT;
"""


# -- the app: seeding, process, load ----------------------------------------------------------


async def seed(url: str) -> dict[str, str]:
    """Migrate, then an organization with a default queue and a Telegram bot account."""
    from unionline.testing.support import make_settings, running_app

    async with running_app(make_settings(url, plugins=["telegram"]), migrate=True) as h:
        return await seed_app(h)


async def seed_app(h: Any) -> dict[str, str]:
    """Through the admin API of a started app (an ``AppHarness``)."""
    post, headers = h.client.post, h.admin_headers
    org = await post("/api/organizations/", headers=headers,
                     json={"name": "Профсоюз", "code": "PPO", "kind": "federation"})  # fmt: skip
    org_id = org.json()["id"]
    queue = await post("/api/routing/queues/", headers=headers,
                       json={"organization_id": org_id, "name": "Общая", "is_default": True})  # fmt: skip
    account = await post(
        "/api/channel-accounts/",
        headers=headers,
        json={"organization_id": org_id, "channel": "telegram", "name": "bot",
              "public_key": "union_bot", "config": {},
              "secrets": {"bot_token": BOT_TOKEN, "webhook_secret": SECRET_TOKEN}},
    )  # fmt: skip
    for answer in (org, queue, account):
        if answer.status_code != 201:
            raise RuntimeError(f"seeding failed: {answer.status_code} {answer.text}")
    return {"org": org_id, "queue": queue.json()["id"], "acct": account.json()["id"]}


def app_env(database_url: str) -> dict[str, str]:
    from unionline.testing.support import TEST_SECRET

    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")}
    return env | {
        "UNIONLINE_SECRET_KEY": TEST_SECRET,  # the seed encrypted the bot's secrets with it
        "UNIONLINE_DATABASE_URL": database_url,
        "UNIONLINE_PLUGINS": "telegram",
        "UNIONLINE_JOBS__EXECUTOR": "inprocess",
        "UNIONLINE_LOG__LEVEL": "WARNING",
    }


def update(update_id: int, sender: int) -> bytes:
    user = {"id": sender, "is_bot": False, "first_name": "Анна", "last_name": f"№{sender}",
            "language_code": "ru"}  # fmt: skip
    message = {"message_id": update_id, "from": user, "date": int(time.time()), "text": TEXT,
               "chat": {"id": sender, "type": "private", "first_name": "Анна"}}  # fmt: skip
    return json.dumps({"update_id": update_id, "message": message}, ensure_ascii=False).encode()


class Connection:
    """One keep-alive HTTP/1.1 connection posting to the webhook (small and cheap on purpose:
    the load generator shares the machine with the server and PostgreSQL)."""

    def __init__(self, host: str, port: int, path: str) -> None:
        self.host, self.port, self.path = host, port, path
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.retry_after = 0  # seconds the last answer's Retry-After named (0: none)

    async def post(self, body: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: {SECRET_TOKEN}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n")  # fmt: skip
        self.writer.write(head.encode() + body)
        headers = await self.reader.readuntil(b"\r\n\r\n")
        status = int(headers.split(b" ", 2)[1])
        length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", headers)
        await self.reader.readexactly(int(length.group(1)) if length else 0)
        delay = re.search(rb"(?i)\r\nretry-after: *(\d+)", headers)
        self.retry_after = int(delay.group(1)) if delay else 0
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class Load:
    def __init__(self, base: str, account_id: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.path = f"/channels/telegram/{account_id}/webhook"
        self.ids = iter(range(1, 10**12))
        self.pool: list[Connection] = []
        self.refused = 0

    def connection(self) -> Connection:
        return self.pool.pop() if self.pool else Connection(self.host, self.port, self.path)

    async def send(self, sender: int) -> None:
        """Post one update until it is answered 200. A 503 (the app is overloaded and says so
        at once) is sent again after the Retry-After it names; ``refused`` counts them."""
        body = update(next(self.ids), sender)
        while (answer := await self.answer(body))[0] == 503:
            self.refused += 1
            await asyncio.sleep(answer[1])
        if answer[0] != 200:
            raise RuntimeError(f"the webhook answered {answer[0]}")

    async def post(self, body: bytes) -> int:
        return (await self.answer(body))[0]

    async def answer(self, body: bytes) -> tuple[int, int]:
        """Post ``body``; the status and the seconds its Retry-After names (0: none)."""
        conn = self.connection()
        reused = conn.writer is not None
        try:
            try:
                status = await conn.post(body)
            except (asyncio.IncompleteReadError, ConnectionError):
                if not reused:
                    raise
                # The server closed an idle keep-alive connection: send again on a new one
                # (a redelivered update is stored once, as when Telegram retries).
                conn.close()
                conn = Connection(self.host, self.port, self.path)
                status = await conn.post(body)
        except BaseException:
            conn.close()
            raise
        self.pool.append(conn)
        return status, conn.retry_after

    def close(self) -> None:
        """Drop the idle connections (the server closes them after a few idle seconds)."""
        for conn in self.pool:
            conn.close()
        self.pool.clear()

    async def closed_loop(self, seconds: float, concurrency: int) -> int:
        """``concurrency`` senders back to back for ``seconds``; messages answered."""
        deadline, done = time.perf_counter() + seconds, 0
        rng = random.Random(7)

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                await self.send(rng.randint(1, SENDERS))
                done += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done

    async def open_loop(self, rate: float, seconds: float) -> list[float]:
        """Requests at fixed times (``rate``/s); each latency from its schedule, in ms."""
        rng, latencies, tasks = random.Random(11), [], []
        start = time.perf_counter() + 0.1

        async def one(at: float, sender: int) -> None:
            await self.send(sender)
            latencies.append((time.perf_counter() - at) * 1000)

        for i in range(int(rate * seconds)):
            at = start + i / rate
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            tasks.append(asyncio.create_task(one(at, rng.randint(1, SENDERS))))
        await asyncio.gather(*tasks)
        return latencies


class SqliteFile:
    """The SQLite file the app writes, read beside it (``fetchval`` as asyncpg's, for
    :func:`wait_routed`); WAL lets this reader in while the app writes."""

    def __init__(self, url: str) -> None:
        self.path = url.removeprefix("sqlite:///")

    async def fetchval(self, sql: str) -> Any:
        return await asyncio.to_thread(self._fetchval, sql)

    def _fetchval(self, sql: str) -> Any:
        import sqlite3

        with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as conn:
            return conn.execute(sql).fetchone()[0]


async def wait_routed(conn: Any, timeout: float = 300) -> None:
    """Until no route job is pending or running (every message routed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = await conn.fetchval(
            "SELECT count(*) FROM system_job WHERE name = 'routing.route'"
            " AND status IN ('pending', 'running')"
        )
        if left == 0:
            return
        await asyncio.sleep(0.02)
    raise RuntimeError("route jobs did not finish")


async def db_counters(conn: Any) -> dict[str, int]:
    """The database's committed transactions and written rows so far (for per-message notes)."""
    await asyncio.sleep(1.1)  # backends publish their statistics about once a second
    await conn.execute("SELECT pg_stat_clear_snapshot()")
    row = await conn.fetchrow(
        "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted AS writes"
        " FROM pg_stat_database WHERE datname = current_database()"
    )
    return {"xact": int(row["xact_commit"]), "writes": int(row["writes"])}


def per_message(before: dict[str, int], after: dict[str, int], messages: int) -> str:
    xact = (after["xact"] - before["xact"]) / messages
    writes = (after["writes"] - before["writes"]) / messages
    return f"{xact:.1f} transactions and {writes:.1f} row writes per message"


async def measure(url: str, ids: dict[str, str], workdir: Path, quick: bool) -> dict[str, Any]:
    """The app's figures and pgbench's, alternating (best of ``ROUNDS`` each): the machine's
    drift then favours neither."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return await drive(url, ids, workdir, quick, conn)
    finally:
        await conn.close()


async def drive(
    url: str, ids: dict[str, str], workdir: Path, quick: bool, conn: Any
) -> dict[str, Any]:
    """Warm up, ``ROUNDS`` closed-loop rounds and the open loop against an app process on
    ``url``; ``conn`` reads the database (asyncpg, or :class:`SqliteFile`: then no pgbench)."""
    postgres = not isinstance(conn, SqliteFile)
    seconds, latency_seconds = (8, 10) if quick else (20, 25)
    found: dict[str, Any] = {"app": [], "pgbench": []}
    try:
        return await _drive(url, ids, workdir, conn, postgres, (seconds, latency_seconds), found)
    except RuntimeError:
        for log in workdir.glob("app-*.log"):  # why the app answered as it did
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
            print(f"# webhook_ingest: {log.name} ends:", *tail, sep="\n# ", flush=True)
        raise


async def _drive(
    url: str,
    ids: dict[str, str],
    workdir: Path,
    conn: Any,
    postgres: bool,
    durations: tuple[int, int],
    found: dict[str, Any],
) -> dict[str, Any]:
    from benchmarks.console_fanout import app_process

    seconds, latency_seconds = durations
    async with app_process(app_env(url), workdir) as (base, pid):
        load = Load(base, ids["acct"])
        senders = list(range(1, SENDERS + 1))
        for start in range(0, SENDERS, CONCURRENCY):  # warm-up: every member writes once
            await asyncio.gather(*(load.send(s) for s in senders[start : start + CONCURRENCY]))
        await load.closed_loop(2, CONCURRENCY)
        await wait_routed(conn)
        for _ in range(ROUNDS):
            before = await db_counters(conn) if postgres else {}
            cpu = cpu_seconds(pid)
            started = time.perf_counter()
            messages = await load.closed_loop(seconds, CONCURRENCY)
            await wait_routed(conn)
            rate = messages / (time.perf_counter() - started)
            load.close()
            cpu = (cpu_seconds(pid) - cpu) * 1000 / messages
            work = per_message(before, await db_counters(conn), messages) + ", " if postgres else ""
            found["work"] = work + f"{cpu:.1f} ms of the app process's CPU"
            found["app"].append(rate)
            if postgres:
                found["pgbench"].append(await asyncio.to_thread(
                    pgbench_tps, url, ids, workdir, seconds, relay_rate=rate
                ))  # fmt: skip
        load.refused = 0
        latencies = await load.open_loop(RATE, latency_seconds)
        found["refused"] = load.refused
        await wait_routed(conn)
        load.close()
        if postgres:
            found["pgbench_p99"] = await asyncio.to_thread(
                pgbench_p99, url, ids, workdir, latency_seconds
            )
            found["pgbench_work"] = await pg_work(url, ids, workdir)
    appeals = await conn.fetchval("SELECT count(*) FROM appeal_appeal")
    if appeals != SENDERS:
        raise RuntimeError(f"expected {SENDERS} appeals (one per member), found {appeals}")
    found["p99"], found["p50"] = quantile(latencies, 0.99), quantile(latencies, 0.50)
    return found


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- the baseline: pgbench --------------------------------------------------------------------


def pgbench_binary() -> str:
    found = shutil.which("pgbench") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"), reverse=True)), None
    )
    if not found:
        raise RuntimeError("pgbench not found (Debian: apt-get install postgresql)")
    return found


def pgbench_command(url: str, ids: dict[str, str], script: Path, *options: str) -> list[str]:
    parts = urlsplit(url)
    entry_data = json.dumps({"message_id": 1, "sent_at": 1718000000.0, "sender_name": "Анна №1"},
                            ensure_ascii=False)  # fmt: skip
    defines = {**ids, "senders": str(SENDERS), "text": TEXT, "entry_data": entry_data,
               "event_payload": "x" * 1400}  # fmt: skip
    return [pgbench_binary(), "-n", "-M", "prepared", "-f", str(script),
            "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
            "-U", parts.username or "postgres",
            *(f"-D{k}={v}" for k, v in defines.items()), *options,
            parts.path.lstrip("/")]  # fmt: skip


def pgbench(
    url: str, ids: dict[str, str], workdir: Path, *options: str, relay_rate: float = 0
) -> str:
    """Run the message script with ``options``; with ``relay_rate``, the relay script runs
    beside it in one client at that rate for as long (``-T`` in ``options``)."""
    script, relay = workdir / "ingest.sql", workdir / "relay.sql"
    script.write_text(PGBENCH_SCRIPT, encoding="utf-8")
    relay.write_text(RELAY_SCRIPT, encoding="utf-8")
    beside = None
    if relay_rate:
        seconds = options[options.index("-T") + 1]
        command = pgbench_command(url, ids, relay, "-c", "1", "-T", seconds, f"--rate={relay_rate}")
        beside = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True, cwd=workdir)  # fmt: skip
    done = subprocess.run(pgbench_command(url, ids, script, *options),
                          capture_output=True, text=True, cwd=workdir, check=False)  # fmt: skip
    if beside is not None:
        _, errors = beside.communicate()
        if beside.returncode != 0:
            raise RuntimeError(f"pgbench (relay) failed: {errors[-2000:]}")
    if done.returncode != 0 or "number of failed transactions: 0 " not in done.stdout:
        raise RuntimeError(f"pgbench failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def pgbench_tps(
    url: str, ids: dict[str, str], workdir: Path, seconds: int, relay_rate: float
) -> float:
    out = pgbench(url, ids, workdir, "-c", str(CONCURRENCY), "-j", "2", "-T", str(seconds),
                  relay_rate=relay_rate)  # fmt: skip
    found = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
    if not found:
        raise RuntimeError(f"no tps in pgbench's output: {out[-1000:]}")
    return float(found.group(1))


def pgbench_p99(url: str, ids: dict[str, str], workdir: Path, seconds: int) -> float:
    logs = workdir / "pgblog"
    logs.mkdir(exist_ok=True)
    pgbench(url, ids, workdir, "-c", str(CONCURRENCY), "-j", "2", "-T", str(seconds),
            f"--rate={RATE}", "-l", f"--log-prefix={logs / 'tx'}", relay_rate=RATE)  # fmt: skip
    # Per transaction: client, number, latency in µs (from the scheduled start under --rate), ...
    latencies = [int(line.split()[2]) / 1000 for path in logs.glob("tx*")
                 for line in path.read_text().splitlines() if line.strip()]  # fmt: skip
    if not latencies:
        raise RuntimeError("pgbench wrote no transaction log")
    return quantile(latencies, 0.99)


async def pg_work(url: str, ids: dict[str, str], workdir: Path) -> str:
    """Transactions and row writes per message of the pgbench scripts, counted like the app's:
    1,000 messages at 100/s with the relay beside them."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        before = await db_counters(conn)
        options = ("-c", "4", "-j", "2", "-T", "10", f"--rate={RATE}")
        out = await asyncio.to_thread(pgbench, url, ids, workdir, *options, relay_rate=RATE)
        after = await db_counters(conn)
    finally:
        await conn.close()
    found = re.search(r"number of transactions actually processed: (\d+)", out)
    return per_message(before, after, int(found.group(1)) if found else 1000)


# -- the run ----------------------------------------------------------------------------------


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    from unionline.testing.support import fresh_database

    server = os.environ.get("UNIONLINE_TEST_DATABASE_URL") or DEFAULT_PG
    seconds, latency_seconds = (8, 10) if quick else (20, 25)
    print(f"# webhook_ingest: PostgreSQL, then SQLite; concurrency {CONCURRENCY}, {SENDERS} "
          f"members; {ROUNDS} x {seconds} s closed loop each, {latency_seconds} s at {RATE}/s",
          flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        ids = asyncio.run(seed(url))
        got = asyncio.run(measure(url, ids, Path(tmp), quick))
    print("# webhook_ingest: PostgreSQL measured; now SQLite", flush=True)
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp)) as url:
        ids = asyncio.run(seed(url))
        lite = asyncio.run(drive(url, ids, Path(tmp), quick, SqliteFile(url)))
    app, tps = max(got["app"]), max(got["pgbench"])
    rounds = ", ".join(
        f"{a:.0f} vs {b:.0f}" for a, b in zip(got["app"], got["pgbench"], strict=True)
    )
    print(f"# webhook_ingest: messages/s app vs pgbench by round: {rounds}", flush=True)
    print(f"# webhook_ingest: app {got['work']}; pgbench {got['pgbench_work']}",
          flush=True)  # fmt: skip
    print(f"# webhook_ingest: app p50 {got['p50']:.1f} ms at {RATE}/s; answered 503 (overloaded, "
          f"sent again 1 s later) {got['refused']} times", flush=True)  # fmt: skip
    lite_rounds = ", ".join(f"{a:.0f}" for a in lite["app"])
    print(f"# webhook_ingest: SQLite messages/s by round: {lite_rounds}; {lite['work']}; "
          f"p50 {lite['p50']:.1f} ms at {RATE}/s; 503 {lite['refused']} times",
          flush=True)  # fmt: skip
    return [
        (THROUGHPUT, app, tps,
         f"messages/s until answered and routed; baseline: pgbench of the same SQL, {CONCURRENCY} clients"),
        (P99, got["p99"], got["pgbench_p99"],
         f"ms from schedule to 200; baseline: pgbench p99 at --rate={RATE}"),
        (P99_TARGET, got["p99"], 100.0, "ms; baseline: the 100 ms target"),
        (SQLITE_THROUGHPUT, max(lite["app"]), app,
         "messages/s until answered and routed, SQLite file; baseline: the app on PostgreSQL above"),
        (SQLITE_P99, lite["p99"], got["p99"],
         f"ms from schedule to 200 at {RATE}/s, SQLite; baseline: the app's p99 on PostgreSQL"),
    ]  # fmt: skip


if __name__ == "__main__":
    for name, value, baseline, unit in run("--quick" in sys.argv):
        target = TARGETS.get(name, "")
        print(f"{name}: {value:,.1f} vs {baseline:,.1f} {unit} (ratio {value / baseline:.2f}"
              f"{', target ' + target if target else ''})")  # fmt: skip
