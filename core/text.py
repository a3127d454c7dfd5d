"""Text as Unionline stores it: the one type for every text field of an input Struct.

PostgreSQL text cannot hold the NUL character (SQLite can), so a ``\\u0000`` that reached a
query would fail there, on one engine only. Every text field an operator or a client fills in
(request bodies, query parameters, console commands) is declared with :data:`Text`, which
refuses NUL as a 400 naming the field on both engines; a field narrows it with its lengths::

    Subject = Annotated[Text, msgspec.Meta(max_length=500)]

Member text arriving through a channel is never refused (a member's message must not be lost
because of an invisible character or a broken byte): the channel SDK passes it through
:func:`storable`, the one sanitizer of text on its way to the database — NUL dropped, and lone
surrogates (bytes a decoder kept as ``surrogateescape``, half a UTF-16 pair), which neither
engine can encode, repaired.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar, cast

import msgspec
from litestar.params import QueryParameter

NUL = "\x00"
NO_NUL = r"^[^\x00]*$"  # the pattern the schema shows; fields with a stricter one need no more
WHITE_SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""White space for a pattern's class (``[{WHITE_SPACE}]``, ``[^{WHITE_SPACE}]``): what Python's
``\\s`` and ``str.strip()`` take, spelled out. A schema's ``\\s`` means this to the server but
another set to a client (JavaScript's has U+FEFF, not U+001C–U+001F or U+0085) — and ``\\w``,
``\\d`` are Unicode to the server, ASCII to a client: no schema pattern uses them
(tests/test_schema_patterns.py)."""

T = TypeVar("T")

Text = Annotated[str, msgspec.Meta(pattern=NO_NUL)]
"""A string without NUL characters; layer lengths on it with another ``msgspec.Meta``."""


_SURROGATE = re.compile("[\ud800-\udfff]")
# What surrogateescape made of 8-bit bytes — unless it is the second half of a UTF-16 pair.
_ESCAPED_BYTES = re.compile("[\ud800-\udbff][\udc00-\udfff]|([\udc80-\udcff]+)")


def storable(value: T) -> T:
    """``value`` as text both database engines store, every string in it: NUL removed, bytes
    kept as surrogate escapes decoded as UTF-8 (else U+FFFD), a UTF-16 surrogate pair joined
    and a lone surrogate replaced by U+FFFD. Dict keys and values, list and tuple items, the
    fields of a (frozen) Struct, recursively; bytes and other values are kept as they are."""
    return cast("T", _clean(value))


def without_nul(value: T) -> T:
    """The name :func:`storable` had when NUL was all it removed; it does the same."""
    return storable(value)


def storable_text(text: str) -> str:
    """One string as :func:`storable` leaves it."""
    text = text.replace(NUL, "")
    if _SURROGATE.search(text) is None:
        return text
    text = _ESCAPED_BYTES.sub(_escaped_as_utf8, text)
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _escaped_as_utf8(found: re.Match[str]) -> str:
    if found.group(1) is None:
        return found.group()  # a pair: joined below
    return found.group(1).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return storable_text(value)
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
