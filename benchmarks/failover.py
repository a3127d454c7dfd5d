"""Failover: one of two web processes killed under 70 Telegram updates/s — does the survivor's
latency recover once its peer is back (issue #12 item 18)?

Two app processes (``unionline run``, in-process jobs, the Telegram channel) share one
PostgreSQL database and Redis (the realtime bus between web processes), as docs/operations.md
describes for several web processes. The benchmark is their load balancer and Telegram at once:
an open-loop load of ``RATE`` updates/s (each sent at its scheduled time whatever the earlier
ones do), spread round-robin over the two processes. A refused or broken connection goes to
the other process at once (nginx's ``proxy_next_upstream error``); a 503 (admission control:
``server.max_concurrent_requests``) is sent again after its ``Retry-After``, to the next
process in turn, as Telegram redelivers. At most ``CONNECTIONS`` updates are in flight
(Telegram's ``max_connections``); the rest wait "at Telegram", and that wait counts. After a
warm-up (``PHASES``), the second process is killed with SIGKILL, the load goes on, the process
is started again on the same port, and the load goes on after it answers ``/health/ready``.

Printed per 5-second window of schedule: the survivor's p50/p99 (an update it stored, from the
update's scheduled time to its 200 answer — waits and retries included), the same from the
attempt that succeeded, its 503 answers, the connections the dead process refused, the
survivor's CPU and the updates stored per second. The rows: the survivor's p50 while alone and
``AFTER_ROW`` s after the peer was ready, each against its p50 before the kill (target: within
2x + ``ALLOWANCE`` ms); the seconds until it was back there; lost and duplicated updates (the
database, read afterwards: every update's message stored exactly once, in ``channel_inbound``
and as a ``message_in`` timeline entry).

Needs PostgreSQL (``UNIONLINE_TEST_DATABASE_URL``, else ``postgresql://postgres@127.0.0.1:5432/test``;
a scratch database is created and dropped) and Redis (database ``REDIS_DB`` of
``UNIONLINE_TEST_REDIS_URL``'s server, else 127.0.0.1:6379). Standalone:
``python -m benchmarks.failover [--quick] [--rate N] [--connections N]``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.webhook_ingest import (
    CONCURRENCY,
    DEFAULT_PG,
    SENDERS,
    Load,
    app_env,
    cpu_seconds,
    quantile,
    seed,
    update,
    wait_routed,
)

ALONE = "failover: survivor p50 while its peer is dead, ms (vs before the kill)"
AFTER = "failover: survivor p50 60 s after the peer returned, ms (vs before the kill)"
RECOVERY = "failover: seconds until the survivor's p50 is back (vs time alone)"
LOST = "failover: updates lost (vs updates sent)"
DUPLICATED = "failover: updates stored twice (vs updates sent)"
# "Recovered": p50 within 2x of before plus 200 ms (a quiet machine's 20 ms before would
# otherwise make 50 ms of noise a miss).
ALLOWANCE = 200.0
TARGETS = {AFTER: f"<= 2 + {ALLOWANCE:g}", LOST: "<= 0", DUPLICATED: "<= 0"}
RATE = 70  # updates per second, open loop
WINDOW = 5.0  # seconds per printed row
AFTER_ROW = 60  # the "after" row: the window starting this many seconds after the peer is ready
REDIS_DB = 12
# Telegram opens at most this many connections to a bot's webhook at once (setWebhook's
# max_connections, default 40); an update waits at Telegram for one, and keeps it through its
# retries. ``--connections 0``: no bound (every update retried on its own, as many senders do).
CONNECTIONS = 40
# warm-up, before the kill, alone, after the peer is ready (seconds)
PHASES = {False: (20, 30, 45, 80), True: (5, 15, 20, 70)}


# -- the processes ----------------------------------------------------------------------------


class Server:
    """One ``unionline run`` on a fixed port, so that it can be killed and started again."""

    def __init__(self, name: str, env: dict[str, str], workdir: Path) -> None:
        from unionline.testing.server import free_port

        self.name, self.env, self.workdir = name, env, workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        """Start the process and wait until ``/health/ready`` answers 200."""
        import httpx

        command = [sys.executable, "-m", "unionline", "run", "--host", "127.0.0.1",
                   "--port", str(self.port)]  # fmt: skip
        log = (self.workdir / f"app-{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            command, env=self.env, cwd=self.workdir, stdout=log, stderr=log
        )
        log.close()
        async with httpx.AsyncClient(base_url=self.base) as client:
            for _ in range(1200):
                if self.process.poll() is not None:
                    raise RuntimeError(f"app process {self.name} exited: {self.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/health/ready")).status_code == 200:
                        return
                await asyncio.sleep(0.05)
        raise RuntimeError(f"app process {self.name} did not become ready: {self.log_tail()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 20) -> str:
        path = self.workdir / f"app-{self.name}.log"
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


# -- the balancer -----------------------------------------------------------------------------


@dataclass
class Delivery:
    """One update: when it was due, which process stored it and when."""

    scheduled: float
    server: int = -1
    attempt_at: float = 0.0
    answered: float = 0.0


@dataclass
class Balancer:
    """Round-robin over the processes' keep-alive pools (``webhook_ingest.Load``, one each)."""

    loads: list[Load]
    turn: int = 0
    refused: list[tuple[float, int]] = field(default_factory=list)  # (time, process)
    busy: list[tuple[float, int]] = field(default_factory=list)  # 503 answers (time, process)

    slots: asyncio.Semaphore | None = None  # Telegram's max_connections

    async def deliver(self, body: bytes, delivery: Delivery) -> None:
        if self.slots is None:
            await self._deliver(body, delivery)
            return
        async with self.slots:  # an update waits at Telegram for a free connection
            await self._deliver(body, delivery)

    async def _deliver(self, body: bytes, delivery: Delivery) -> None:
        while True:
            first = self.turn % len(self.loads)
            self.turn += 1
            retry_after = 1  # every process refused the connection: try them all again soon
            for index in (first, *(i for i in range(len(self.loads)) if i != first)):
                attempt_at = time.perf_counter()
                try:
                    status, retry_after = await self.loads[index].answer(body)
                except (ConnectionError, asyncio.IncompleteReadError, OSError):
                    # Refused (dead) or cut mid-request (killed): the next process, at once.
                    self.refused.append((attempt_at, index))
                    continue
                if status == 200:
                    delivery.server, delivery.attempt_at = index, attempt_at
                    delivery.answered = time.perf_counter()
                    return
                if status != 503:
                    raise RuntimeError(f"process {index} answered {status}")
                self.busy.append((attempt_at, index))
                break  # overloaded: again after Retry-After, to the next process in turn
            await asyncio.sleep(retry_after)  # what the 503 says


