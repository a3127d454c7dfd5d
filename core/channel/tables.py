"""Channel tables: accounts, the inbound dedup log, outbound deliveries, attachments.

Composite uniqueness is one unique ``key`` column computed in Python (piccolo migrations cannot
declare multi-column constraints): ``channel_inbound.key`` is ``"<account id>:<external id>"``,
which is UNIQUE(account_id, external_id).
"""

from __future__ import annotations

from piccolo.columns import UUID, BigInt, DoublePrecision, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class ChannelAccountRecord(Table, tablename="channel_account"):
    """One bot, community, mailbox or widget of an organization."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    channel = Varchar(length=50, index=True)  # the channel type's name
    name = Varchar(length=200)
    public_key = Varchar(length=200, default="")  # widget key, bot username, mailbox, ...
    # "<channel>:<public key>" when a public key is set: unique per channel type.
    lookup_key = Varchar(length=260, null=True, default=None, unique=True)
    config = Text(default="{}")  # JSON of the channel's settings Struct
    secrets = Text(default="")  # Fernet token of the JSON of the channel's secrets Struct
    status = Varchar(length=16, default="active")  # active, needs_reauth, disabled
    status_reason = Varchar(length=500, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class InboundRecord(Table, tablename="channel_inbound"):
    """Every inbound message stored, once: a provider's redelivery hits the unique key."""

    id = UUID(primary_key=True, default=UUID4())
    account_id = UUID(index=True)
    external_id = Varchar(length=200)
    key = Varchar(length=250, unique=True)  # "<account id>:<external id>"
    sender_kind = Varchar(length=20)
    sender_address = Varchar(length=320)
    conversation = Varchar(length=320)  # where replies go
    member_id = UUID(null=True, default=None, index=True)
    # None on an edit's row (``edit_of``): a reply's ``reply_to`` names messages, not edits.
    appeal_id = UUID(null=True, default=None, index=True)
    entry_id = BigInt(null=True, default=None)  # the appeal timeline entry (message_in)
    received_at = DoublePrecision(default=0.0)


class InboundGroupRecord(Table, tablename="channel_inbound_group"):
    """One album (``InboundMessage.part_of``) of an account: the timeline entry its parts join.

    The first part to arrive claims the key; a part arriving at the same moment waits on it
    (PostgreSQL) and then joins that entry, so an album never becomes two messages.
    """

    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=250, unique=True)  # "<account id>:<part_of>"
    account_id = UUID()
    part_of = Varchar(length=200)
    entry_id = BigInt(null=True, default=None)  # the appeal timeline entry (message_in)
    created_at = DoublePrecision(default=0.0)


class DeliveryRecord(Table, tablename="channel_delivery"):
    """One outbound message on its way: the job's state and the provider's message id."""

    id = UUID(primary_key=True, default=UUID4())
    entry_id = BigInt(unique=True)  # the appeal timeline entry (message_out) being delivered
    account_id = UUID(index=True)
    appeal_id = UUID(index=True)
    organization_id = UUID()
    status = Varchar(length=16, default="queued")
    external_id = Varchar(length=200, null=True, default=None)
    # "<account id>:<external id>" once sent: receipts find the delivery by it.
    external_key = Varchar(length=250, null=True, default=None, unique=True)
    message = Text()  # JSON of the OutboundMessage (without the attempt number)
    attempts = Integer(default=0)
    last_error = Text(default="")
    created_at = DoublePrecision(default=0.0)
    updated_at = DoublePrecision(default=0.0)


class AttachmentRecord(Table, tablename="channel_attachment"):
    """A file of a message, in or out; its bytes live in the attachment storage by sha256."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(null=True, default=None, index=True)
    appeal_id = UUID(null=True, default=None, index=True)
    entry_id = BigInt(null=True, default=None, index=True)
    account_id = UUID(null=True, default=None)
    direction = Varchar(length=3, default="in")  # in, out
    filename = Varchar(length=255)
    content_type = Varchar(length=150)
    size = BigInt(default=0)
    sha256 = Varchar(length=64, null=True, default=None, index=True)
    status = Varchar(length=16, default="stored")  # stored, pending (fetch job), rejected
    error = Varchar(length=300, default="")  # why it was rejected, shown to operators
    remote_ref = Text(null=True, default=None)
    uploaded_by = UUID(null=True, default=None)  # the operator, for outbound uploads
    created_at = Timestamptz(default=TimestamptzNow())
