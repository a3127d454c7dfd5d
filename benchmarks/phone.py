"""Call events: Mango Office ``call_state`` webhooks (signed ``sha256(key + json + salt)``)
posted to a real app server on PostgreSQL until each call's timeline entry is committed — p99
at 50 events/s (target < 100 ms) — beside pgbench running the same SQL in the same run.

An app process (``unionline run``: uvicorn, one worker, in-process jobs, the ``phone``
plugin) has one Mango line whose extension 101 is an operator's. Each call is five
``call_state`` events as Mango sends them (the IVR leg Appeared and Disconnected, the
operator's leg Appeared, Connected, Disconnected, with ``seq`` per leg); calls run ten at a
time, their events interleaved. Every event is verified, stored once, the call folded from all
its stored events and its entry written (the first event: through the SDK's inbound path onto
the member's open appeal; the others: ``update_entry`` of that entry), and answered 200 after
the commit. ``MEMBERS`` members call once first (warm-up: members and appeals created), so the
measured calls continue their open appeals.

* **latency** — an open loop of ``RATE`` events/s for ``SECONDS``: each event is sent at its
  scheduled time whatever the earlier ones do, and timed from that schedule to its 200. p99
  (and p50). **Baseline**: pgbench's p99 for the same statements at the same rate (its
  per-transaction log, latency from the scheduled start): :data:`FIRST_SCRIPT` for a call's
  first event and :data:`NEXT_SCRIPT` for the others, weighted 1 : 4 as in the load (one of
  the app's four later events changes nothing it shows and stops before writing the entry:
  the baseline does a little more than the app) — the
  statements ``python -m benchmarks._phone_statements`` prints from a recording driver, with
  random members and call ids.

Needs PostgreSQL (``UNIONLINE_TEST_DATABASE_URL``, else ``postgresql://postgres@127.0.0.1:5432/test``;
a scratch database is created and dropped) and ``pgbench``. Standalone:
``python -m benchmarks.phone [--quick]``.
"""

# ruff: noqa: E501  (the pgbench scripts keep each statement on one line, as the app sends it)

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from benchmarks.webhook_ingest import DEFAULT_PG, cpu_seconds, pgbench_binary, quantile

P99 = "phone call events p99 at 50 events/s, ms"
P99_TARGET = "phone call events p99 vs 100 ms target"
TARGETS = {P99_TARGET: "< 1"}
RATE = 50  # events per second, open loop
MEMBERS = 200
IN_FLIGHT = 10  # calls at a time, their events interleaved
API_KEY = "bench-vpbx-key"
SALT = "bench-vpbx-salt"
LINE_NUMBER = "74951112233"

