"""Liveness and readiness probes, and the report of this process's long-lived tasks."""

from __future__ import annotations

import time
from typing import Protocol

import msgspec
from litestar import Response, get

from unionline.runtime import current


class Health(msgspec.Struct):
    status: str
    checks: dict[str, str] = msgspec.field(default_factory=dict)
    # Long-lived tasks of this process (channel pollers) and their state. Informative only: a
    # provider that is down must not take the web process out of the load balancer.
    background: dict[str, str] = msgspec.field(default_factory=dict)


class Watched(Protocol):
    """A long-lived task that reports itself, such as a channel poller."""

    @property
    def name(self) -> str: ...

    def health(self) -> str: ...


_watched: set[Watched] = set()


def watch(task: Watched) -> None:
    """List ``task`` under ``background`` in ``/health/ready`` until :func:`unwatch`."""
    _watched.add(task)


def unwatch(task: Watched) -> None:
    _watched.discard(task)


def background() -> dict[str, str]:
    """Name → state of every watched task; a name watched twice (two pollers of one account
    in one process, one waiting for the other's lease) is numbered."""
    report: dict[str, str] = {}
    for task in sorted(_watched, key=lambda t: t.name):
        name, n = task.name, 1
        while name in report:
            n += 1
            name = f"{task.name} ({n})"
        report[name] = task.health()
    return report


@get("/health/live", tags=["health"])
async def live() -> Health:
    """The process is up."""
    return Health("ok")


@get("/health/ready", tags=["health"])
async def ready() -> Response[Health]:
    """The database (and Redis, when configured) answer, and the event relay advances; the
    long-lived tasks of the process (channel pollers) are listed under ``background``."""
    runtime = current()
    checks: dict[str, str] = {}
    try:
        await runtime.db.fetch("SELECT 1 AS ok")
        checks["database"] = "ok"
        checks["events"] = await _relay_check()
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    if runtime.redis is not None:
        try:
            await runtime.redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    report = Health("ok" if ok else "unavailable", checks, background())
    return Response(report, status_code=200 if ok else 503)


async def _relay_check() -> str:
    """ "ok", unless committed events wait for positions while the relay is not advancing
    (consoles would receive nothing more)."""
    events = current().events
    if not events.stalled():
        return "ok"
    waiting = await events.waiting()
    if not waiting:
        return "ok"
    idle = int(time.monotonic() - events.last_relayed)
    return f"stalled: {waiting} events waiting, relay idle {idle} s"
