"""The channel SDK: what a channel plugin (Telegram, VK, mail, a third party's) builds on.

Subclass :class:`ChannelType`, register an instance with the ``register_channels`` hook, route
the provider's webhook to :func:`handle_webhook` (or feed a poller's updates to
:func:`store_inbound`), and test it with ``unionline.testing.channel_contract.ChannelContract``.
See ``docs/writing-channels.md``.
"""

from __future__ import annotations

from unionline.channel.accounts import find_account, load_account, mark_needs_reauth
from unionline.channel.attachments import read_attachment
from unionline.channel.errors import DeliveryUnknown, RecipientBlocked, SentUnreadable
from unionline.channel.events import ChannelAccountChanged, ChannelAccountNeedsReauth
from unionline.channel.inbound import (
    IngestResult,
    StoredInbound,
    handle_webhook,
    ingest,
    store_inbound,
)
from unionline.channel.outbound import queue_delivery, report_delivery
from unionline.channel.storage import AttachmentStorage, LocalDiskStorage, use_storage
from unionline.channel.types import (
    AccountStatus,
    Attachment,
    Capabilities,
    ChannelAccount,
    ChannelType,
    DeliveryReport,
    DeliveryStatus,
    InboundMessage,
    InboundRequest,
    NoSecrets,
    NoSettings,
    OutboundAttachment,
    OutboundMessage,
    RateLimit,
    Sender,
    SendResult,
    SentElsewhere,
    WebhookReply,
)

__all__ = [
    "AccountStatus",
    "Attachment",
    "AttachmentStorage",
    "Capabilities",
    "ChannelAccount",
    "ChannelAccountChanged",
    "ChannelAccountNeedsReauth",
    "ChannelType",
    "DeliveryReport",
    "DeliveryStatus",
    "DeliveryUnknown",
    "InboundMessage",
    "InboundRequest",
    "IngestResult",
    "LocalDiskStorage",
    "NoSecrets",
    "NoSettings",
    "OutboundAttachment",
    "OutboundMessage",
    "RateLimit",
    "RecipientBlocked",
    "SendResult",
    "Sender",
    "SentElsewhere",
    "SentUnreadable",
    "StoredInbound",
    "WebhookReply",
    "find_account",
    "handle_webhook",
    "ingest",
    "load_account",
    "mark_needs_reauth",
    "queue_delivery",
    "read_attachment",
    "report_delivery",
    "store_inbound",
    "use_storage",
]