# The statements of one event, in the order the app runs them (its asyncpg statements, with
# the values it binds replaced by pgbench variables). FIRST: a call's first event (the call's
# row claimed, the event stored, the entry made on the member's open appeal); NEXT: any later
# one (the entry rewritten). Kept in step with ``python -m benchmarks._phone_statements``.
# (A colon before a letter inside a string is a variable to pgbench: ':' || 'p', not ':p'.)
# :entry_data, :event_payload, :state and :payload are an entry's data, an event's payload, a
# call's fold and a stored event as the app wrote them in this run (read back before pgbench).
FIRST_SCRIPT = """
\\set m random(1, :members)
\\set n random(1, 2000000000)
SELECT id, organization_id, channel, name, public_key, lookup_key, config, secrets, status, status_reason, created_at, updated_at FROM channel_account WHERE id = :line AND channel = 'phone' LIMIT 1;
BEGIN;
INSERT INTO phone_call (id, key, account_id, call, direction, number, state, shown, external_id, created_at, updated_at) VALUES (gen_random_uuid(), :line::text || ':' || 'p' || :n::text, :line, 'p' || :n::text, 'in', '', '{}', false, '', extract(epoch FROM clock_timestamp()), extract(epoch FROM clock_timestamp())) ON CONFLICT (key) DO NOTHING RETURNING id AS call_row \\gset
SELECT * FROM phone_call WHERE key = :line::text || ':' || 'p' || :n::text FOR UPDATE;
INSERT INTO phone_call_event (id, key, call_id, payload, received_at) VALUES (gen_random_uuid(), :line::text || ':' || 'p' || :n::text || ':' || '1', :call_row, :payload, extract(epoch FROM clock_timestamp())) ON CONFLICT (key) DO NOTHING RETURNING id;
SELECT payload FROM phone_call_event WHERE call_id = :call_row;
INSERT INTO channel_inbound (id, account_id, external_id, key, sender_kind, sender_address, conversation, received_at) VALUES (gen_random_uuid(), :line, 'call' || ':' || 'p' || :n::text, :line::text || ':' || 'call' || ':' || 'p' || :n::text, 'phone', '+7916' || lpad(:m::text, 7, '0'), '+7916' || lpad(:m::text, 7, '0'), extract(epoch FROM clock_timestamp())) ON CONFLICT (key) DO NOTHING RETURNING id AS inbound_id \\gset
SELECT member_id FROM member_contact_point WHERE key = 'phone:+7916' || lpad(:m::text, 7, '0') LIMIT 1 \\gset
SELECT merged_into FROM member_member WHERE id = :member_id LIMIT 1;
SELECT merged_into FROM member_member WHERE id = :member_id LIMIT 1;
SELECT merged_into FROM member_member WHERE id = :member_id LIMIT 1;
SELECT pg_advisory_xact_lock(hashtext(:member_id), 7);
SELECT * FROM appeal_timeline WHERE channel_account_id = :line AND kind = 'message_in' AND external_id = 'call' || ':' || 'p' || :n::text;
SELECT * FROM appeal_appeal WHERE organization_id = :org AND member_id = :member_id AND channel = 'phone' AND channel_account_id = :line ORDER BY CASE WHEN status IN ('new', 'open', 'waiting') THEN 0 ELSE 1 END, created_at DESC, id DESC LIMIT 1 FOR UPDATE \\gset a_
UPDATE appeal_appeal SET last_member_message_at = now(), updated_at = now() WHERE id = :a_id RETURNING *;
INSERT INTO appeal_timeline (appeal_id, member_id, kind, author_id, body, data, channel, channel_account_id, external_id, delivery_status, created_at) VALUES (:a_id, :member_id, 'message_in', NULL, 'Входящий звонок · идёт', :entry_data, 'phone', :line, 'call' || ':' || 'p' || :n::text, NULL, now()) RETURNING * \\gset t_
INSERT INTO system_event (type, organization_id, payload, created_at) VALUES ('appeal.message_in', :org, :event_payload, CURRENT_TIMESTAMP) RETURNING id;
SELECT pg_notify('unionline_events', '');
UPDATE channel_inbound SET member_id = :member_id, appeal_id = :a_id, entry_id = :t_id WHERE id = :inbound_id;
SELECT id FROM appeal_timeline WHERE channel_account_id = :line AND external_id = 'call' || ':' || 'p' || :n::text AND kind IN ('message_in', 'message_out') ORDER BY id LIMIT 1;
SELECT * FROM appeal_timeline WHERE id = :t_id AND kind IN ('message_in', 'message_out') FOR UPDATE;
UPDATE appeal_timeline SET body = 'Входящий звонок · идёт', data = :entry_data WHERE id = :t_id RETURNING *;
SELECT * FROM appeal_appeal WHERE id = :a_id;
INSERT INTO system_event (type, organization_id, payload, created_at) VALUES ('appeal.message_updated', :org, :event_payload, CURRENT_TIMESTAMP) RETURNING id;
UPDATE phone_call SET direction = 'in', number = '+7916' || lpad(:m::text, 7, '0'), state = :state, shown = true, external_id = 'call' || ':' || 'p' || :n::text, appeal_id = :a_id, member_id = :member_id, updated_at = extract(epoch FROM clock_timestamp()) WHERE id = :call_row;
COMMIT;
"""
NEXT_SCRIPT = """
\\set k random(1, :calls)
\\set n random(1, 2000000000)
SELECT id, organization_id, channel, name, public_key, lookup_key, config, secrets, status, status_reason, created_at, updated_at FROM channel_account WHERE id = :line AND channel = 'phone' LIMIT 1;
BEGIN;
INSERT INTO phone_call (id, key, account_id, call, direction, number, state, shown, external_id, created_at, updated_at) VALUES (gen_random_uuid(), :line::text || ':' || 'bench-' || :k::text, :line, 'bench-' || :k::text, 'in', '', '{}', false, '', extract(epoch FROM clock_timestamp()), extract(epoch FROM clock_timestamp())) ON CONFLICT (key) DO NOTHING;
SELECT * FROM phone_call WHERE key = :line::text || ':' || 'bench-' || :k::text FOR UPDATE \\gset c_
INSERT INTO phone_call_event (id, key, call_id, payload, received_at) VALUES (gen_random_uuid(), :line::text || ':' || 'e' || :n::text, :c_id, :payload, extract(epoch FROM clock_timestamp())) ON CONFLICT (key) DO NOTHING RETURNING id;
SELECT payload FROM phone_call_event WHERE call_id = :c_id;
SELECT id AS t_id FROM appeal_timeline WHERE channel_account_id = :line AND external_id = 'call' || ':' || 'bench-' || :k::text AND kind IN ('message_in', 'message_out') ORDER BY id LIMIT 1 \\gset
SELECT * FROM appeal_timeline WHERE id = :t_id AND kind IN ('message_in', 'message_out') FOR UPDATE;
UPDATE appeal_timeline SET body = 'Входящий звонок · разговор', data = :entry_data WHERE id = :t_id RETURNING *;
SELECT * FROM appeal_appeal WHERE id = :c_appeal_id;
INSERT INTO system_event (type, organization_id, payload, created_at) VALUES ('appeal.message_updated', :org, :event_payload, CURRENT_TIMESTAMP) RETURNING id;
SELECT pg_notify('unionline_events', '');
UPDATE phone_call SET direction = 'in', number = :c_number, state = :state, shown = true, external_id = :c_external_id, appeal_id = :c_appeal_id, member_id = :c_member_id, updated_at = extract(epoch FROM clock_timestamp()) WHERE id = :c_id;
COMMIT;
"""


