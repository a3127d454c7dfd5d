"""Liveness and readiness probes."""

from __future__ import annotations

import time

import msgspec
from litestar import Response, get

from unionline.runtime import current


class Health(msgspec.Struct):
    status: str
    checks: dict[str, str] = msgspec.field(default_factory=dict)


@get("/health/live", tags=["health"])
async def live() -> Health:
    """The process is up."""
    return Health("ok")


@get("/health/ready", tags=["health"])
async def ready() -> Response[Health]:
    """The database (and Redis, when configured) answer, and the event relay advances."""
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
    return Response(Health("ok" if ok else "unavailable", checks), status_code=200 if ok else 503)


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
