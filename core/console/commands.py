"""Console commands: each maps onto a service call, so the same checks serve REST and socket.

Commands are registered in ``COMMANDS`` by name with a msgspec Struct for their arguments.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import msgspec

from unionline.errors import NotFound

if TYPE_CHECKING:
    from unionline.console.session import ConsoleSession

Handler = Callable[["ConsoleSession", Any], Awaitable[Any]]
COMMANDS: dict[str, tuple[type[msgspec.Struct], Handler]] = {}


def command(name: str, args: type[msgspec.Struct]) -> Callable[[Handler], Handler]:
    def decorate(fn: Handler) -> Handler:
        COMMANDS[name] = (args, fn)
        return fn

    return decorate


async def dispatch(session: ConsoleSession, name: str, raw_args: dict[str, Any]) -> Any:
    entry = COMMANDS.get(name)
    if entry is None:
        raise NotFound(
            f"unknown command {name!r}", field="name", extra={"commands": sorted(COMMANDS)}
        )
    kind, handler = entry
    return await handler(session, msgspec.convert(raw_args, kind))
