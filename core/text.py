"""Text as Unionline stores it: the one type for every text field of an input Struct.

PostgreSQL text cannot hold the NUL character (SQLite can), so a ``\\u0000`` that reached a
query would fail there, on one engine only. Every text field an operator or a client fills in
(request bodies, query parameters, console commands) is declared with :data:`Text`, which
refuses NUL as a 400 naming the field on both engines; a field narrows it with its lengths::

    Subject = Annotated[Text, msgspec.Meta(max_length=500)]

Member text arriving through a channel is never refused (a member's message must not be lost
because of an invisible character): the channel SDK passes it through :func:`without_nul`.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar, cast

import msgspec
from litestar.params import QueryParameter

NUL = "\x00"
NO_NUL = r"^[^\x00]*$"  # the pattern the schema shows; fields with a stricter one need no more

T = TypeVar("T")

Text = Annotated[str, msgspec.Meta(pattern=NO_NUL)]
"""A string without NUL characters; layer lengths on it with another ``msgspec.Meta``."""


def without_nul(value: T) -> T:
    """``value`` with NUL characters removed from every string in it: dict keys and values,
    list and tuple items, the fields of a (frozen) Struct, recursively. Bytes and other values
    are kept as they are."""
    return cast("T", _clean(value))


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(NUL, "")
    if isinstance(value, msgspec.Struct):
        changes = {f: _clean(getattr(value, f)) for f in value.__struct_fields__}
        return msgspec.structs.replace(value, **changes)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_clean(v) for v in value)
    return value


TextQuery = Annotated[str | None, QueryParameter(pattern=NO_NUL)]
"""An optional text query parameter (Litestar reads only its own ``QueryParameter`` there, so a
parameter with more constraints states ``pattern=NO_NUL`` in its own)."""
