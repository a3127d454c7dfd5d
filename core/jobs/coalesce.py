"""Natural batching: requests made while a round trip is in flight share the next one.

Under load many jobs finish (or get claimed, or get queued in Redis) within the same moment;
one ``UPDATE ... WHERE id IN (...)`` or one Redis script call for all of them costs about as
much as one for a single job. Nothing waits on a timer: an idle coalescer sends at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")

log = logging.getLogger("unionline.jobs")


class Coalescer(Generic[K, R]):
    """``await submit(key)`` runs ``flush(keys)`` for every key submitted meanwhile.

    ``flush`` answers a result per key; a key it does not answer, and every submission of
    a key but the first in a batch, gets ``default``. A result whose submitter was cancelled
    in the meantime goes to ``orphaned`` (e.g. to release a claim).
    """

    def __init__(
        self,
        flush: Callable[[list[K]], Awaitable[dict[K, R]]],
        default: R,
        orphaned: Callable[[K, R], Awaitable[None]] | None = None,
    ) -> None:
        self._flush = flush
        self._default = default
        self._orphaned = orphaned
        self._waiting: list[tuple[K, asyncio.Future[R]]] = []
        self._sender: asyncio.Task[None] | None = None

    async def submit(self, key: K) -> R:
        return (await self.submit_many([key]))[0]

    async def submit_many(self, keys: list[K]) -> list[R]:
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[R]] = [loop.create_future() for _ in keys]
        self._waiting += zip(keys, futures, strict=True)
        if self._sender is None:
            self._sender = asyncio.create_task(self._send())
        return list(await asyncio.gather(*futures))

    async def wait_idle(self) -> None:
        """Return once nothing is being sent (what was submitted is answered or handed back)."""
        while self._sender is not None:
            await asyncio.shield(self._sender)

    async def _send(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    results = await self._flush(list(dict.fromkeys(k for k, _ in batch)))
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for key, future in batch:  # a key submitted twice: the first one gets it
                    await self._answer(future, key, results.pop(key, self._default))
        finally:
            self._sender = None

    async def _answer(self, future: asyncio.Future[R], key: K, result: R) -> None:
        if not future.done():
            future.set_result(result)
        elif future.cancelled() and self._orphaned is not None:
            try:
                await self._orphaned(key, result)
            except Exception:
                log.exception("could not hand back %r", key)
