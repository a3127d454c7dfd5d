"""The channel SDK: what a channel plugin (Telegram, VK, mail, a third party's) builds on.

Subclass :class:`ChannelType`, register an instance with the ``register_channels`` hook, route
the provider's webhook to :func:`handle_webhook` (or subclass :class:`Poller`, whose rounds
feed updates to :func:`store_inbound`), and test it with
``unionline.testing.channel_contract.ChannelContract``.
See ``docs/writing-channels.md``.
"""

from __future__ import annotations

from unionline.appeals.lookup import AppealBrief, appeal_brief, appeal_by_number
from unionline.channel.accounts import (
    channel_accounts,
    find_account,
    load_account,
    mark_needs_reauth,
    update_account,
)
from unionline.channel.attachments import (
    clean_name,
    clean_type,
    read_attachment,
    refusal,
    stored_attachment,
)
from unionline.channel.bounded import First, first
from unionline.channel.buttons import buttons_text, fit_buttons, send_message, send_refusal
from unionline.channel.config import ChannelsSettings, channels_settings
from unionline.channel.contacts import (
    block_contact,
    contact_owner,
    name_contact,
    normalize_contact,
    unblock_contact,
)
from unionline.channel.entries import UpdatedEntry, discard_attachment, update_entry
from unionline.channel.errors import DeliveryUnknown, RecipientBlocked, SentUnreadable
from unionline.channel.events import ChannelAccountChanged, ChannelAccountNeedsReauth
from unionline.channel.identity import (
    known_member,
    link_typed_contact,
    link_verified_member,
    link_verified_phone,
)
from unionline.channel.inbound import (
    IngestResult,
    StoredInbound,
    handle_webhook,
    ingest,
    store_inbound,
    to_request,
)
from unionline.channel.outbound import automatic_reply, queue_delivery, report_delivery
from unionline.channel.polling import Poller, run_pollers, start_pollers, stop_pollers
from unionline.channel.ratelimit import take_token
from unionline.channel.receipts import ReceiptListener, add_receipt_listener
from unionline.channel.registered import get_channel as channel_type
from unionline.channel.schemas import AccountUpdate, AttachmentView
from unionline.channel.sms import (
    GSM_BASIC,
    GSM_EXTENSION,
    SmsEncoding,
    SmsParts,
    sms_max_length,
    sms_parts,
    sms_split,
)
from unionline.channel.storage import (
    AttachmentStorage,
    LocalDiskStorage,
    release_stored,
    storage,
    use_storage,
)
from unionline.channel.text import split_text, utf16_len
from unionline.channel.types import (
    AccountStatus,
    Attachment,
    Button,
    Capabilities,
    ChannelAccount,
    ChannelType,
    CheckResult,
    DeliveryReport,
    DeliveryStatus,
    InboundMessage,
    InboundRequest,
    Location,
    NoSecrets,
    NoSettings,
    Origin,
    OutboundAttachment,
    OutboundMessage,
    Quoted,
    RateLimit,
    Sender,
    SendResult,
    SentElsewhere,
    SetupInfo,
    SetupStep,
    WebhookReply,
)

__all__ = [
    "GSM_BASIC",
    "GSM_EXTENSION",
    "AccountStatus",
    "AccountUpdate",
    "AppealBrief",
    "Attachment",
    "AttachmentStorage",
    "AttachmentView",
    "Button",
    "Capabilities",
    "ChannelAccount",
    "ChannelAccountChanged",
    "ChannelAccountNeedsReauth",
    "ChannelType",
    "ChannelsSettings",
    "CheckResult",
    "DeliveryReport",
    "DeliveryStatus",
    "DeliveryUnknown",
    "First",
    "InboundMessage",
    "InboundRequest",
    "IngestResult",
    "LocalDiskStorage",
    "Location",
    "NoSecrets",
    "NoSettings",
    "Origin",
    "OutboundAttachment",
    "OutboundMessage",
    "Poller",
    "Quoted",
    "RateLimit",
    "ReceiptListener",
    "RecipientBlocked",
    "SendResult",
    "Sender",
    "SentElsewhere",
    "SentUnreadable",
    "SetupInfo",
    "SetupStep",
    "SmsEncoding",
    "SmsParts",
    "StoredInbound",
    "UpdatedEntry",
    "WebhookReply",
    "add_receipt_listener",
    "appeal_brief",
    "appeal_by_number",
    "automatic_reply",
    "block_contact",
    "buttons_text",
    "channel_accounts",
    "channel_type",
    "channels_settings",
    "clean_name",
    "clean_type",
    "contact_owner",
    "discard_attachment",
    "find_account",
    "first",
    "fit_buttons",
    "handle_webhook",
    "ingest",
    "known_member",
    "link_typed_contact",
    "link_verified_member",
    "link_verified_phone",
    "load_account",
    "mark_needs_reauth",
    "name_contact",
    "normalize_contact",
    "queue_delivery",
    "read_attachment",
    "refusal",
    "release_stored",
    "report_delivery",
    "run_pollers",
    "send_message",
    "send_refusal",
    "sms_max_length",
    "sms_parts",
    "sms_split",
    "split_text",
    "start_pollers",
    "stop_pollers",
    "storage",
    "store_inbound",
    "stored_attachment",
    "take_token",
    "to_request",
    "unblock_contact",
    "update_account",
    "update_entry",
    "use_storage",
    "utf16_len",
]
