"""What the appeals package needs from the layers above it, declared here as ports.

Appeals store a reply and say it is ``queued``; sending it is the channel SDK's job, a layer
above (docs/architecture.md, "Layers"). Rather than importing the SDK, appeals declares what
it needs — :class:`DeliveryPort` — and the SDK installs its implementation with
:func:`use_delivery` from its ``runtime_started`` hook, which runs in every process (web app,
worker, command) before any job or request.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from unionline.appeals.schemas import TimelineEntryView
from unionline.runtime import current

_DELIVERY = "appeals.delivery_port"


class DeliveryPort(Protocol):
    """How a reply reaches the member: the channel SDK implements it."""

    async def queue(self, entry: TimelineEntryView, organization_id: uuid.UUID) -> None:
        """Queue the delivery of ``entry`` (a ``message_out`` with status ``queued``). Called
        inside the transaction that stored the reply, so the delivery exists exactly when the
        reply does; a reply that cannot go anywhere is reported ``failed``, not raised."""
        ...

    async def describe_files(self, files: Sequence[Any]) -> list[Any]:
        """A reply's files (upload ids, or ``{"id": ...}``) as its timeline entry shows them:
        name, type, size, url; an unknown id stays as sent."""
        ...


def use_delivery(port: DeliveryPort) -> None:
    """Install how replies are delivered in this runtime (the channel SDK does)."""
    current().state[_DELIVERY] = port


def delivery() -> DeliveryPort:
    port: DeliveryPort | None = current().state.get(_DELIVERY)
    if port is None:
        raise RuntimeError("no delivery port installed (core.channel's runtime_started)")
    return port
