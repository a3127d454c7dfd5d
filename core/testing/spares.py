"""PostgreSQL test databases copied ahead of need and dropped after, off the tests' path.

Copying a migrated template (``CREATE DATABASE … TEMPLATE``) costs the server about half a
second, nearly all of it waiting on the disk, and dropping a database a few hundredths more: a
test that waited for either would leave its core idle. So each test process keeps, per template
it was asked for, one *spare* copy made in a background thread; a test that needs a database
gets the spare renamed to its name (``ALTER DATABASE … RENAME``, a catalogue update) while the
thread copies the next one, and finished tests' databases are dropped by the same thread.

Spares are named ``ul_s_<random>`` and dropped when the process ends (:func:`close`, called by
the pytest plugin and at interpreter exit); a killed process leaves its spare behind, as it
would leave its test's database.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import threading
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

SPARE_PREFIX = "ul_s_"

# (server URL, template) -> the spare being copied or ready: its future gives its name.
_spares: dict[tuple[str, str], concurrent.futures.Future[str]] = {}
_pending: set[concurrent.futures.Future[Any]] = set()
_lock = threading.Lock()
_worker: _Worker | None = None


class _Worker:
    """A daemon thread running an event loop of its own for the server's slow statements."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="unionline-db-spares", daemon=True
        )
        self.thread.start()

    def submit(self, coro: Coroutine[Any, Any, Any]) -> concurrent.futures.Future[Any]:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        with _lock:
            _pending.add(future)
        future.add_done_callback(_forget)
        return future

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        if not self.thread.is_alive():
            self.loop.close()


def _forget(future: concurrent.futures.Future[Any]) -> None:
    with _lock:
        _pending.discard(future)


def _the_worker() -> _Worker:
    global _worker
    with _lock:
        if _worker is None:
            _worker = _Worker()
            atexit.register(close)  # outside pytest too (benchmarks): nothing left undropped
        return _worker


async def take(
    server: str,
    name: str,
    template: str,
    copy: Callable[[Any, str, str], Awaitable[None]],
) -> None:
    """Create database ``name`` on ``server`` as a copy of ``template``: the spare renamed when
    one is ready, else copied now with ``copy(admin, name, template)``; then the next spare
    is started."""
    import asyncpg

    with _lock:
        spare = _spares.pop((server, template), None)
    spare_name = None
    if spare is not None:
        try:
            spare_name = await asyncio.wrap_future(spare)
        except (OSError, asyncpg.PostgresError):
            spare_name = None  # the copy failed: make this one directly (and say why if it fails)
    admin = await asyncpg.connect(server)
    try:
        if spare_name is not None:
            await admin.execute(f'ALTER DATABASE "{spare_name}" RENAME TO "{name}"')
        else:
            await copy(admin, name, template)
    finally:
        await admin.close()
    future: concurrent.futures.Future[str] = _the_worker().submit(
        _make_spare(server, template, copy)
    )
    with _lock:
        _spares[(server, template)] = future


async def _make_spare(
    server: str, template: str, copy: Callable[[Any, str, str], Awaitable[None]]
) -> str:
    import asyncpg

    name = SPARE_PREFIX + uuid.uuid4().hex[:12]
    admin = await asyncpg.connect(server)
    try:
        await copy(admin, name, template)
    finally:
        await admin.close()
    return name


def drop_later(server: str, name: str) -> None:
    """Drop database ``name`` in the background (its test is over)."""
    _the_worker().submit(_drop(server, name))


async def _drop(server: str, name: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def close() -> None:
    """Wait for the background work, drop the spares and stop the thread (end of the run)."""
    global _worker
    worker = _worker
    if worker is None:
        return
    with _lock:
        pending = list(_pending)
    concurrent.futures.wait(pending, timeout=120)
    with _lock:
        spares = list(_spares.items())
        _spares.clear()
    drops = []
    for (server, _), future in spares:
        if future.done() and future.exception() is None:
            drops.append(
                asyncio.run_coroutine_threadsafe(_drop(server, future.result()), worker.loop)
            )
    concurrent.futures.wait(drops, timeout=60)
    worker.stop()
    _worker = None
