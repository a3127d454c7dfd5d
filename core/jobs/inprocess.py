"""The in-process job executor: runs outbox jobs inside the web process (the embedded default).

It also runs ``unionline worker`` when no Redis is configured. Wake-ups come from commits in
this process; jobs enqueued elsewhere are found by polling every ``jobs.poll_interval``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unionline.jobs.outbox import Claimed, JobQueue

log = logging.getLogger("unionline.jobs")


class InProcessExecutor:
    """Runs jobs inside the web process: the embedded default, no services needed."""

    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue
        self.settings = queue.settings
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[Any]] = set()
        self._claiming = 0  # claims in flight: leased in the database, not yet in _running
        self._stopping = False
        queue.listeners.append(self._woken)

    def _woken(self, jobs: object) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="unionline-jobs")

    async def stop(self) -> None:
        # Stop between claims rather than cancelling a query in flight.
        self._stopping = True
        self._wake.set()
        with contextlib.suppress(ValueError):
            self.queue.listeners.remove(self._woken)
        if self._task is not None:
            await self._task
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
        await self.queue.quiesce()

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                claimed = await self.run_due()
            except Exception:
                log.exception("job executor failed to claim; retrying")
                claimed = 0
            if claimed:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.poll_interval)
            self._wake.clear()

    async def run_due(self) -> int:
        """Claim what is due (as many as there are free slots) and start running it."""
        free = self.settings.concurrency - len(self._running)
        if free <= 0:  # wait for a slot; claiming now would hold leases we cannot use yet
            await asyncio.wait(set(self._running), return_when=asyncio.FIRST_COMPLETED)
            return 1
        self._claiming += 1
        try:
            jobs = await self.queue.claim(limit=free)
        finally:
            self._claiming -= 1
        for job in jobs:
            task = asyncio.create_task(self._run(job))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        return len(jobs)

    async def _run(self, job: Claimed) -> None:
        try:
            await self.queue.run(job)
        except Exception:
            log.exception("job %s #%s: recording its outcome failed", job.name, job.id)

    @property
    def idle(self) -> bool:
        """No job of this executor is running right now."""
        return not self._running and not self._claiming

    async def drain(self, timeout: float | None = 30.0) -> None:
        """Run until no job is due now and none is running here (tests, ``worker --burst``).

        Jobs waiting for a later retry are left for later.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while deadline is None or time.monotonic() < deadline:
            # The background loop may hold a claim whose jobs are leased but not yet running:
            # they are neither due nor in _running, so wait for it to land.
            if await self.run_due() == 0 and self.idle:
                due = await self.queue.next_due()
                if due is None or due > time.time():
                    return
            await asyncio.sleep(0.01)
        raise TimeoutError("jobs still due after drain timeout")