# -- the app ----------------------------------------------------------------------------------


async def seed(url: str) -> dict[str, str]:
    from unionline.testing.support import make_settings, running_app

    async with running_app(make_settings(url, plugins=["phone"]), migrate=True) as h:
        return await seed_app(h)


async def seed_app(h: Any) -> dict[str, str]:
    """An organization, an operator with extension 101, a Mango line (admin API)."""
    post, headers = h.client.post, h.admin_headers
    org = await post("/api/organizations/", headers=headers,
                     json={"name": "Профсоюз", "code": "PPO", "kind": "federation"})  # fmt: skip
    org_id = org.json()["id"]
    operator = await post("/api/operators/", headers=headers, json={
        "login": "ivanova", "password": "password-123", "name": "Иванова",
        "grants": [{"role": "operator", "organization_id": org_id}]})  # fmt: skip
    line = await post(
        "/api/channel-accounts/",
        headers=headers,
        json={"organization_id": org_id, "channel": "phone", "name": "Манго",
              "config": {"provider": "mango", "operators": ["101 = ivanova"],
                         "caller_number": LINE_NUMBER, "recording_days": 0},
              "secrets": {"api_key": API_KEY, "api_secret": SALT}},
    )  # fmt: skip
    for answer in (org, operator, line):
        if answer.status_code != 201:
            raise RuntimeError(f"seeding failed: {answer.status_code} {answer.text}")
    return {"org": org_id, "line": line.json()["id"], "operator": operator.json()["id"]}


def app_env(database_url: str) -> dict[str, str]:
    from unionline.testing.support import TEST_SECRET

    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")}
    return env | {
        "UNIONLINE_SECRET_KEY": TEST_SECRET,  # the seed encrypted the line's secrets with it
        "UNIONLINE_DATABASE_URL": database_url,
        "UNIONLINE_PLUGINS": "phone",
        "UNIONLINE_JOBS__EXECUTOR": "inprocess",
        "UNIONLINE_LOG__LEVEL": "WARNING",
    }


def number(member: int) -> str:
    return f"7916{member:07d}"


