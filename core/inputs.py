"""A safety net for values the database refuses.

Domains validate their input (NUL characters, which PostgreSQL text cannot hold, are refused by
:data:`unionline.text.Text`; numbers beyond a column's range), and the schema says so. A value
that still reaches PostgreSQL and is refused there is the client's input, not a server failure:
it answers 422 ``invalid`` instead of 500, with a fixed message: the database's own text names
its types, columns and sometimes the value, none of which is the client's business. SQLite
stores such values, so this only ever fires on PostgreSQL; the fix belongs in the domain's
validation, and the warning logged here names the route and the SQLSTATE.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from asyncpg.exceptions import DataError
from litestar import MediaType, Request, Response

from unionline.web import ErrorBody, ErrorResponse

log = logging.getLogger("unionline.web")
REFUSED = "a value cannot be stored"


def database_refused(request: Request[Any, Any, Any], exc: DataError) -> Response[Any]:
    log.warning(
        "PostgreSQL refused a value on %s %s: %s (SQLSTATE %s)",
        request.method,
        request.url.path,
        type(exc).__name__,
        getattr(exc, "sqlstate", "?"),
    )
    body = ErrorResponse(ErrorBody("invalid", REFUSED))
    return Response(msgspec.to_builtins(body), status_code=422, media_type=MediaType.JSON)


EXCEPTION_HANDLERS: dict[Any, Any] = {DataError: database_refused}
