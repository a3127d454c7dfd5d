"""Adding counter deltas to a rollup table (``reports_daily``, ``reports_slice``) in a few
statements: a multi-row upsert per chunk, then the rows the deltas brought to all zeros go."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from unionline import current
from unionline.plugins.reports.metrics import COUNTERS


async def add(table: str, key: Sequence[str], delta: dict[Any, list[int]]) -> None:
    """Add each key's values to its row of ``table`` (unique on ``key``)."""
    rows = sorted((k, v) for k, v in delta.items() if any(v))
    if not rows:
        return
    db = current().db
    cols = (*key, *COUNTERS)
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS)
    mark = "(" + ", ".join("{}" for _ in cols) + ")"
    per = max(1, 900 // len(cols))  # SQLite's bound on parameters per statement
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        await db.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES {', '.join(mark for _ in chunk)}"
            f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}",
            *(v for k, values in chunk for v in (*k, *values)),
        )
    lowered = [k for k, values in rows if any(v < 0 for v in values)]
    zero = " AND ".join(f"{c} = 0" for c in COUNTERS)
    for start in range(0, len(lowered), per):
        chunk = lowered[start : start + per]
        orgs = sorted({k[0] for k in chunk})
        days = sorted({k[1] for k in chunk})
        await db.execute(
            f"DELETE FROM {table} WHERE {zero}"
            f" AND organization_id IN ({', '.join('{}' for _ in orgs)})"
            f" AND day IN ({', '.join('{}' for _ in days)})",
            *orgs,
            *days,
        )