def call_events(entry: str, member: int, t: int) -> list[bytes]:
    """Mango's five ``call_state`` events of an answered call, as form bodies signed for the
    line (``sign = sha256(vpbx_api_key + json + salt)``)."""
    caller = {"number": number(member)}
    to_line = {"number": LINE_NUMBER, "line_number": LINE_NUMBER}
    to_ext = {"extension": "101", "number": "sip:101@union.mangosip.ru", "line_number": LINE_NUMBER}
    ivr, leg = f"{entry}:1", f"{entry}:2"
    states = [
        (ivr, 1, "Appeared", "ivr", to_line, t, None),
        (ivr, 2, "Disconnected", "ivr", to_line, t + 3, 1100),
        (leg, 1, "Appeared", "abonent", to_ext, t + 3, None),
        (leg, 2, "Connected", "abonent", to_ext, t + 8, None),
        (leg, 3, "Disconnected", "abonent", to_ext, t + 83, 1110),
    ]
    bodies = []
    for call_id, seq, state, location, to, at, reason in states:
        event: dict[str, Any] = {"entry_id": entry, "call_id": call_id, "timestamp": at,
                                 "seq": seq, "call_state": state, "location": location,
                                 "from": caller, "to": to}  # fmt: skip
        if reason is not None:
            event["disconnect_reason"] = reason
        body = json.dumps(event, ensure_ascii=False)
        sign = hashlib.sha256(f"{API_KEY}{body}{SALT}".encode()).hexdigest()
        bodies.append(urlencode({"vpbx_api_key": API_KEY, "sign": sign, "json": body}).encode())
    return bodies


def interleaved(calls: list[list[bytes]]) -> list[bytes]:
    """The calls ``IN_FLIGHT`` at a time, their events taking turns."""
    out: list[bytes] = []
    for start in range(0, len(calls), IN_FLIGHT):
        group = calls[start : start + IN_FLIGHT]
        for step in range(len(group[0])):
            out += [events[step] for events in group]
    return out