async def open_loop(
    balancer: Balancer, deliveries: list[Delivery], stop: asyncio.Event, rate: float
) -> None:
    """``rate`` updates/s until ``stop``; every update is delivered before returning."""
    rng, tasks = random.Random(13), []
    ids = iter(range(10**6, 10**12))
    start = time.perf_counter() + 0.05
    i = 0
    while not stop.is_set():
        at = start + i / rate
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        delivery = Delivery(at)
        deliveries.append(delivery)
        body = update(next(ids), rng.randint(1, SENDERS))
        tasks.append(asyncio.create_task(balancer.deliver(body, delivery)))
        i += 1
    await asyncio.gather(*tasks)


# -- the scenario -----------------------------------------------------------------------------


@dataclass
class Timeline:
    killed: float = 0.0
    restarted: float = 0.0
    returned: float = 0.0
    cpu: list[tuple[float, float]] = field(default_factory=list)  # (time, survivor CPU s)


@dataclass(frozen=True)
class Profile:
    """The load and how long each phase lasts (seconds)."""

    quick: bool
    rate: float = RATE
    connections: int = CONNECTIONS

    @property
    def phases(self) -> tuple[int, int, int, int]:
        return PHASES[self.quick]  # warm-up, before the kill, alone, after the peer is ready


async def scenario(
    servers: list[Server], balancer: Balancer, profile: Profile
) -> tuple[list[Delivery], Timeline]:
    warm, before, alone, after = profile.phases
    deliveries: list[Delivery] = []
    stop, marks = asyncio.Event(), Timeline()
    load = asyncio.create_task(open_loop(balancer, deliveries, stop, profile.rate))
    sampler = asyncio.create_task(sample_cpu(servers[0].pid, marks))
    try:
        await asyncio.sleep(warm + before)
        print(f"# failover: kill -9 {servers[1].name} (pid {servers[1].pid})", flush=True)
        marks.killed = time.perf_counter()
        servers[1].kill()
        await asyncio.sleep(alone)
        marks.restarted = time.perf_counter()
        await servers[1].start()
        marks.returned = time.perf_counter()
        print(f"# failover: {servers[1].name} ready again "
              f"{marks.returned - marks.restarted:.1f} s after its start", flush=True)  # fmt: skip
        await asyncio.sleep(after)
    finally:
        stop.set()
        await load
        sampler.cancel()
    return deliveries, marks


async def sample_cpu(pid: int, marks: Timeline) -> None:
    while True:
        marks.cpu.append((time.perf_counter(), cpu_seconds(pid)))
        await asyncio.sleep(1.0)


@dataclass
class Window:
    start: float  # seconds after the kill, by schedule
    phase: str
    survivor: list[float]  # ms from schedule to the survivor's 200
    attempt: list[float]  # ms from the successful attempt to the survivor's 200
    busy: int
    refused: int
    cpu: float  # survivor CPU, % of one core
    stored: tuple[float, float]  # updates/s answered 200 in the window: by the survivor, by all


def windows(deliveries: list[Delivery], balancer: Balancer, marks: Timeline,
            warm: int) -> list[Window]:  # fmt: skip
    first = deliveries[0].scheduled + warm
    ends = deliveries[-1].scheduled
    out: list[Window] = []
    t = marks.killed - WINDOW * int((marks.killed - first) / WINDOW)
    while t < ends:
        end = t + WINDOW
        mine = [d for d in deliveries if t <= d.scheduled < end and d.server == 0]
        phase = ("before" if end <= marks.killed else
                 "alone" if end <= marks.returned else "returned")  # fmt: skip
        out.append(Window(
            start=t - marks.killed,
            phase=phase,
            survivor=[(d.answered - d.scheduled) * 1000 for d in mine],
            attempt=[(d.answered - d.attempt_at) * 1000 for d in mine],
            busy=sum(1 for at, _ in balancer.busy if t <= at < end),
            refused=sum(1 for at, _ in balancer.refused if t <= at < end),
            cpu=cpu_share(marks.cpu, t, end),
            stored=(
                sum(1 for d in deliveries if t <= d.answered < end and d.server == 0) / WINDOW,
                sum(1 for d in deliveries if t <= d.answered < end) / WINDOW,
            ),
        ))  # fmt: skip
        t = end
    return out


def cpu_share(samples: list[tuple[float, float]], start: float, end: float) -> float:
    inside = [s for s in samples if start <= s[0] <= end]
    if len(inside) < 2:
        return 0.0
    (t0, c0), (t1, c1) = inside[0], inside[-1]
    return 100 * (c1 - c0) / (t1 - t0)


def p50(values: list[float]) -> float:
    return quantile(values, 0.5) if values else float("nan")


