"""The plugin's event type and its listener (called from the ``on_event`` hookimpl)."""

from __future__ import annotations

import logging

import unionline

log = logging.getLogger("unionline_hello")


class GreetingCreated(unionline.Event, tag="hello.greeting_created"):
    """A greeting was stored; published in the same transaction as its row."""

    greeting_id: int
    name: str


async def count_event(event: unionline.Event) -> None:
    """Count GreetingCreated events on their greeting; every other event is ignored."""
    if not isinstance(event, GreetingCreated):
        return
    from unionline_hello.tables import Greeting

    await Greeting.update({Greeting.events_seen: Greeting.events_seen + 1}).where(
        Greeting.id == event.greeting_id
    )
    log.info("greeting #%s to %s noticed (event #%s)", event.greeting_id, event.name, event.id)
