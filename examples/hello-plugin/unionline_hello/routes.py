"""``/api/hello/greetings``: create and list greetings (the checks live in services)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import JSONBody

from unionline.web import CurrentActor
from unionline_hello import services
from unionline_hello.schemas import GreetingView, NewGreeting


class GreetingsController(Controller):
    path = "/api/hello/greetings"
    tags = ("hello",)

    @post("/")
    async def create(self, actor: CurrentActor, data: JSONBody[NewGreeting]) -> GreetingView:
        """Greet someone: stores the greeting, publishes an event and queues its delivery."""
        return await services.create_greeting(actor, data.name)

    @get("/")
    async def list_all(self, actor: CurrentActor) -> list[GreetingView]:
        """Every greeting, oldest first."""
        return await services.list_greetings(actor)
