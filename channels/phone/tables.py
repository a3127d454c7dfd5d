"""The phone plugin's tables (``phone_*``): calls, their events, and the callbacks owed.

Every event a provider sent is kept once (``phone_call_event.key``: a redelivery is absorbed);
a call's row holds what the fold of its events made, the appeal entry it shows on and its
recording. ``phone_callback`` is a missed call the union owes a call back for: one open
(pending or calling) per appeal, which every missed call of the appeal counts on once — the
call's ``callback_id`` says which (a unique partial index, ``phone_callback_open_appeal``, made
by a raw migration).
"""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, DoublePrecision, Integer, Text, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class PhoneCall(Table, tablename="phone_call"):
    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=250, unique=True)  # "<line id>:<provider's call id>"
    account_id = UUID(index=True)
    call = Varchar(length=200)
    direction = Varchar(length=3, default="in")
    number = Varchar(length=40, default="")  # the member's, E.164 ("" when hidden)
    state = Text(default="{}")  # the fold of its events (model.Call as JSON)
    shown = Boolean(default=False)  # an entry was made for it (or tried, for an outbound call)
    external_id = Varchar(length=250, default="")  # the entry's
    appeal_id = UUID(null=True, default=None, index=True)
    member_id = UUID(null=True, default=None, index=True)
    recording_id = UUID(null=True, default=None)  # its channel_attachment
    recorded_at = DoublePrecision(null=True, default=None, index=True)
    callback_id = UUID(null=True, default=None)  # the phone_callback this missed call counted on
    created_at = DoublePrecision(default=0.0)
    updated_at = DoublePrecision(default=0.0)


class PhoneCallEvent(Table, tablename="phone_call_event"):
    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=300, unique=True)  # "<line id>:<event key>"
    call_id = UUID(index=True)  # phone_call.id
    payload = Text()  # model.CallEvent as JSON
    received_at = DoublePrecision(default=0.0)


class PhoneCallback(Table, tablename="phone_callback"):
    id = UUID(primary_key=True, default=UUID4())
    call_key = Varchar(length=250, unique=True)  # the missed call's phone_call.key
    account_id = UUID(index=True)
    organization_id = UUID(index=True)
    appeal_id = UUID(index=True)
    member_id = UUID(null=True, default=None)
    number = Varchar(length=40)
    due_at = DoublePrecision()
    status = Varchar(length=12, default="pending", index=True)  # pending, calling, done
    missed = Integer(default=1)  # missed calls this callback answers
    attempts = Integer(default=0)
    outcome = Varchar(length=20, default="")  # the last attempt's: answered, busy, no_answer…
    operator_id = UUID(null=True, default=None)  # who called back (last attempt)
    created_at = DoublePrecision(default=0.0)
    completed_at = DoublePrecision(null=True, default=None)


class PhoneDial(Table, tablename="phone_dial"):
    """A click-to-call through a SIP line on its way to the process that runs the line's agent
    (``sip/handoff.py``): one row per click, so the click dials once however often it arrives;
    the agent's process finds it by line and state and places the call it names."""

    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=250, unique=True)  # "<line id>:<the click's key>"
    account_id = UUID()
    state = Varchar(length=12, default="waiting")  # waiting, placed, shown, failed, withdrawn
    error = Text(default="")  # failed: why, in the operator's words
    created_at = DoublePrecision(default=0.0, index=True)
    extension = Varchar(length=40)  # the operator's phone, rung first
    number = Varchar(length=40)  # the member's, rung when the operator answers
    command = Varchar(length=64)  # the call's id: "c2c-<command>" in the call model
