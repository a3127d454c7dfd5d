"""HTTP glue shared by every route: who is asking, and errors as JSON with a code and field."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.middleware.csrf import CSRFMiddleware
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE

from unionline.access import Actor
from unionline.db import database_unavailable, describe_error
from unionline.errors import Invalid, ServiceError, Unauthorized
from unionline.observability import request_id
from unionline.runtime import current

log = logging.getLogger("unionline.web")

__all__ = ["CurrentActor", "http_error", "query_time", "service_error"]


class ErrorBody(msgspec.Struct, omit_defaults=True):
    code: str
    message: str
    field: str | None = None
    extra: dict[str, Any] = msgspec.field(default_factory=dict)


class ErrorResponse(msgspec.Struct):
    error: ErrorBody


async def provide_actor(request: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """The authenticated actor; 401 when nobody is recognised."""
    # The scope is a TypedDict without our key: what is cached there is checked, not assumed.
    cached = request.scope.get("unionline_actor")
    actor = cached if isinstance(cached, Actor) else None
    if actor is None:
        actor = await current().hooks.actor_from_request(request)  # type: ignore[arg-type]
        request.scope["unionline_actor"] = actor  # type: ignore[typeddict-unknown-key]
    if actor is None:
        raise Unauthorized("authentication required")
    return actor


DEPENDENCIES = {"actor": Provide(provide_actor)}
# Annotate a handler parameter ``actor: CurrentActor`` to require an authenticated actor.
CurrentActor = NamedDependency[Actor]


def _json(status: int, body: ErrorBody) -> Response[Any]:
    return Response(
        content=msgspec.to_builtins(ErrorResponse(body)),
        status_code=status,
        media_type=MediaType.JSON,
    )


def query_time(value: str | None, field: str) -> datetime | None:
    """A query parameter's time, in UTC: RFC 3339 with a zone (``2026-01-31T10:00:00+03:00``),
    else :class:`~unionline.errors.Invalid` naming ``field``; None when not given."""
    if value is None:
        return None
    example = "2026-01-31T10:00:00+03:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{field} must be a time like {example}", field=field) from None
    if parsed.tzinfo is None:
        raise Invalid(f"{field} needs a time zone (e.g. {example})", field=field)
    return parsed.astimezone(UTC)


def service_error(_: Request[Any, Any, Any], exc: ServiceError) -> Response[Any]:
    return _json(exc.status_code, ErrorBody(exc.code, exc.message, exc.field, exc.extra))


def validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    problems = exc.extra if isinstance(exc.extra, list) else []
    first = problems[0] if problems and isinstance(problems[0], dict) else {}
    field = (
        _missing_field(str(first.get("message", "")))
        or first.get("key")
        or _field_from(str(first.get("message", "")))
    )
    message = str(first.get("message") or exc.detail)
    return _json(
        400,
        ErrorBody(
            "validation_error",
            message,
            field or None,
            {"problems": problems} if len(problems) > 1 else {},
        ),
    )


def _missing_field(message: str) -> str:
    """msgspec names a missing field only in its message; the key Litestar gives is "data"."""
    match = re.match(r"Object missing required field `([^`]+)`(?: - at `\$\.?([^`]*)`)?", message)
    if not match:
        return ""
    return ".".join(filter(None, [match.group(2), match.group(1)]))


def _field_from(message: str) -> str:
    marker = " - at `$."
    if marker in message:
        return message.split(marker, 1)[1].rstrip("`")
    return ""


def http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    codes = {
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        429: "rate_limited",
    }
    code = codes.get(exc.status_code, "http_error")
    response = _json(exc.status_code, ErrorBody(code, str(exc.detail)))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if database_unavailable(exc):
        return database_unavailable_error(request, exc)
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _json(
        HTTP_500_INTERNAL_SERVER_ERROR,
        ErrorBody("internal_error", f"internal error (request id {request_id.get()})"),
    )


# Seconds a client (a provider redelivering a webhook) is asked to wait during an outage.
OUTAGE_RETRY_AFTER = 5


def database_unavailable_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The database is down or restarting: 503 and one log line, not a 500 with a traceback.
    Webhook providers redeliver either way; a 503 says "try again", not "we have a bug"."""
    log.warning(
        "database unavailable on %s %s: %s", request.method, request.url.path, describe_error(exc)
    )
    response = _json(
        HTTP_503_SERVICE_UNAVAILABLE,
        ErrorBody("unavailable", "the database is unavailable; try again shortly"),
    )
    response.headers["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    return response


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ServiceError: service_error,
    ValidationException: validation_error,
    NotAuthorizedException: http_error,
    HTTPException: http_error,
    Exception: internal_error,
}


class TokenAwareCSRFMiddleware(CSRFMiddleware):
    """CSRF protects cookie sessions. A request carrying ``Authorization: Bearer`` is
    authenticated by that token alone (the cookie is ignored), and a cross-site form cannot set
    that header, so it skips the check."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            bearer = headers.get(b"authorization", b"").lower().startswith(b"bearer ")
            if bearer:
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