class Load:
    def __init__(self, base: str, line: str) -> None:
        import httpx

        self.path = f"/channels/phone/{line}/events/call"
        self.client = httpx.AsyncClient(
            base_url=base, timeout=60, limits=httpx.Limits(max_connections=64)
        )
        self.calls = iter(range(1, 10**9))

    def calls_for(self, members: list[int]) -> list[list[bytes]]:
        t = int(time.time())
        return [call_events(f"bench-{next(self.calls)}", m, t) for m in members]

    async def post(self, body: bytes) -> None:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        answer = await self.client.post(self.path, content=body, headers=headers)
        if answer.status_code != 200:
            raise RuntimeError(f"the line answered {answer.status_code}: {answer.text[:300]}")

    async def warm_up(self) -> None:
        """Every member calls once: members and their appeals exist."""
        members = list(range(1, MEMBERS + 1))
        for events in self.calls_for(members):
            for body in events:
                await self.post(body)

    async def open_loop(self, seconds: float) -> list[float]:
        """``RATE`` events/s for ``seconds``; ms from each one's schedule to its 200."""
        calls = max(1, int(RATE * seconds) // (5 * IN_FLIGHT)) * IN_FLIGHT  # whole groups
        rng = random.Random(16)
        members = [rng.randint(1, MEMBERS) for _ in range(calls)]
        bodies = interleaved(self.calls_for(members))  # every call's five events
        latencies: list[float] = []
        start = time.perf_counter() + 0.2

        async def one(index: int, body: bytes) -> None:
            due = start + index / RATE
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            await self.post(body)
            latencies.append((time.perf_counter() - due) * 1000)

        await asyncio.gather(*(one(i, b) for i, b in enumerate(bodies)))
        return latencies

    async def close(self) -> None:
        await self.client.aclose()


async def measure(url: str, ids: dict[str, str], workdir: Path, seconds: int) -> dict[str, Any]:
    from benchmarks.console_fanout import app_process

    found: dict[str, Any] = {}
    async with app_process(app_env(url), workdir) as (base, pid):
        load = Load(base, ids["line"])
        try:
            await load.warm_up()
            await load.open_loop(3)
            cpu, started = cpu_seconds(pid), time.perf_counter()
            latencies = await load.open_loop(seconds)
            found["rate"] = len(latencies) / (time.perf_counter() - started)
            found["cpu_ms"] = (cpu_seconds(pid) - cpu) * 1000 / len(latencies)
        finally:
            await load.close()
    found["p99"], found["p50"] = quantile(latencies, 0.99), quantile(latencies, 0.50)
    found["events"] = len(latencies)
    defines = {**ids, **await written(url)}
    found["pgbench_p99"] = await asyncio.to_thread(pgbench_p99, url, defines, workdir, seconds)
    return found


async def written(url: str) -> dict[str, str]:
    """What the app wrote, for pgbench to write the same: an entry's data, an event's payload,
    a call's fold, a stored event; and how many calls there are (``bench-1`` … ``bench-N``)."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return {
            "entry_data": await conn.fetchval(
                "SELECT data::text FROM appeal_timeline WHERE external_id LIKE 'call:%' LIMIT 1"
            ),
            "event_payload": await conn.fetchval(
                "SELECT payload::text FROM system_event WHERE type = 'appeal.message_updated'"
                " LIMIT 1"
            ),
            "state": await conn.fetchval("SELECT state FROM phone_call LIMIT 1"),
            "payload": await conn.fetchval("SELECT payload FROM phone_call_event LIMIT 1"),
            "calls": str(await conn.fetchval("SELECT count(*) FROM phone_call")),
        }
    finally:
        await conn.close()


# -- the baseline: pgbench --------------------------------------------------------------------


def pgbench_p99(url: str, defines: dict[str, str], workdir: Path, seconds: int) -> float:
    first, then = workdir / "first.sql", workdir / "next.sql"
    first.write_text(FIRST_SCRIPT, encoding="utf-8")
    then.write_text(NEXT_SCRIPT, encoding="utf-8")
    logs = workdir / "pgblog"
    logs.mkdir(exist_ok=True)
    parts = urlsplit(url)
    defines = {**defines, "members": str(MEMBERS)}
    command = [pgbench_binary(), "-n", "-M", "prepared", "-f", f"{first}@1", "-f", f"{then}@4",
               "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
               "-U", parts.username or "postgres", *(f"-D{k}={v}" for k, v in defines.items()),
               "-c", "8", "-j", "2", "-T", str(seconds), f"--rate={RATE}", "-l",
               f"--log-prefix={logs / 'tx'}", parts.path.lstrip("/")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=workdir, check=False)
    if done.returncode != 0 or "number of failed transactions: 0 " not in done.stdout:
        raise RuntimeError(f"pgbench failed ({done.returncode}): {done.stderr[-2000:]}")
    latencies = [int(line.split()[2]) / 1000 for path in logs.glob("tx*")
                 for line in path.read_text().splitlines() if line.strip()]  # fmt: skip
    if not latencies:
        raise RuntimeError("pgbench wrote no transaction log")
    return quantile(latencies, 0.99)


# -- the run ----------------------------------------------------------------------------------


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    from unionline.testing.support import fresh_database

    server = os.environ.get("UNIONLINE_TEST_DATABASE_URL") or DEFAULT_PG
    seconds = 10 if quick else 30
    load = os.getloadavg()
    print(f"# phone: PostgreSQL; {MEMBERS} members, {IN_FLIGHT} calls in flight, {seconds} s at "
          f"{RATE} events/s; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}",
          flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        ids = asyncio.run(seed(url))
        got = asyncio.run(measure(url, ids, Path(tmp), seconds))
    behind = (
        f" (behind {RATE}/s: a backlog, the p99 measures it)" if got["rate"] < RATE * 0.95 else ""
    )
    print(f"# phone: app p50 {got['p50']:.1f} ms over {got['events']} events, answered at "
          f"{got['rate']:.1f} events/s{behind}, "
          f"{got['cpu_ms']:.1f} ms of the app process's CPU per event; load average after "
          f"{os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    return [
        (P99, got["p99"], got["pgbench_p99"],
         f"ms from schedule to 200 (committed); baseline: pgbench p99 of the same SQL at --rate={RATE}"),
        (P99_TARGET, got["p99"], 100.0, "ms; baseline: the 100 ms target"),
    ]  # fmt: skip


if __name__ == "__main__":
    for name, value, baseline, unit in run("--quick" in sys.argv):
        target = TARGETS.get(name, "")
        print(f"{name}: {value:,.1f} vs {baseline:,.1f} {unit} (ratio {value / baseline:.2f}"
              f"{', target ' + target if target else ''})")  # fmt: skip
