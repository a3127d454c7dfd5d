"""The call model every adapter decodes into, and the fold that makes one call of its events.

A provider reports a call as a series of events (Mango: ``call_state`` per leg with ``seq``;
Zadarma: NOTIFY_START … NOTIFY_END; UIS: the notifications an administrator configured). Each
adapter turns them into :class:`CallEvent`\\ s; :func:`fold` makes the :class:`Call` of all
events stored for it so far, in their order (``at``, then ``seq``), whatever order they arrived
in — a late ``ringing`` after ``ended`` changes nothing, a duplicate is the same event twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import msgspec

Direction = Literal["in", "out"]
# "left": one leg of the call ended (Mango reports a call leg by leg), the call goes on.
Step = Literal["started", "ringing", "answered", "held", "left", "ended", "recording_ready"]
Disposition = Literal["answered", "busy", "no_answer", "cancelled", "failed"]
Place = Literal["ivr", "queue", "ringing", "voicemail"]  # where an unanswered incoming call ended
Location = Literal["", "ivr", "queue", "operator", "voicemail"]
STEPS: tuple[Step, ...] = (
    "started",
    "ringing",
    "answered",
    "held",
    "left",
    "ended",
    "recording_ready",
)


class CallEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One thing a provider told about a call."""

    call: str  # the provider's id of the whole call (Mango entry_id, Zadarma pbx_call_id, …)
    key: str  # this event's own id, unique per line: a redelivery has the same key
    step: Step
    at: float  # unix time the provider gave (or the call's start, when it gives none)
    seq: int = 0  # the provider's order within ``at`` (Mango seq; a rank for the others)
    direction: Direction | None = None
    member: str = ""  # the member's number as the provider wrote it
    line: str = ""  # the union's number (DID, virtual number) the call went through
    extension: str = ""  # the operator's extension (UIS: employee id) ringing or talking
    location: Location = ""
    disposition: Disposition | None = None  # what the provider said of the end
    duration: int | None = None  # talk seconds, when the provider counts them
    recording: str = ""  # the provider's reference of the recording
    command: str = ""  # our click-to-call command id, when the provider echoes it
    digits: str = ""  # DTMF the caller (or a robot call's callee) pressed, so far
    heard: bool | None = None  # a robot call's message was played to its end


class Call(msgspec.Struct, kw_only=True):
    """A call as its events so far make it."""

    call: str
    direction: Direction = "in"
    member: str = ""
    line: str = ""
    extension: str = ""  # ringing now, or who answered
    rang: list[str] = msgspec.field(default_factory=list)  # every extension that rang
    state: Literal["started", "ringing", "talking", "ended"] = "started"
    started_at: float = 0.0
    answered_at: float | None = None
    ended_at: float | None = None
    location: Location = ""
    disposition: Disposition | None = None
    missed: Place | None = None
    duration: int = 0
    recording: str = ""
    command: str = ""
    digits: str = ""
    heard: bool | None = None

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


def order(event: CallEvent) -> tuple[float, int, int, str]:
    """The fold's order: time, the provider's rank, the step; then the event's key, so that
    events tying on all three (two legs of a call ringing two extensions in the same second)
    fold the same whichever arrived — or was read back from the database — first."""
    return (event.at, event.seq, STEPS.index(event.step), event.key)


def fold(events: Iterable[CallEvent]) -> Call:
    """The call ``events`` make, applied in their order; duplicates (same key) count once.
    The call ends with its last ``ended`` event; what is ordered after it only adds the
    recording."""
    unique = {e.key: e for e in events}
    ordered = sorted(unique.values(), key=order)
    if not ordered:
        raise ValueError("a call needs at least one event")
    ends = [e for e in ordered if e.step == "ended"]
    last = order(ends[-1]) if ends else None
    call = Call(call=ordered[0].call, started_at=ordered[0].at)
    for event in ordered:
        _known(call, event)
        if event.step != "ended" and (last is None or order(event) < last):
            _apply(call, event)
    if ends:
        _end(call, ends[-1])
    return call


def _known(call: Call, event: CallEvent) -> None:
    """What any event may tell first: direction, numbers, the command it answers."""
    if event.direction and (event.step == "started" or not call.member):
        call.direction = event.direction
    call.member = call.member or event.member
    call.line = call.line or event.line
    call.command = call.command or event.command
    call.recording = event.recording or call.recording
    call.digits = event.digits if len(event.digits) > len(call.digits) else call.digits
    call.heard = event.heard if event.heard is not None else call.heard


def _apply(call: Call, event: CallEvent) -> None:
    if event.location:
        call.location = event.location
    if event.step == "ringing" and event.extension:
        call.extension = event.extension
        call.state = "talking" if call.answered else "ringing"
        if event.extension not in call.rang:
            call.rang.append(event.extension)
    elif event.step == "answered" and call.answered_at is None:
        call.answered_at = event.at
        call.state = "talking"
        call.extension = event.extension or call.extension
        call.location = "operator"


def _end(call: Call, event: CallEvent) -> None:
    call.state = "ended"
    call.ended_at = event.at
    if event.location and not call.answered:
        call.location = event.location
    if event.extension and not call.extension:
        call.extension = event.extension
    if not call.answered and event.disposition == "answered":  # no answer event was sent
        call.answered_at = event.at - (event.duration or 0)
    if call.answered:
        call.disposition = "answered"
        talked = int(event.at - (call.answered_at or event.at))
        call.duration = event.duration if event.duration is not None else max(talked, 0)
        return
    call.disposition = event.disposition if event.disposition != "answered" else None
    call.disposition = call.disposition or ("cancelled" if call.direction == "in" else "no_answer")
    if call.direction == "in":
        call.missed = _place(call.location)


def _place(location: Location) -> Place:
    if location in ("ivr", "queue", "voicemail"):
        return location
    return "ringing"
