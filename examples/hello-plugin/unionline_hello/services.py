"""Greetings: permission checks, the row, its event and its job in one transaction."""

from __future__ import annotations

from typing import Any

import unionline
from unionline import Actor, Invalid
from unionline_hello.events import GreetingCreated
from unionline_hello.jobs import DELIVER, DeliverPayload
from unionline_hello.schemas import GreetingView
from unionline_hello.settings import HelloSettings
from unionline_hello.tables import Greeting

PERMISSION = "hello.greet"


def view(row: dict[str, Any]) -> GreetingView:
    return GreetingView(
        id=row["id"],
        name=row["name"],
        text=row["text"],
        delivered=row["delivered"],
        events_seen=row["events_seen"],
    )


async def create_greeting(actor: Actor, name: str) -> GreetingView:
    """Store a greeting; after commit its event reaches listeners and its job runs."""
    actor.require(PERMISSION)
    name = name.strip()
    if not name:
        raise Invalid("name must not be blank", field="name")
    return await store_greeting(name, created_by=actor.operator_id)


def greeting_text(name: str) -> str:
    word = unionline.current().settings.section("hello", HelloSettings).greeting
    return f"{word}, {name}!"


async def store_greeting(
    name: str, *, created_by: Any = None, robot_key: str | None = None
) -> GreetingView:
    """The row, its event and its job in one transaction (operators and the robot action)."""
    async with unionline.current().db.transaction():
        greeting = Greeting(
            name=name, text=greeting_text(name), created_by=created_by, robot_key=robot_key
        )
        await greeting.save()
        await unionline.publish(GreetingCreated(greeting_id=greeting.id, name=name))
        # The key makes a second enqueue for the same greeting a no-op.
        await unionline.enqueue(
            DELIVER, DeliverPayload(greeting_id=greeting.id), key=f"{DELIVER}:{greeting.id}"
        )
    return view(greeting.to_dict())


async def list_greetings(actor: Actor) -> list[GreetingView]:
    actor.require(PERMISSION)
    return [view(row) for row in await Greeting.select().order_by(Greeting.id)]
