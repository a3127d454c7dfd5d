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

import msgspec

from unionline.appeals.schemas import ReplyLimits, TimelineEntryView
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

    async def limits(self, channel: str, account_id: uuid.UUID | None) -> ReplyLimits:
        """What a reply on ``account_id`` (of channel type ``channel``) may hold."""
        ...

    async def refusal(
        self, account_id: uuid.UUID, appeal_id: uuid.UUID, text: str, files: Sequence[Any]
    ) -> ReplyRefusal | None:
        """Why the account would refuse this reply for what it holds (an SMS over the
        account's part limit, a file on a channel of text only), asked before it is stored;
        None when it takes it."""
        ...


class ReplyRefusal(msgspec.Struct, frozen=True, kw_only=True):
    """A reply the account would refuse: the channel's sentence (Russian, for the operator),
    the field it is about (``text`` or ``attachments``) and the account's limits."""

    reason: str
    field: str
    limits: ReplyLimits


class QueuePort(Protocol):
    """Whether an appeal opened by hand may name a queue: routing implements it."""

    async def check(self, actor: Any, queue_id: uuid.UUID, organization_id: uuid.UUID) -> None:
        """Raise a 4xx naming ``queue_id`` unless the queue exists, ``actor`` may see it and
        it belongs to the appeal's organization or one above it (as a transfer's queue)."""
        ...


_QUEUES = "appeals.queue_port"


def use_queues(port: QueuePort) -> None:
    """Install how a hand-opened appeal's queue is checked (routing does)."""
    current().state[_QUEUES] = port


def queues() -> QueuePort | None:
    """The installed queue check; None where routing is not loaded."""
    port: QueuePort | None = current().state.get(_QUEUES)
    return port


def use_delivery(port: DeliveryPort) -> None:
    """Install how replies are delivered in this runtime (the channel SDK does)."""
    current().state[_DELIVERY] = port


def delivery() -> DeliveryPort:
    port: DeliveryPort | None = current().state.get(_DELIVERY)
    if port is None:
        raise RuntimeError("no delivery port installed (core.channel's runtime_started)")
    return port
