"""Input hygiene at the HTTP edge, for what no schema can express.

PostgreSQL text cannot hold the NUL character, so a ``\\u0000`` in a JSON string or a ``%00``
in a query or path parameter would fail deep in a query as a 500. It is refused here, on both
engines alike, as a 422 naming the field.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from unionline.errors import Invalid

NUL = "\x00"


class NulCharacter(Invalid):

    def __init__(self, field: str) -> None:
        super().__init__("text must not contain the NUL character", field=field)


async def refuse_nul(request: Request[Any, Any, Any]) -> None:
    """Litestar ``before_request`` hook: 422 when any text input of an API request holds a
    NUL character. (Provider webhooks are left to their channels, which should strip it: a
    refusal would only make the provider retry.)"""
    if not request.url.path.startswith("/api/"):
        return
    for name, value in [*request.query_params.multi_items(), *request.path_params.items()]:
        if NUL in name or (isinstance(value, str) and NUL in value):
            raise NulCharacter(name.replace(NUL, "\\u0000"))
    if request.method in ("POST", "PUT", "PATCH") and "json" in request.content_type[0]:
        body = await request.body()
        if b"\\u0000" in body:
            try:
                data = msgspec.json.decode(body)
            except msgspec.DecodeError:
                return  # the handler answers the malformed body
            field = _find_nul(data, "")
            if field is not None:
                raise NulCharacter(field or "body")


def _find_nul(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return here.replace(NUL, "\\u0000")
            found = _find_nul(item, here)
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _find_nul(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None
