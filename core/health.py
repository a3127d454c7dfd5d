"""Liveness and readiness probes."""

from __future__ import annotations

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
    """The database (and Redis, when configured) answer."""
    runtime = current()
    checks: dict[str, str] = {}
    try:
        await runtime.db.fetch("SELECT 1 AS ok")
        checks["database"] = "ok"
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
