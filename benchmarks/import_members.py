"""Member import throughput on PostgreSQL vs. raw asyncpg ``executemany`` (target >= 0.3x).

The measured figure is the whole ``unionline import members`` path for a generated CSV of N
valid rows (100,000; 20,000 with ``--quick``): decoding, checking and normalizing every row,
matching against existing members, and writing members and contact points in one
transaction. The baseline inserts the very same, already normalized rows into the same empty
tables with asyncpg's ``executemany`` in one transaction. Both start from empty tables; the
two variants alternate, and the best of the repeats counts.

Needs PostgreSQL: ``UNIONLINE_BENCH_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``);
a scratch database is created and dropped. Runnable alone: ``python -m benchmarks.import_members``.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIGURE = "member import, rows/s"
TARGETS = {FIGURE: ">= 0.3"}
HEADER = ["org_code", "full_name", "card_number", "phone", "email", "telegram", "status"]


def roster(n: int, seed: int = 11) -> list[list[str]]:
    rng = random.Random(seed)
    names = ["Артём Иванов", "Ольга Смирнова", "Пётр Ёлкин", "Мария Кузнецова"]
    rows = []
    for i in range(n):
        digits = f"916{i:07d}"
        phone = rng.choice(
            [f"8 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}", f"+7 {digits}"]
        )
        telegram = str(5_000_000 + i) if i % 3 == 0 else ""
        org = rng.choice(["PPO1", "PPO2"])
        rows.append([org, f"{rng.choice(names)} {i}", str(100_000 + i), phone,
                     f"user{i}@Example.ORG", telegram, "member"])  # fmt: skip
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def baseline_tuples(
    rows: list[list[str]], orgs: dict[str, tuple[uuid.UUID, str]]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows the importer writes, normalized ahead of time (not part of the baseline)."""
    from unionline.members import normalize

    stamp = datetime.now(UTC)
    members, contacts = [], []
    for org, name, card, phone, email, telegram, status in rows:
        member_id = uuid.uuid4()
        org_id, federation = orgs[org]
        key = f"{federation}:{card}"
        members.append((member_id, org_id, name, normalize.search_key(name), status, card, key,
                        "", "", "{}", "{}", False, stamp, stamp))  # fmt: skip
        for kind, address in (("phone", phone), ("email", email), ("telegram", telegram)):
            if address:
                value = normalize.contact(kind, address)
                contacts.append((uuid.uuid4(), member_id, kind, value, f"{kind}:{value}", False,
                                 False, "", stamp))  # fmt: skip
    return members, contacts


async def _empty(conn: Any) -> None:
    await conn.execute("DELETE FROM member_contact_point; DELETE FROM member_member")
    await conn.execute("DELETE FROM system_event WHERE type = 'member.imported'")
    await conn.execute("VACUUM ANALYZE member_member")
    await conn.execute("VACUUM ANALYZE member_contact_point")


async def _raw(url: str, members: list[tuple[Any, ...]], contacts: list[tuple[Any, ...]]) -> float:
    import asyncpg

    from unionline.members.importer import CONTACT_INSERT_COLUMNS, MEMBER_INSERT_COLUMNS

    def sql(table: str, columns: tuple[str, ...]) -> str:
        marks = ", ".join(f"${i + 1}" for i in range(len(columns)))
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"

    conn = await asyncpg.connect(url)
    try:
        await _empty(conn)
        started = time.perf_counter()
        async with conn.transaction():
            await conn.executemany(sql("member_member", MEMBER_INSERT_COLUMNS), members)
            await conn.executemany(sql("member_contact_point", CONTACT_INSERT_COLUMNS), contacts)
        return time.perf_counter() - started
    finally:
        await conn.close()


async def _imported(url: str, data: bytes, expected: int) -> float:
    import asyncpg

    from unionline.members.importer import import_members

    conn = await asyncpg.connect(url)
    try:
        await _empty(conn)
    finally:
        await conn.close()
    started = time.perf_counter()
    report = await import_members(None, data)
    elapsed = time.perf_counter() - started
    if not report.imported or report.created != expected:
        raise RuntimeError(f"import did not create {expected} members: {report.errors[:3]}")
    return elapsed


async def measure(url: str, n: int, repeats: int) -> tuple[float, float]:
    """Rows per second: the importer's, and raw executemany's (best of ``repeats`` each)."""
    from unionline.testing.support import make_settings, running_app

    rows = roster(n)
    data = to_csv(rows)
    async with running_app(make_settings(url), migrate=True) as harness:
        orgs = await _organizations(harness)
        members, contacts = baseline_tuples(rows, orgs)
        ours, raw = [], []
        for _ in range(repeats):
            raw.append(await _raw(url, members, contacts))
            ours.append(await _imported(url, data, n))
    return n / min(ours), n / min(raw)


async def _organizations(harness: Any) -> dict[str, tuple[uuid.UUID, str]]:
    headers = harness.admin_headers
    fed = await harness.client.post(
        "/api/organizations/", json={"name": "Федерация", "code": "FED"}, headers=headers
    )
    fed_id = fed.json()["id"]
    orgs = {}
    for code in ("PPO1", "PPO2"):
        r = await harness.client.post(
            "/api/organizations/", json={"name": code, "code": code, "parent_id": fed_id},
            headers=headers,
        )  # fmt: skip
        orgs[code] = (uuid.UUID(r.json()["id"]), fed_id)
    return orgs


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    server = os.environ.get(
        "UNIONLINE_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    n, repeats = (20_000, 2) if quick else (100_000, 2)
    print(f"# import_members: {n} rows, best of {repeats}, PostgreSQL", flush=True)
    from unionline.testing.support import fresh_database

    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        value, baseline = asyncio.run(measure(url, n, repeats))
    unit = "rows/s; baseline: asyncpg executemany of the normalized rows"
    return [(FIGURE, value, baseline, unit)]


if __name__ == "__main__":
    import sys

    for name, value, baseline, unit in run("--quick" in sys.argv):
        target = TARGETS.get(name, "")
        print(f"{name}: {value:,.0f} vs {baseline:,.0f} {unit} (ratio {value / baseline:.2f}, "
              f"target {target})")  # fmt: skip
