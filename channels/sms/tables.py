"""The SMS plugin's tables (``sms_*``): opt-outs, what was sent (for status polling and
receipts), and the SMPP parts of each send (receipts correlated by ``receipted_message_id``)."""

from __future__ import annotations

from piccolo.columns import UUID, DoublePrecision, Integer, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class OptOut(Table, tablename="sms_opt_out"):
    """A number that texted a stop word (СТОП, STOP) to an account, until it texts a start word
    (СТАРТ, START). Sends to it are refused before they are made, except the one confirmation
    (``confirmation_entry``)."""

    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=80, unique=True)  # "<account id>:<E.164 phone>"
    account_id = UUID()
    phone = Varchar(length=20)
    member_id = UUID(null=True, default=None, index=True)
    word = Varchar(length=40, default="")
    confirmation_entry = Integer(null=True, default=None)
    opted_out_at = DoublePrecision(default=0.0)


class SentSms(Table, tablename="sms_sent"):
    """A send an HTTP gateway accepted, until its final status is known: what status polling
    asks about."""

    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=160, unique=True)  # "<account id>:<gateway's id>"
    account_id = UUID(index=True)
    external_id = Varchar(length=120)
    phone = Varchar(length=20, default="")
    final = Integer(default=0)
    sent_at = DoublePrecision(default=0.0)


class SmppPart(Table, tablename="sms_smpp_part"):
    """One submitted part of an SMPP send, by the SMSC's message id. A delivery receipt that
    arrives before the part's ``submit_sm_resp`` makes the row first (``first_id`` empty); the
    send fills ``first_id`` (the delivery's id: its first part's message id) and ``parts``."""

    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=160, unique=True)  # "<account id>:<message id>"
    account_id = UUID()
    first_id = Varchar(length=80, default="", index=True)
    parts = Integer(default=0)
    state = Varchar(length=20, default="")  # "", delivered, failed
    error = Varchar(length=200, default="")
    created_at = DoublePrecision(default=0.0)
    send_id = UUID(null=True, default=None, index=True)  # sms_smpp_send.id (None: a receipt)


class SmppSend(Table, tablename="sms_smpp_send"):
    """An SMPP send claimed before its first ``submit_sm`` is written, by the SDK's delivery id
    (committed first: :mod:`unionline.channels.sms.smpp.claims`). ``claimed`` from then on —
    its parts, once the SMSC answered, carry the same id (``sms_smpp_part.send_id``); ``clear``
    when nothing went out (the session was down, the SMSC refused the first part). A claimed
    send run again is never submitted twice: sent when all its parts are recorded, else
    unknown."""

    id = UUID(primary_key=True, default=UUID4())  # the delivery's id (OutboundMessage.id)
    account_id = UUID()
    state = Varchar(length=20, default="claimed")
    created_at = DoublePrecision(default=0.0)
