"""The console fan-out benchmark's plugin, loaded by the app processes it starts
(``UNIONLINE_PLUGIN_PATHS=benchfanout=benchmarks._fanout_plugin``): an event type and a route
that publishes events, each in its own transaction, as the domain services do."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import post
from litestar.params import JSONBody

from unionline import Event, current, hookimpl

PLUGIN = "benchfanout"
PLUGIN_PATH = f"{PLUGIN}=benchmarks._fanout_plugin"


class Tick(Event, tag="bench.tick"):
    """One benchmark event; ``occurred_at`` (set when it is built) is its send time."""

    n: int


class Publish(msgspec.Struct):
    ticks: list[tuple[int, uuid.UUID]]  # (n, organization)


@post("/bench/publish", exclude_from_csrf=True, include_in_schema=False, status_code=200)
async def publish_ticks(data: JSONBody[Publish]) -> dict[str, Any]:
    rt = current()
    for n, org in data.ticks:
        async with rt.db.transaction():
            await rt.events.publish(Tick(n=n, organization_id=org))
    return {"published": len(data.ticks)}


@hookimpl
def register_events(register: Any) -> None:
    register(Tick)


@hookimpl
def register_routes(register: Any) -> None:
    register(publish_ticks)
