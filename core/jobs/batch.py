"""Claims by id and "done" marks of one process, sent together: the arq worker's hot path.

Every arq message makes the worker claim one row and, once the job ran, mark it done. Requests
made while a statement is in flight share the next one (:class:`~unionline.jobs.coalesce.
Coalescer`); on PostgreSQL claims and done marks even share one statement (two data-modifying
CTEs), so a busy worker spends about one round trip per job on bookkeeping.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import msgspec

from unionline.jobs.coalesce import Coalescer

if TYPE_CHECKING:
    from unionline.jobs.outbox import Claimed, JobQueue

Key = tuple[str, int]  # ("claim" | "done", job id)
CLAIM, DONE = "claim", "done"
_COLUMNS = "id, name, payload, idempotency_key, attempts, max_attempts"


class Bookkeeping:
    """``claim(job_id)`` and ``done(job_id)`` for one :class:`JobQueue`, batched."""

    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue
        self.db = queue.db
        self.batches: Coalescer[Key, Any] = Coalescer(self._send, None, self._orphaned)

    async def claim(self, job_id: int) -> Claimed | None:
        return await self.batches.submit((CLAIM, job_id))

    async def done(self, job_id: int) -> bool:
        return bool(await self.batches.submit((DONE, job_id)))

    async def wait_idle(self) -> None:
        await self.batches.wait_idle()

    async def _orphaned(self, key: Key, result: Any) -> None:
        if key[0] == CLAIM and result is not None:  # claimed for a caller who is gone
            await self.queue.release(result)

    async def _send(self, keys: list[Key]) -> dict[Key, Any]:
        claims = [job_id for kind, job_id in keys if kind == CLAIM]
        dones = [job_id for kind, job_id in keys if kind == DONE]
        if claims and dones and self.db.is_postgres:
            return await self._both(claims, dones)
        results: dict[Key, Any] = {}
        if claims:
            results |= {(CLAIM, job.id): job for job in await self.queue.claim(ids=claims)}
        if dones:
            rows = await self.db.fetch(self._done_sql(len(dones)), *self._done_args(dones))
            results |= {(DONE, int(row["id"])): True for row in rows}
        return results  # a missing done: the lease was lost to another worker

    def _done_sql(self, count: int) -> str:
        ids = ", ".join(["{}"] * count)
        return (
            "UPDATE system_job SET status = 'done', locked_until = NULL, locked_by = NULL,"
            f" finished_at = {{}} WHERE locked_by = {{}} AND id IN ({ids})"
            f"{self.queue.unsynced} RETURNING id"
        )

    def _done_args(self, ids: list[int]) -> list[Any]:
        return [time.time(), self.queue.worker_id, *ids]

    async def _both(self, claims: list[int], dones: list[int]) -> dict[Key, Any]:
        sql = (
            f"WITH finished AS ({self._done_sql(len(dones))}),"
            f" claimed AS ({self.queue.claim_sql(len(claims))})"
            f" SELECT 'c' AS kind, {_COLUMNS} FROM claimed UNION ALL"
            " SELECT 'd', id, NULL, NULL, NULL, NULL, NULL FROM finished"
        )
        args = [*self._done_args(dones), *self.queue.claim_args(claims, len(claims))]
        results: dict[Key, Any] = {}
        for row in await self.db.fetch(sql, *args):
            data = dict(row)  # an asyncpg Record
            if data.pop("kind") == "d":
                results[(DONE, int(data["id"]))] = True
            else:
                job = msgspec.convert(data, _claimed_type())
                results[(CLAIM, job.id)] = job
        return results


def _claimed_type() -> type[Claimed]:
    from unionline.jobs.outbox import Claimed

    return Claimed