def print_windows(rows: list[Window], marks: Timeline) -> None:
    print(f"# failover: windows of {WINDOW:.0f} s by schedule, t from the kill; the peer was "
          f"started at t={marks.restarted - marks.killed:.1f} s and ready at "
          f"t={marks.returned - marks.killed:.1f} s", flush=True)  # fmt: skip
    print(
        "# t s      phase     n   p50 ms   p99 ms  attempt p50/p99 ms  503s  refused  cpu %"
        "  stored/s survivor/all"
    )
    for w in rows:
        p99 = quantile(w.survivor, 0.99) if w.survivor else float("nan")
        a50 = p50(w.attempt)
        a99 = quantile(w.attempt, 0.99) if w.attempt else float("nan")
        print(f"# {w.start:6.0f}  {w.phase:8} {len(w.survivor):4} {p50(w.survivor):8.0f} "
              f"{p99:8.0f}  {a50:8.0f} /{a99:7.0f}  {w.busy:5} {w.refused:8} {w.cpu:6.0f}"
              f"  {w.stored[0]:8.0f} /{w.stored[1]:4.0f}",
              flush=True)  # fmt: skip


def merged(rows: list[Window], lo: float, hi: float) -> list[float]:
    return [v for w in rows if lo <= w.start < hi for v in w.survivor]


# -- the database check -----------------------------------------------------------------------


async def stored_once(conn: object, account: str, sent: int) -> tuple[int, int]:
    """(lost, duplicated) update ids among the ``sent`` ones of the measured load (ids from
    10**6): each must be one ``channel_inbound`` row and one ``message_in`` entry."""
    counts = await conn.fetchrow(  # type: ignore[attr-defined]
        """
        SELECT
          (SELECT count(*) FROM channel_inbound WHERE account_id = $1
             AND split_part(external_id, ':', 2)::bigint >= 1000000) AS inbound,
          (SELECT count(DISTINCT external_id) FROM channel_inbound WHERE account_id = $1
             AND split_part(external_id, ':', 2)::bigint >= 1000000) AS inbound_distinct,
          (SELECT count(*) FROM appeal_timeline WHERE kind = 'message_in'
             AND split_part(external_id, ':', 2)::bigint >= 1000000) AS entries,
          (SELECT count(DISTINCT split_part(external_id, ':', 2)) FROM appeal_timeline
             WHERE kind = 'message_in'
             AND split_part(external_id, ':', 2)::bigint >= 1000000) AS entries_distinct
        """,
        account,
    )
    distinct = min(counts["inbound_distinct"], counts["entries_distinct"])
    duplicated = max(counts["inbound"] - counts["inbound_distinct"],
                     counts["entries"] - counts["entries_distinct"])  # fmt: skip
    return sent - distinct, duplicated


# -- the run ----------------------------------------------------------------------------------


def redis_url() -> str:
    base = urlsplit(os.environ.get("UNIONLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"))
    return urlunsplit(base._replace(path=f"/{REDIS_DB}"))


