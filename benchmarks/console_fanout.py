"""Console fan-out: operator sockets over two app processes sharing Redis and PostgreSQL.

``SOCKETS`` console websockets (``websockets`` client, token auth, ``hello``) are spread over
two uvicorn processes; operators belong to ``ORGS`` primary organizations, as in a federation
of 25 primary organizations, so each event reaches that organization's operators only (every
socket still sees every event batch and must skip what it may not see). Events are published
at ``RATE`` per second through both processes (one transaction each, as the services do).

* **latency** — event built → frame received by a console: publish, commit, relay,
  Redis stream, hub, per-socket queue, websocket. p50 and p99 over every frame received.
* **baseline** — raw Redis ``PUBLISH`` → ``SUBSCRIBE`` round trip at the same rate, in the
  same run, on the same server.
* **memory per connection** — RSS growth of the two app processes while the sockets
  connected and caught up, divided by the number of sockets.

Targets: p99 <= 100 ms at 200 events/s; <= 100 KiB per connection (both rows state the
target as their baseline). Needs PostgreSQL (``UNIONLINE_TEST_DATABASE_URL``, else
``postgresql://postgres@127.0.0.1:5432/test``; a fresh database is created and dropped) and
Redis (database 11 of ``UNIONLINE_TEST_REDIS_URL``'s server, flushed).
Standalone: ``python -m benchmarks.console_fanout [--quick]``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import msgspec

from benchmarks._fanout_plugin import PLUGIN, PLUGIN_PATH

P50, P99 = "console event→frame p50", "console event→frame p99"
P99_TARGET = "console p99 vs 100 ms target"
MEMORY = "console memory per connection"
TARGETS = {P99_TARGET: "<= 1", MEMORY: "<= 1"}
ORGS = 25
RATE = 200  # events per second
TICK = 0.05  # seconds between publish requests
CLIENTS = 4  # processes reading the sockets
ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-only-secret-key-0123456789"
REDIS_DB = 11
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


# -- processes and seeding --------------------------------------------------------------------


def child_env(database_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env | {
        "UNIONLINE_SECRET_KEY": SECRET,
        "UNIONLINE_DATABASE_URL": database_url,
        "UNIONLINE_REDIS_URL": redis_url,
        "UNIONLINE_PLUGINS": PLUGIN,
        "UNIONLINE_PLUGIN_PATHS": PLUGIN_PATH,
        "UNIONLINE_JOBS__EXECUTOR": "inprocess",
        "UNIONLINE_LOG__LEVEL": "WARNING",
    }


@contextlib.asynccontextmanager
async def app_process(env: dict[str, str], workdir: Path) -> AsyncIterator[tuple[str, int]]:
    """An app process (``unionline run``); yields (base URL, pid)."""
    import httpx

    from unionline.testing.server import free_port

    port = free_port()
    # The shipped command (uvicorn underneath), so its websocket settings are measured too.
    command = [sys.executable, "-m", "unionline", "run", "--host", "127.0.0.1", "--port", str(port)]
    log = (workdir / f"app-{port}.log").open("wb")
    process = subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as client:
            for _ in range(600):
                if process.poll() is not None:
                    raise RuntimeError(f"app process exited: {(workdir / log.name).read_text()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/health/ready")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


async def seed(database_url: str, sockets: int) -> tuple[list[uuid.UUID], list[tuple[str, int]]]:
    """Organizations and operators with API tokens; returns orgs and (token, org index)."""
    from unionline import runtime
    from unionline.operators.tables import ApiToken, Operator, RoleGrant
    from unionline.organizations.tables import Organization
    from unionline.testing.support import make_settings

    rt = runtime.build(*runtime.from_settings(make_settings(database_url)))
    async with rt.running(migrate=True, execute_jobs=False):
        fed = uuid.uuid4()
        orgs = [uuid.uuid4() for _ in range(ORGS)]
        await Organization.insert(
            Organization(id=fed, path=f"/{fed}/", name="Федерация", code="FED", kind="federation"),
            *(
                Organization(
                    id=o, parent_id=fed, path=f"/{fed}/{o}/", name=f"ППО {i}", code=f"P{i}"
                )
                for i, o in enumerate(orgs)
            ),
        )
        tokens, operators, grants, rows = [], [], [], []
        for i in range(sockets):
            op, raw = uuid.uuid4(), f"ul_{secrets.token_urlsafe(24)}"
            operators.append(Operator(id=op, login=f"bench-{i}", name=f"Оператор {i}"))
            grants.append(RoleGrant(operator=op, role="operator", organization_id=orgs[i % ORGS]))
            rows.append(ApiToken(operator=op, name="bench", token_hash=_digest(raw)))
            tokens.append((raw, i % ORGS))
        for table, items in ((Operator, operators), (RoleGrant, grants), (ApiToken, rows)):
            for start in range(0, len(items), 500):
                await table.insert(*items[start : start + 500])
    return orgs, tokens


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- client processes -------------------------------------------------------------------------


class Clients:
    """``CLIENTS`` processes holding the sockets (see ``benchmarks._fanout_client``)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.procs: list[tuple[subprocess.Popen[str], Path]] = []

    async def start(self, bases: list[str], tokens: list[tuple[str, int]]) -> None:
        urls = [b.replace("http", "ws", 1) + "/ws/console" for b in bases]
        share = [[(urls[i % len(urls)], t) for i, (t, _) in enumerate(tokens)][k::CLIENTS]
                 for k in range(CLIENTS)]  # fmt: skip
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        for k, sockets in enumerate(share):
            out = self.workdir / f"client-{k}.msgpack"
            proc = subprocess.Popen(
                [sys.executable, "-m", "benchmarks._fanout_client", str(out)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT,
            )  # fmt: skip
            assert proc.stdin is not None
            proc.stdin.write(msgspec.json.encode({"sockets": sockets}).decode() + "\n")
            proc.stdin.flush()
            self.procs.append((proc, out))
        await self.expect("ready")

    async def expect(self, word: str) -> None:
        loop = asyncio.get_running_loop()
        for proc, _ in self.procs:
            assert proc.stdout is not None
            got = (await loop.run_in_executor(None, proc.stdout.readline)).strip()
            if got != word:
                raise RuntimeError(f"a client process said {got!r} instead of {word!r}")

    def tell(self, word: str) -> None:
        for proc, _ in self.procs:
            assert proc.stdin is not None
            proc.stdin.write(word + "\n")
            proc.stdin.flush()

    async def reports(self) -> list[Any]:
        from benchmarks._fanout_client import Report

        self.tell("stop")
        await self.expect("done")
        return [msgspec.msgpack.decode(out.read_bytes(), type=Report) for _, out in self.procs]

    def close(self) -> None:
        for proc, _ in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


async def publish(bases: list[str], orgs: list[uuid.UUID], seconds: float) -> int:
    """RATE events per second through both processes; returns how many were published."""
    import httpx

    per_tick = round(RATE * TICK)
    clients = [httpx.AsyncClient(base_url=b, timeout=30) for b in bases]
    sent, started, pending = 0, time.perf_counter(), set()
    try:
        for step in range(round(seconds / TICK)):
            ticks = [(sent + k, str(orgs[(sent + k) % len(orgs)])) for k in range(per_tick)]
            sent += per_tick
            client = clients[step % len(clients)]
            pending.add(asyncio.create_task(client.post("/bench/publish", json={"ticks": ticks})))
            await asyncio.sleep(max(0.0, started + (step + 1) * TICK - time.perf_counter()))
        for response in await asyncio.gather(*pending):
            response.raise_for_status()
    finally:
        for client in clients:
            await client.aclose()
    return sent


# -- raw Redis baseline -----------------------------------------------------------------------


async def raw_redis(redis_url: str, seconds: float) -> list[float]:
    """PUBLISH → SUBSCRIBE round trips at RATE messages per second."""
    from redis.asyncio import Redis

    channel = f"bench-raw-{uuid.uuid4().hex[:8]}"
    subscriber, publisher = Redis.from_url(redis_url), Redis.from_url(redis_url)
    pubsub = subscriber.pubsub()
    await pubsub.subscribe(channel)
    await pubsub.get_message(timeout=1)  # the subscribe confirmation
    latencies: list[float] = []
    count = round(RATE * seconds)

    async def listen() -> None:
        while len(latencies) < count:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
            if message is not None:
                latencies.append(time.time() - float(message["data"]))

    listener = asyncio.create_task(listen())
    started = time.perf_counter()
    for n in range(count):
        await publisher.publish(channel, repr(time.time()))
        await asyncio.sleep(max(0.0, started + (n + 1) / RATE - time.perf_counter()))
    await asyncio.wait_for(listener, 30)
    await pubsub.aclose()
    await subscriber.aclose()
    await publisher.aclose()
    return latencies


# -- the run ----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[round(q * 1000) - 1]


async def measure(
    sockets: int, seconds: float, db_url: str, redis_url: str, workdir: Path
) -> list[tuple[str, float, float, str]]:
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()
    orgs, tokens = await seed(db_url, sockets)
    env = child_env(db_url, redis_url)
    async with app_process(env, workdir) as (a, pid_a), app_process(env, workdir) as (b, pid_b):
        clients = Clients(workdir)
        try:
            warm = Clients(workdir)  # load the code paths before the memory baseline
            await warm.start([a, b], tokens[:4])
            warm.tell("go")
            await warm.reports()
            warm.close()
            await asyncio.sleep(2)
            before = rss_kib(pid_a) + rss_kib(pid_b)
            await clients.start([a, b], tokens)
            await asyncio.sleep(3)  # presence notices of the connects settle
            per_connection = (rss_kib(pid_a) + rss_kib(pid_b) - before) / sockets
            clients.tell("go")
            cpu_before = _cpu(pid_a) + _cpu(pid_b)
            published = await publish([a, b], orgs, seconds)
            await asyncio.sleep(3)
            cpu = (_cpu(pid_a) + _cpu(pid_b) - cpu_before) / (seconds + 3)
            reports = await clients.reports()
        finally:
            clients.close()
    latencies = [x for r in reports for x in r.latencies]
    by_second: dict[int, list[float]] = {}
    for report in reports:
        for at, latency in zip(report.received_at, report.latencies, strict=True):
            by_second.setdefault(int(at), []).append(latency)
    worst = sorted((percentile(v, 0.99), s) for s, v in by_second.items() if len(v) > 1)[-3:]
    start = min(by_second, default=0)
    print(
        "# console_fanout: worst seconds (p99 ms @ second of the run): "
        + ", ".join(f"{p * 1000:.0f} @ {s - start}" for p, s in reversed(worst))
    )
    per_tick: Counter[int] = Counter()
    for report in reports:
        per_tick.update(report.per_tick)
    ended = [e for r in reports for e in r.ended]
    if ended:
        print(f"# console_fanout: {len(ended)} sockets ended early, e.g. {ended[0]}")
    raw = await raw_redis(redis_url, min(seconds, 10.0))
    recipients = sockets // ORGS
    frames = len(latencies)
    short = sum(1 for n in range(published) if per_tick[n] < recipients)
    print(
        f"# console_fanout: {sockets} sockets over 2 processes, {ORGS} organizations,"
        f" {published} events in {seconds:.0f}s ({published / seconds:.0f}/s);"
        f" {frames} of {published * recipients} frames received, {short} events short of a"
        f" recipient; the app processes used {cpu:.2f} CPU on average",
        flush=True,
    )
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    r50, r99 = percentile(raw, 0.5), percentile(raw, 0.99)
    ms = 1000.0
    return [
        (P50, p50 * ms, r50 * ms, "ms; baseline: raw Redis PUBLISH→SUBSCRIBE p50"),
        (P99, p99 * ms, r99 * ms, "ms; baseline: raw Redis PUBLISH→SUBSCRIBE p99"),
        (P99_TARGET, p99 * ms, 100.0, "ms; baseline: the 100 ms target"),
        (MEMORY, per_connection, 100.0, "KiB RSS per socket; baseline: the 100 KiB target"),
    ]


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    from unionline.testing.support import fresh_database

    sockets, seconds = (200, 10.0) if quick else (1000, 30.0)
    server = os.environ.get("UNIONLINE_TEST_DATABASE_URL") or DEFAULT_PG
    base_redis = urlsplit(os.environ.get("UNIONLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"))
    redis_url = urlunsplit(base_redis._replace(path=f"/{REDIS_DB}"))
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as db_url:
        return asyncio.run(measure(sockets, seconds, db_url, redis_url, Path(tmp)))


if __name__ == "__main__":
    for row in run("--quick" in sys.argv):
        print(row)
