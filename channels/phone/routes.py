"""HTTP: the PBX's webhooks (``/channels/phone/<line>/…``) and the console's callbacks API."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post, route
from litestar.params import FromPath, JSONBody, QueryParameter

from unionline import Invalid, NotFound, UnsupportedUpdate
from unionline.channel import find_account, to_request
from unionline.channels.phone import dial
from unionline.channels.phone.adapters import adapter_for
from unionline.channels.phone.store import record
from unionline.web import CurrentActor

log = logging.getLogger("unionline.channels.phone")
OK = b'{"ok":true}'


@route(
    "/channels/phone/{account_key:str}/{rest:path}",
    http_method=["GET", "POST"],
    status_code=200,
    exclude_from_csrf=True,
    tags=["channels"],
)
async def phone_events(
    request: Request[Any, Any, Any], account_key: FromPath[str], rest: FromPath[str]
) -> Response[bytes]:
    """A cloud PBX's call events for a line, checked with the line's keys (401: nothing kept)."""
    line = await find_account("phone", account_key)
    if line is None or line.status == "disabled":
        raise NotFound(f"no phone line {account_key!r}", field="account")
    inbound = await to_request(request)
    adapter = adapter_for(line.config.provider)
    echo = adapter.echo(line, inbound)
    if echo is not None:
        return Response(echo.body, status_code=echo.status_code, media_type=echo.media_type)
    await adapter.verify(line, inbound)
    try:
        events = adapter.decode(line, inbound)
    except UnsupportedUpdate as exc:
        log.info("phone line %s: unsupported event answered 200: %s", line.id, exc)
        return Response(OK, media_type="application/json")
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise Invalid(f"the PBX's event does not read: {exc}", field="body") from exc
    await record(line, events)
    return Response(OK, media_type="application/json")


class CallBack(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The body of a click-to-call: the click's own key (a UUID the console makes per click)."""

    click: Annotated[str, msgspec.Meta(pattern=r"^[0-9A-Za-z-]{8,64}$(?!\n)")] | None = None


class CallbacksController(Controller):
    path = "/api/phone/callbacks"
    tags = ["phone"]  # noqa: RUF012 (Litestar's own attribute)

    @get("/")
    async def list_callbacks(
        self,
        actor: CurrentActor,
        status: Annotated[str, QueryParameter(pattern=r"^(open|done|all)$(?!\n)")] = "open",
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> list[dict[str, Any]]:
        """Callbacks owed in the operator's organizations (``open``: pending or calling),
        soonest due first."""
        return await dial.listing(actor, status, limit)

    @post("/{callback_id:uuid}/call", status_code=200)
    async def call_back(
        self,
        actor: CurrentActor,
        callback_id: FromPath[uuid.UUID],
        data: JSONBody[CallBack | None] = None,
    ) -> dict[str, Any]:
        """Click-to-call: the provider rings the operator's extension, then the member. The
        body's ``click`` (optional) names the click: sent again, it does not ring again."""
        return await dial.call_back(actor, callback_id, data.click if data else None)
