"""The mail channel's tables (``mail_*``).

Composite uniqueness is one unique ``key`` column computed in Python, as in the channel SDK's
tables (piccolo migrations cannot declare multi-column constraints):

* ``mail_message.key`` = ``"<account id>:<message id>"``: each message once per mailbox;
* ``mail_cursor.key`` = ``"<account id>:<folder>"``: UNIQUE(account_id, folder);
* ``mail_ack.key`` = ``"<account id>:<sender address>"``: one row per sender per mailbox.
"""

from __future__ import annotations

from piccolo.columns import UUID, BigInt, Bytea, DoublePrecision, Text, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class MailMessage(Table, tablename="mail_message"):
    """Every e-mail in or out of a mailbox, with its raw bytes and the appeal it belongs to.

    Threading looks Message-IDs up here (ours and the members'), reply tokens find the message
    a member answered, bounces find the message they bounce.
    """

    id = UUID(primary_key=True, default=UUID4())
    account_id = UUID(index=True)
    key = Varchar(length=250, unique=True)  # "<account id>:<message id>"
    message_id = Varchar(length=200)  # without <>; a stable hash id when the mail had none
    direction = Varchar(length=3, default="in")  # in, out
    # message (a member's mail), auto (an auto-response: out-of-office, list mail),
    # bounce (a DSN), receipt (a read receipt), auto_reply (our acknowledgement), reply (ours)
    kind = Varchar(length=12, default="message")
    appeal_id = UUID(null=True, default=None, index=True)
    entry_id = BigInt(null=True, default=None, index=True)  # the appeal timeline entry
    delivery_id = UUID(null=True, default=None)  # outbound: the channel delivery
    token = Varchar(length=40, null=True, default=None, unique=True)  # reply+/bounce+ token
    from_address = Varchar(length=320, default="")
    to_addresses = Text(default="")  # comma-separated
    subject = Text(default="")
    thread_subject = Text(default="")  # the subject without Re:/Fwd: and the appeal number
    in_reply_to = Text(default="")
    references = Text(default="")  # space-separated message ids, without <>
    auto = Varchar(length=80, default="")  # why it is an auto-response ("" when it is not)
    error = Text(default="")  # why parsing failed ("" when it did not): kept raw
    source = Varchar(length=10, default="")  # imap, smtp, lmtp, http, test, out
    source_ref = Varchar(length=300, null=True, default=None)
    size = BigInt(default=0)
    # The message as received. The column's name hides piccolo's ``Table.raw()`` on this class
    # only (mail code runs SQL through ``current().db``); renaming the attribute would make
    # piccolo's auto-migrations rename a column that keeps its name, so the name stays.
    raw = Bytea(null=True, default=None)  # type: ignore[assignment]
    created_at = DoublePrecision(default=0.0)


class MailCursor(Table, tablename="mail_cursor"):
    """Where an IMAP poller is in a folder: UIDs are valid only with their UIDVALIDITY."""

    id = UUID(primary_key=True, default=UUID4())
    account_id = UUID(index=True)
    folder = Text()
    key = Varchar(length=250, unique=True)  # "<account id>:<folder>"
    uidvalidity = BigInt(default=0)
    last_uid = BigInt(default=0)
    updated_at = DoublePrecision(default=0.0)


class MailAck(Table, tablename="mail_ack"):
    """When a sender last got an automatic acknowledgement from a mailbox."""

    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=400, unique=True)  # "<account id>:<sender address>"
    sent_at = DoublePrecision(default=0.0)


class MailAutoReply(Table, tablename="mail_auto_reply"):
    """Timeline entries that are our automatic replies: sent with ``MAIL FROM:<>`` and
    ``Auto-Submitted: auto-replied`` (RFC 3834)."""

    id = UUID(primary_key=True, default=UUID4())
    entry_id = BigInt(unique=True)
    created_at = DoublePrecision(default=0.0)
