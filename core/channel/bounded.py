"""JSON arrays read up to a bound, in the decoding pass itself (issue #12 item 3).

msgspec decodes a list of small objects at 3-30x the cost per KB of plain text, so an update
stuffed with thousands of entities, attachments or photo sizes cost that much more than what
the provider itself sends. ``first(item, most, name)`` is an ``array_like`` Struct of ``most``
positional fields: elements past its last field are skipped unread (malformed ones too), at
the speed msgspec skips JSON; those read are validated as a ``list[item]`` was. It iterates,
has a length and is falsy when empty, like the list it replaces. Channels use it for every
array of a provider's update whose real length the provider caps (Telegram, VK).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar

import msgspec

T = TypeVar("T")


class First(msgspec.Struct, Generic[T], array_like=True, frozen=True):
    """The first elements of a JSON array, up to the bound its subclass was made with."""

    def kept(self) -> list[T]:
        values = msgspec.structs.astuple(self)
        if values and values[-1] is msgspec.UNSET:  # decoded: the elements, then UNSET
            values = values[: values.index(msgspec.UNSET)]
        return list(values)

    def __iter__(self) -> Iterator[T]:
        return iter(self.kept())

    def __len__(self) -> int:
        return len(self.kept())


def first(item: Any, most: int, name: str) -> Any:
    """A ``First`` of at most ``most`` elements of type ``item`` (use it as the field's type;
    ``Name()`` is the empty one, a field's default)."""
    fields = [(f"e{i}", item, msgspec.UNSET) for i in range(most)]
    return msgspec.defstruct(name, fields, bases=(First,), array_like=True, frozen=True)
