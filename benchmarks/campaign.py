"""Campaigns (plugin ``campaigns``): an e-mail campaign to N members through the mail channel to
a loopback aiosmtpd sink, sent by ``unionline worker`` processes, and the segment count.

* **throughput** — messages per second of a campaign to N members (100,000 on PostgreSQL; 10,000
  on SQLite; ``--quick``: 10,000 / 2,000), one worker process, from start to ``finished``;
  **baseline**: a bare aiosmtplib loop sending the same number of similar messages over one
  connection to the same sink in the same run (the mail channel sends over up to the mailbox's
  ``smtp_connections``, 4 by default, one message at a time on each). Target ratio >= 0.5.
* **crash run** — a second campaign to the same members, its worker killed with SIGKILL five
  times at random moments and once paused and resumed: members **skipped** (target 0) and
  **extra copies** (target <= 5 kills × the campaign's concurrency; each with the same
  Message-ID — checked, a different one counts as a failure).
* **throttling** — a third campaign (the tenth of the members who left) sent with
  ``email_per_second`` = 20 by a worker: the rate the sink receives, timed over 300 mails after
  the token bucket's initial burst (one second's worth), against the setting; then the campaign
  is cancelled. Target: within 5 % of the setting.
* **segment count** — p50 of ``segments.count`` (three filters: status, employer contains,
  reachable by e-mail with an information consent) over the N members, against the bare SQL
  of the same count run in the same run. Target < 1 s on PostgreSQL.

Standalone: ``python -m benchmarks.campaign [--quick] [--sqlite] [--members N]``. PostgreSQL
from ``UNIONLINE_BENCH_DATABASE_URL`` or the test server. ``uptime`` is printed: other work on
the machine moves the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email.parser
import email.utils
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
THROUGHPUT = "campaign: e-mails/s to the SMTP sink (worker process)"
SKIPPED = "campaign: members skipped after 5 x SIGKILL + pause/resume (0 expected)"
EXTRA = "campaign: extra copies after 5 x SIGKILL (<= 5 x concurrency)"
COUNT = "campaign: segment of 3 filters, count p50 (ms)"
THROTTLE = "campaign: e-mails/s held under email_per_second (baseline: the setting)"
THROTTLE_OFF = "campaign: throttling off the setting, % (baseline: the 5 % allowed)"
CONCURRENCY = 8
RATE = 20.0  # email_per_second of the throttled campaign (well under what a loaded worker sends)
HELD = 300  # mails timed after the bucket's initial burst (15 s at RATE)
TARGETS = {
    THROUGHPUT: ">= 0.5",
    SKIPPED: "<= 0",
    EXTRA: "<= 1",
    COUNT: "<= 0 + 1000",
    THROTTLE_OFF: "<= 1",
}
SECRET = "bench-secret-campaigns-0123456789"


class Sink:
    def __init__(self) -> None:
        self.mails: list[tuple[str, str]] = []
        self.times: list[float] = []
        self.parser = email.parser.BytesHeaderParser()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        headers = self.parser.parsebytes(envelope.content)
        self.mails.append((envelope.rcpt_tos[0], str(headers["Message-ID"])))
        self.times.append(time.perf_counter())
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def insert_many(db: Any, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    width = len(rows[0]) if rows else 0
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        marks = ", ".join("(" + ", ".join("{}" for _ in range(width)) + ")" for _ in chunk)
        await db.execute(
            f"INSERT INTO {table} ({columns}) VALUES {marks}", *[v for row in chunk for v in row]
        )


async def seed(db: Any, org: uuid.UUID, n: int) -> None:
    """N members of ``org``: half at a «завод», each with an e-mail and an information consent."""
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    members = [uuid.UUID(int=i + 1) for i in range(n)]
    async with db.transaction():
        await insert_many(db, "member_member",
            "id, organization_id, full_name, search_name, status, employer, position, consents,"
            " custom_fields, provisional, created_at, updated_at",
            [(m, org, f"Членов Член {i}", f"членов член {i}", "member" if i % 10 else "left",
              "Завод «Прогресс»" if i % 2 else "Депо", "", "{}", "{}", False, now, now)
             for i, m in enumerate(members)])  # fmt: skip
        await insert_many(db, "member_contact_point",
            "id, member_id, kind, address, key, verified, blocked, blocked_reason, created_at",
            [(uuid.uuid4(), m, "email", f"m{i}@bench.example", f"email:m{i}@bench.example",
              True, False, "", now) for i, m in enumerate(members)])  # fmt: skip
        await insert_many(db, "campaigns_consent",
            "id, key, member_id, organization_id, channel, purpose, text_version, source,"
            " evidence, granted_at, withdrawn_at, withdrawn_source",
            [(uuid.uuid4(), f"{m}:email:info", m, org, "email", "info", "v1", "import", "{}",
              time.time(), None, "") for m in members])  # fmt: skip


def mail_bytes(i: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = "Профком <news@union.example>"
    mail["To"] = f"m{i}@bench.example"
    mail["Subject"] = "Собрание профкома"
    mail["Date"] = email.utils.formatdate(localtime=True)
    mail["Message-ID"] = f"<bare-{i}@union.example>"
    mail.set_content(f"Член, ждём вас на собрании. {i}")
    return mail.as_bytes()


async def bare_loop(port: int, n: int) -> float:
    """Messages per second of a bare aiosmtplib loop over one connection (built each time)."""
    import aiosmtplib

    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
    await client.connect()
    start = time.perf_counter()
    for i in range(n):
        await client.sendmail("news@union.example", [f"m{i}@bench.example"], mail_bytes(i))
    elapsed = time.perf_counter() - start
    await client.quit()
    return n / elapsed


def worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("a") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "unionline", "worker"], env=env, stdout=out, stderr=out
        )


async def wait_status(
    campaign: Any, campaign_id: uuid.UUID, status: str, limit: float, process: Any
) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited with {process.returncode} (see workers.log)")
        row = await campaign.load(campaign_id)
        if row is not None and row.status == status:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"campaign {campaign_id} not {status} after {limit:.0f}s")


async def measure(
    n: int, url: str, tmp: Path, count_only: bool = False
) -> list[tuple[str, float, float, str]]:
    from aiosmtpd.controller import Controller

    from unionline import Conflict, runtime
    from unionline.access import Grant
    from unionline.operators.services import actor_for, create_operator
    from unionline.organizations.schemas import OrganizationCreate
    from unionline.organizations.services import create as create_organization
    from unionline.plugins.campaigns import campaigns, segments
    from unionline.plugins.campaigns.schemas import (
        CampaignBody,
        SegmentFilter,
        Variant,
        Variants,
    )
    from unionline.testing import support as testing

    port = free_port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings = testing.make_settings(url, plugins=["campaigns", "mail"], secret_key=SECRET)
    rt = runtime.build(*runtime.from_settings(settings))
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")} | {
        "UNIONLINE_SECRET_KEY": SECRET,
        "UNIONLINE_DATABASE_URL": url,
        "UNIONLINE_PLUGINS": "campaigns,mail",
        "UNIONLINE_LOG__LEVEL": "WARNING",
        "UNIONLINE_JOBS__LEASE_SECONDS": "3",
        "UNIONLINE_JOBS__POLL_INTERVAL": "0.05",
        "UNIONLINE_CAMPAIGNS__LEASE_SECONDS": "3",
        "UNIONLINE_CAMPAIGNS__EMAIL_PER_SECOND": "10000",
    }
    log = tmp / "workers.log"
    results: list[tuple[str, float, float, str]] = []
    try:
        async with rt.running(migrate=True, execute_jobs=False):
            admin_id = await create_operator("admin", "password-123", grants=[Grant("admin", None)])
            admin = await actor_for(admin_id)
            assert admin is not None
            org = await create_organization(
                admin, OrganizationCreate(name="ППО завода", code="ZAVOD", kind="primary")
            )
            from unionline.channel.accounts import create_account
            from unionline.channel.schemas import AccountCreate

            account = await create_account(admin, AccountCreate(
                organization_id=org.id, channel="mail", name="Рассылки",
                public_key="news@union.example",
                config={"address": "news@union.example", "smtp_host": "127.0.0.1",
                        "smtp_port": port, "smtp_security": "none"},
            ))  # fmt: skip
            started = time.perf_counter()
            await seed(rt.db, org.id, n)
            if rt.db.is_postgres:  # what autovacuum does after a bulk load, before a campaign
                await rt.db.execute("ANALYZE")
            print(f"# seeded {n} members in {time.perf_counter() - started:.1f}s", flush=True)

            # -- the segment count -----------------------------------------------------------
            f = SegmentFilter(statuses=["member"], employer="завод", reachable=["email"],
                              consent_purpose="info")  # fmt: skip
            times = []
            for _ in range(7):
                t0 = time.perf_counter()
                found = await segments.count(admin, f, org.id)
                times.append(time.perf_counter() - t0)
            bare_sql = (
                "SELECT COUNT(*) AS n FROM member_member m WHERE m.organization_id = {}"
                " AND m.status = 'member' AND LOWER(m.employer) LIKE '%завод%'"
                " AND EXISTS (SELECT 1 FROM member_contact_point cp WHERE cp.member_id = m.id"
                " AND cp.kind = 'email' AND cp.blocked = {} AND EXISTS (SELECT 1 FROM"
                " campaigns_consent k WHERE k.member_id = m.id AND k.channel = 'email'"
                " AND k.purpose = 'info' AND k.withdrawn_at IS NULL))"
            )
            bare_times = []
            for _ in range(7):
                t0 = time.perf_counter()
                row = await rt.db.fetchone(bare_sql, org.id, False)
                bare_times.append(time.perf_counter() - t0)
            assert row is not None and int(row["n"]) == found.count, (row, found.count)
            results.append(
                (COUNT, statistics.median(times) * 1000, statistics.median(bare_times) * 1000, "ms")
            )
            if count_only:
                return results

            # -- throughput: one worker, no interruptions ------------------------------------
            body = CampaignBody(
                organization_id=org.id, name="Собрание", channel_order=["email"],
                accounts={"email": account.id}, concurrency=CONCURRENCY,
                variants=Variants(email=Variant(subject="Собрание профкома",
                                                text="{{ first_name }}, ждём вас на собрании.")),
            )  # fmt: skip
            first = await campaigns.create(admin, body)
            t0 = time.perf_counter()
            await campaigns.start(admin, first.id)
            process = worker(env, log)
            try:
                await wait_status(campaigns, first.id, "finished", 3600, process)
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.to_thread(process.wait, 60)
            ours = n / (time.perf_counter() - t0)
            sink.mails.clear()
            bare = await bare_loop(port, n)
            sink.mails.clear()
            results.append((THROUGHPUT, ours, bare, "mails/s"))

            # -- five kills and a pause --------------------------------------------------------
            second = await campaigns.create(admin, msgspec_replace(body, name="Собрание 2"))
            await campaigns.start(admin, second.id)
            rng = random.Random(7)
            marks = sorted(rng.sample(range(n // 10, n * 9 // 10), 5))
            for k, mark in enumerate(marks):
                process = worker(env, log)
                try:
                    while len(sink.mails) < mark and process.poll() is None:
                        await asyncio.sleep(0.01)
                    if k == 2:  # a pause and a resume between two kills
                        await campaigns.pause(admin, second.id)
                        await asyncio.sleep(1.0)
                        await campaigns.resume(admin, second.id)
                finally:
                    process.send_signal(signal.SIGKILL)
                    await asyncio.to_thread(process.wait, 60)
            process = worker(env, log)
            try:
                await wait_status(campaigns, second.id, "finished", 3600, process)
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.to_thread(process.wait, 60)
            received = Counter(r for r, _ in sink.mails)
            ids = Counter((r, i) for r, i in sink.mails)
            skipped = n - len(received)
            extra = sum(received.values()) - len(received)
            other_ids = len(ids) - len(received)
            print(f"# crash run: {len(sink.mails)} mails, {skipped} skipped, {extra} extra, "
                  f"{other_ids} copies under another Message-ID", flush=True)  # fmt: skip
            results.append((SKIPPED, float(skipped + other_ids), 1.0, "members"))
            results.append((EXTRA, float(extra), float(5 * CONCURRENCY), "mails"))

            # -- throttling: the members who left (a tenth) at RATE e-mails per second, timed
            # over HELD mails after the initial burst; then the campaign is cancelled --------
            sink.mails.clear()
            sink.times.clear()
            third = await campaigns.create(admin, msgspec_replace(
                body, name="Собрание 3", filter=SegmentFilter(statuses=["left"])
            ))  # fmt: skip
            await campaigns.start(admin, third.id)
            throttled = env | {"UNIONLINE_CAMPAIGNS__EMAIL_PER_SECOND": str(RATE)}
            process = worker(throttled, log)
            try:
                wanted = min(int(RATE) + HELD, n // 10)
                deadline = time.monotonic() + 600
                while len(sink.times) < wanted and time.monotonic() < deadline:
                    if process.poll() is not None:
                        raise RuntimeError("the worker exited (see workers.log)")
                    await asyncio.sleep(0.05)
                with contextlib.suppress(Conflict):  # finished already (a small segment)
                    await campaigns.cancel(admin, third.id)
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.to_thread(process.wait, 60)
            # The bucket starts full (a burst of RATE tokens): the rate is read after it.
            steady = sorted(sink.times)[int(RATE) : wanted]
            held = (len(steady) - 1) / (steady[-1] - steady[0])
            print(f"# throttled run: {len(sink.times)} mails, {len(steady)} after the burst, "
                  f"{held:.2f}/s against {RATE:.0f}/s", flush=True)  # fmt: skip
            results.append((THROTTLE, held, RATE, "mails/s"))
            results.append((THROTTLE_OFF, abs(held - RATE) / RATE * 100, 5.0, "%"))
    finally:
        controller.stop()
    return results


def msgspec_replace(body: Any, **changes: Any) -> Any:
    import msgspec

    return msgspec.structs.replace(body, **changes)


@contextlib.contextmanager
def database_url(tmp: Path, sqlite: bool) -> Iterator[str]:
    """A SQLite file, or a PostgreSQL database of its own name (test runs sweep the ``ul_t_``
    ones they leave behind, which would drop it midway)."""
    if sqlite:
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    server = os.environ.get(
        "UNIONLINE_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    name = f"bench_campaign_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        yield urlunsplit(urlsplit(server)._replace(path="/" + name))
    finally:
        asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(server: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(server)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def run(
    quick: bool, sqlite: bool = False, members: int | None = None, count_only: bool = False
) -> list[tuple[str, float, float, str]]:
    n = members or ((2_000 if sqlite else 10_000) if quick else (10_000 if sqlite else 100_000))
    print("# " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    with tempfile.TemporaryDirectory() as tmp, database_url(Path(tmp), sqlite) as url:
        results = asyncio.run(measure(n, url, Path(tmp), count_only))
    print("# " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--members", type=int)
    parser.add_argument("--count-only", action="store_true", help="only the segment count")
    args = parser.parse_args(argv)
    for name, value, base, unit in run(args.quick, args.sqlite, args.members, args.count_only):
        ratio = value / base if base else float("nan")
        print(f"{name}: {value:,.1f} {unit}; baseline {base:,.1f} {unit}; x{ratio:.3f}")


if __name__ == "__main__":
    main()
