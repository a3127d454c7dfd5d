"""The web channel's tables (``web_*``): visitors, their conversations, their uploads.

A visitor is one browser on a union's site (its token lives in the browser's localStorage).
Its conversation is a list of messages numbered ``seq`` 1, 2, 3 … per visitor: the number is
taken under the visitor row's lock in the writing transaction, so numbers commit in order and
a widget resuming "after seq N" can never miss a message that committed late.
Composite uniqueness is one ``key`` column computed in Python, as in the channel SDK's tables.
"""

from __future__ import annotations

from piccolo.columns import UUID, BigInt, Boolean, DoublePrecision, Integer, Text, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Visitor(Table, tablename="web_visitor"):
    id = UUID(primary_key=True, default=UUID4())
    account_id = UUID(index=True)
    visitor = Varchar(length=64)  # the opaque id in the visitor's token
    key = Varchar(length=110, unique=True)  # "<account id>:<visitor>"
    # Set for a member the union's site vouched for (signed member id); such a visitor's
    # conversation is never shown to a browser that does not present the same identity.
    member_id = UUID(null=True, default=None, index=True)
    verified = Boolean(default=False)
    last_seq = Integer(default=0)
    created_at = DoublePrecision(default=0.0)
    seen_at = DoublePrecision(default=0.0)


class VisitorMessage(Table, tablename="web_message"):
    """One message of a visitor's conversation, in (from the visitor) or out (to them)."""

    id = UUID(primary_key=True, default=UUID4())  # "out": the external id receipts name
    account_id = UUID(index=True)
    visitor_key = Varchar(length=110, index=True)  # Visitor.key
    seq = Integer()
    key = Varchar(length=130, unique=True)  # "<visitor key>:<seq>"
    # "in:<visitor key>:<client id>" or "out:<delivery id>": a resend is stored once.
    dedup = Varchar(length=260, unique=True)
    direction = Varchar(length=3)  # in, out
    text = Text(default="")
    attachments = Text(default="[]")  # JSON: [{id, filename, content_type, size}]
    client_id = Varchar(length=100, null=True, default=None)
    appeal_id = UUID(null=True, default=None, index=True)
    entry_id = BigInt(null=True, default=None)
    status = Varchar(length=16, default="")  # out: sent, delivered, read
    created_at = DoublePrecision(default=0.0)


class Upload(Table, tablename="web_upload"):
    """A file a visitor uploaded, waiting to be sent with a message."""

    id = UUID(primary_key=True, default=UUID4())
    account_id = UUID(index=True)
    visitor_key = Varchar(length=110, index=True)
    filename = Varchar(length=255)
    content_type = Varchar(length=200)
    size = BigInt()
    sha256 = Varchar(length=64)
    created_at = DoublePrecision(default=0.0)
