"""Submissions per form and client address per clock hour, counted in the database.

One atomic upsert per attempt (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING hits``), so the
limit holds across any number of web processes on either engine. The address is stored only as
a keyed hash. Rows of past hours are deleted as new hours start.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid

from litestar.exceptions import TooManyRequestsException

from unionline import current

WINDOW = 3600


def client_hash(address: str) -> str:
    key = current().settings.secret_key.encode()
    return hmac.new(key, f"webform:{address}".encode(), hashlib.sha256).hexdigest()[:32]


async def count_attempt(
    account_id: uuid.UUID, address: str, limit: int, now: float | None = None
) -> None:
    """Count one submission attempt; 429 with ``Retry-After`` once the hour's limit is spent."""
    now = time.time() if now is None else now
    start = int(now // WINDOW * WINDOW)
    db = current().db
    async with db.transaction():
        row = await db.fetchone(
            "INSERT INTO webform_rate (id, key, account_id, window_start, hits)"
            " VALUES ({}, {}, {}, {}, 1)"
            " ON CONFLICT (key) DO UPDATE SET hits = webform_rate.hits + 1 RETURNING hits",
            uuid.uuid4(),
            f"{account_id}:{client_hash(address)}:{start}",
            account_id,
            start,
        )
        if row is not None and int(row["hits"]) == 1:  # the first attempt of a new hour
            await db.execute(
                "DELETE FROM webform_rate WHERE account_id = {} AND window_start < {}",
                account_id,
                start,
            )
    if row is not None and int(row["hits"]) > limit:
        retry_after = max(1, int(start + WINDOW - now))
        raise TooManyRequestsException(
            f"too many submissions from this address; try again in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )
