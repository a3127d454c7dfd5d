"""A safety net for values the database refuses.

Domains validate their input (NUL characters, which PostgreSQL text cannot hold; numbers beyond
a column's range), and the schema says so. A value that still reaches PostgreSQL and is refused
there is the client's input, not a server failure: it answers 422 ``invalid`` instead of 500.
SQLite stores such values, so this only ever fires on PostgreSQL; the fix belongs in the
domain's validation, and the warning logged here names the route.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from asyncpg.exceptions import DataError
from litestar import MediaType, Request, Response

from unionline.web import ErrorBody, ErrorResponse

log = logging.getLogger("unionline.web")


def database_refused(request: Request[Any, Any, Any], exc: DataError) -> Response[Any]:
    log.warning("PostgreSQL refused a value on %s %s: %s", request.method, request.url.path, exc)
    body = ErrorResponse(ErrorBody("invalid", f"a value cannot be stored: {exc}"))
    return Response(msgspec.to_builtins(body), status_code=422, media_type=MediaType.JSON)


EXCEPTION_HANDLERS: dict[Any, Any] = {DataError: database_refused}