async def measure(
    url: str, ids: dict[str, str], workdir: Path, profile: Profile
) -> dict[str, float]:
    import asyncpg

    env = app_env(url) | {"UNIONLINE_REDIS_URL": redis_url()}
    servers = [Server("a", env, workdir), Server("b", env, workdir)]
    conn = await asyncpg.connect(url)
    try:
        await asyncio.gather(*(s.start() for s in servers))
        path_loads = [Load(s.base, ids["acct"]) for s in servers]
        for start in range(0, SENDERS, CONCURRENCY):  # every member writes once: appeals exist
            await asyncio.gather(*(path_loads[start // CONCURRENCY % 2].send(s)
                                   for s in range(start + 1, start + CONCURRENCY + 1)))  # fmt: skip
        await wait_routed(conn)
        slots = asyncio.Semaphore(profile.connections) if profile.connections else None
        balancer = Balancer(path_loads, slots=slots)
        phases = profile.phases
        own = time.process_time()
        deliveries, marks = await scenario(servers, balancer, profile)
        own = time.process_time() - own  # the load balancer and "Telegram" (this process)
        span = deliveries[-1].scheduled - deliveries[0].scheduled
        print(f"# failover: this process (balancer and Telegram) used {own:.0f} s of CPU "
              f"in {span:.0f} s", flush=True)  # fmt: skip
        await wait_routed(conn)
        rows = windows(deliveries, balancer, marks, phases[0])
        print_windows(rows, marks)
        lost, duplicated = await stored_once(conn, ids["acct"], len(deliveries))
    except RuntimeError:
        for server in servers:
            print(f"# failover: app {server.name} log ends:\n{server.log_tail()}", flush=True)
        raise
    finally:
        await conn.close()
        for server in servers:
            server.stop()
    since_return = marks.returned - marks.killed
    before = p50(merged(rows, -phases[1], 0))
    limit = 2 * before + ALLOWANCE
    back = [w.start for w in rows if w.start >= since_return and p50(w.survivor) <= limit]
    return {
        "before": before,
        "recovery": back[0] + WINDOW - since_return if back else float("inf"),
        "alone_for": since_return,
        "alone": p50(merged(rows, 5, marks.restarted - marks.killed)),
        "after": p50(merged(rows, since_return + AFTER_ROW, since_return + AFTER_ROW + WINDOW)),
        "sent": len(deliveries),
        "lost": lost,
        "duplicated": duplicated,
        "busy": len(balancer.busy),
        "refused": len(balancer.refused),
    }


def run(quick: bool, profile: Profile | None = None) -> list[tuple[str, float, float, str]]:
    from unionline.testing.support import fresh_database

    server = os.environ.get("UNIONLINE_TEST_DATABASE_URL") or DEFAULT_PG
    profile = profile or Profile(quick)
    warm, before, alone, after = profile.phases
    bound = f"at most {profile.connections} at once" if profile.connections else "unbounded"
    print(f"# failover: two processes, PostgreSQL + Redis, {profile.rate:g} updates/s "
          f"round-robin (connections: {bound}); "
          f"{warm} s warm-up, {before} s both, {alone} s one killed, {after} s after it is back; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        ids = asyncio.run(seed(url))
        got = asyncio.run(measure(url, ids, Path(tmp), profile))
    print(f"# failover: {got['sent']:.0f} updates sent; 503 answers {got['busy']:.0f}, "
          f"refused or cut connections {got['refused']:.0f}; load average "
          f"{os.getloadavg()[0]:.1f} at the end", flush=True)  # fmt: skip
    return [
        (ALONE, got["alone"], got["before"],
         "ms from schedule to the survivor's 200; baseline: its p50 before the kill"),
        (AFTER, got["after"], got["before"],
         f"ms, window {AFTER_ROW}-{AFTER_ROW + WINDOW:.0f} s after the peer was ready; "
         "baseline: before the kill"),
        (RECOVERY, got["recovery"], got["alone_for"],
         "s from the peer ready to the end of the first window at p50 <= 2 x before + 200 ms; "
         "baseline: "
         "s from the kill to the peer ready (inf: not within the run)"),
        (LOST, got["lost"], got["sent"], "updates not stored; baseline: updates sent"),
        (DUPLICATED, got["duplicated"], got["sent"], "stored twice or more; baseline: sent"),
    ]  # fmt: skip


if __name__ == "__main__":
    args = sys.argv[1:]

    def option(name: str, default: float) -> float:
        return float(args[args.index(name) + 1]) if name in args else default

    chosen = Profile("--quick" in args, option("--rate", RATE),
                     int(option("--connections", CONNECTIONS)))  # fmt: skip
    for name, value, baseline, unit in run(chosen.quick, chosen):
        target = TARGETS.get(name, "")
        print(f"{name}: {value:,.1f} vs {baseline:,.1f} {unit} (ratio {value / baseline:.2f}"
              f"{', target ' + target if target else ''})")  # fmt: skip
