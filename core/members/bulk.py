"""Batch INSERTs and chunked lookups for imports: thousands of rows per round trip, inside
the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from unionline.rows import S
from unionline.runtime import current

# Stay well under SQLite's and asyncpg's limits on bound parameters per statement (32766).
MAX_PARAMETERS = 30_000
MAX_ROWS = 1_000


def chunks(rows: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


async def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """INSERT ``rows`` (tuples in ``columns`` order) into ``table``; returns how many.

    Uses the driver's ``executemany`` on the current transaction's connection (asyncpg
    pipelines it; sqlite3 loops in C); outside a transaction, multi-row statements.
    """
    if not rows:
        return 0
    db = current().db
    tx = db.engine.current_transaction.get()
    if tx is not None:
        marks = (
            [f"${i + 1}" for i in range(len(columns))] if db.is_postgres else ["?"] * len(columns)
        )
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(marks)})"
        for chunk in chunks(rows, 5_000):  # let other tasks run between chunks
            await tx.connection.executemany(sql, chunk)
        return len(rows)
    width = len(columns)
    per_statement = max(1, min(MAX_ROWS, MAX_PARAMETERS // width))
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    one = "(" + ", ".join(["{}"] * width) + ")"
    for chunk in chunks(rows, per_statement):
        sql = head + ", ".join([one] * len(chunk))
        await db.execute(sql, *[value for row in chunk for value in row])
    return len(rows)


async def select_in(
    row_type: type[S], table: str, key: str, values: Sequence[Any], size: int = 1000
) -> list[S]:
    """Rows of ``table`` whose ``key`` is one of ``values`` (queried in chunks), as
    ``row_type`` (its fields name the columns)."""
    db = current().db
    columns = ", ".join(f.encode_name for f in msgspec.structs.fields(row_type))
    found: list[S] = []
    for chunk in chunks(list(values), size):
        marks = ", ".join(["{}"] * len(chunk))
        found += await db.fetch_as(
            row_type, f"SELECT {columns} FROM {table} WHERE {key} IN ({marks})", *chunk
        )
    return found
