"""Keep a claim while the work under it runs: :func:`renewing`.

A claim with a lease — a job's row in the outbox, a campaign's batch of recipient rows — lasts
``lease_seconds`` and is renewed every third of that while its work runs, so work slower than
the lease is not taken over by another process while this one still does it; only a process
that stopped (died) lets its lease run out. The job outbox and the campaigns' sending both run
their work through this one helper, each with its own ``renew`` statement.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger("unionline.lease")


async def renewing(
    work: Awaitable[T], renew: Callable[[], Awaitable[bool]], *, every: float, what: str
) -> T:
    """Await ``work`` while calling ``renew()`` every ``every`` seconds until it ends; answer
    its result or raise its exception.

    ``renew`` answers False when the claim is no longer this process's (another took it over):
    that is logged (``<what>: lease lost while running``), and so is a ``renew`` that raised
    (``<what>: could not renew its lease``) — the database away for a moment is not the work's
    failure, the lease lasts several renewals and the next one may well get through. Either
    way the work goes on: stopping it halfway would not undo what it already did.

    A renewal in flight when the work ends is let finish (it is a database statement), and none
    starts after. When the caller is cancelled, the work is cancelled and waited for (its
    cleanup has run when the cancellation reaches the caller)."""
    if not (every > 0 and math.isfinite(every)):
        raise ValueError(f"renewing: every must be a positive number of seconds, not {every!r}")
    task = asyncio.ensure_future(work)
    try:
        while not (await asyncio.wait((task,), timeout=every))[0]:
            await _renew_once(renew, what)
    except BaseException:
        task.cancel()
        await asyncio.wait((task,))  # cancelled again meanwhile: raises, the work is cancelled
        if not task.cancelled():
            task.exception()  # it ended before the cancel reached it: its failure is seen
        raise
    return task.result()


async def _renew_once(renew: Callable[[], Awaitable[bool]], what: str) -> None:
    try:
        if not await renew():
            log.warning("%s: lease lost while running", what)
    except Exception as exc:
        log.warning("%s: could not renew its lease: %r", what, exc)
