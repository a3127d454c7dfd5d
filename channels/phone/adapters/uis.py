"""UIS (CoMagic): notifications as the administrator's HTTP templates, and the JSON-RPC call API.

UIS does not sign notifications: each is a template the administrator writes in UIS's
notification editor (docs/channels/phone.md gives them), posting JSON to this line's address
with the line's token in the query (``?token=…``, compared in constant time). The template
names the event in ``event`` — ``call_started``, ``employee_ringing``, ``call_answered``,
``call_ended``, ``call_lost``, ``recording_ready`` — and fills the rest from UIS's variables
(``{{call_session_id}}``, ``{{contact_phone_number}}``, ``{{employee_id}}``, …).
Click-to-call is the Call API's ``start.employee_call`` (the employee first, then the member);
its ``external_id`` is our command id. Robot calls are ``start.informer_call`` (UIS speaks the
text): their ``external_id`` is ``robot:<the robot step's key>``, and their notifications fold
into the call the robot action waits for (``dtmf`` and ``played`` give the digit and whether the
message was heard to its end).
"""

from __future__ import annotations

import hmac
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec

from unionline import AuthFailed, PermanentFailure, Unauthorized, UnsupportedUpdate
from unionline.channel import InboundRequest
from unionline.channels.phone.adapters import ROBOT, Line, PbxAdapter, Placed
from unionline.channels.phone.adapters.http import send
from unionline.channels.phone.model import CallEvent, Disposition, Location, Step
from unionline.channels.phone.numbers import digits_of

EVENTS: dict[str, tuple[Step, int]] = {
    "call_started": ("started", 0),
    "employee_ringing": ("ringing", 1),
    "call_answered": ("answered", 2),
    "call_ended": ("ended", 3),
    "call_lost": ("ended", 3),
    "recording_ready": ("recording_ready", 4),
}
DISPOSITIONS: dict[str, Disposition] = {
    "answered": "answered",
    "busy": "busy",
    "no_answer": "no_answer",
    "cancelled": "cancelled",
    "failed": "failed",
}


class Notification(msgspec.Struct, kw_only=True):
    event: str
    call_session_id: str | int
    notification_time: str | float = 0.0
    direction: str = "in"  # UIS writes "in" and "out"
    contact_phone_number: str = ""
    virtual_phone_number: str = ""
    employee_id: str | int = ""
    external_id: str = ""
    disposition: str = ""
    talk_duration: str | int = ""
    file_link: str = ""
    dtmf: str | int = ""  # robot calls: the key the member pressed (the template's choice)
    played: str | int | bool = ""  # robot calls: the message was played to its end (1/0)


def _time(value: str | float) -> float:
    if isinstance(value, float | int):
        return float(value)
    for pattern in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=UTC).timestamp()
        except ValueError:
            continue
    return 0.0


class UisAdapter(PbxAdapter):
    name = "uis"
    title = "UIS / CoMagic"
    default_api_url = "https://callapi.uiscom.ru/v4.0"

    async def verify(self, line: Line, request: InboundRequest) -> None:
        given = request.query.get("token", "")
        if not given:
            raise Unauthorized("the line's token is missing from the address", field="token")
        expected = line.secrets.webhook_token
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise Unauthorized("the token does not match the line's", field="token")

    def decode(self, line: Line, request: InboundRequest) -> list[CallEvent]:
        note = request.json(Notification)
        if note.event not in EVENTS:
            raise UnsupportedUpdate(f"UIS notification {note.event!r} is not a call's event")
        step, rank = EVENTS[note.event]
        out = note.direction == "out"
        duration = str(note.talk_duration)
        disposition = DISPOSITIONS.get(note.disposition)
        if note.event == "call_lost":
            disposition = disposition or "cancelled"
        call = str(note.call_session_id)
        if note.external_id.startswith(ROBOT):  # a robot's informer call: known by its step
            call = note.external_id.removeprefix(ROBOT)
        return [
            CallEvent(
                call=call,
                key=f"{call}:{note.event}:{note.employee_id}",
                step=step,
                at=_time(note.notification_time),
                seq=rank,
                direction="out" if out else "in",
                member=note.contact_phone_number,
                line=note.virtual_phone_number,
                extension=str(note.employee_id),
                location=_location(step, out),
                disposition=disposition,
                duration=int(duration) if duration.isdigit() else None,
                recording=note.file_link,
                command=note.external_id,
                digits="".join(c for c in str(note.dtmf) if c.isdigit() or c in "*#")[:8],
                heard=_flag(note.played),
            )
        ]

    async def click_to_call(self, line: Line, extension: str, number: str, command: str) -> Placed:
        if not extension.isdigit():
            raise PermanentFailure(f"UIS needs the employee's id, not {extension!r}")
        params: dict[str, Any] = {
            "access_token": line.secrets.api_key,
            "first_call": "employee",
            "virtual_phone_number": digits_of(line.config.caller_number),
            "contact": digits_of(number),
            "external_id": command,
            "direction": "out",
            "employee": {"id": int(extension)},
        }
        return await self._rpc(line, "start.employee_call", params)

    robot_calls = True

    async def informer_call(
        self, line: Line, number: str, text: str, *, ask_digit: bool, command: str
    ) -> Placed:
        """``start.informer_call``: UIS calls the member from the line's number and says
        ``text`` with its own text-to-speech. A digit is taken by the virtual number's scenario
        and reported in the notification (``dtmf``), not asked here."""
        params: dict[str, Any] = {
            "access_token": line.secrets.api_key,
            "virtual_phone_number": digits_of(line.config.caller_number),
            "contact": digits_of(number),
            "external_id": command,
            "contact_message": {"type": "tts", "value": text},
        }
        return await self._rpc(line, "start.informer_call", params)

    async def _rpc(self, line: Line, method: str, params: dict[str, Any]) -> Placed:
        request = {"jsonrpc": "2.0", "id": str(uuid.uuid4()), "method": method, "params": params}
        answer = (await send("POST", self.api_url(line), json=request)).json()
        error = answer.get("error")
        if error:
            mnemonic = str((error.get("data") or {}).get("mnemonic", ""))
            text = f"UIS refused the call: {error.get('message', '')} ({mnemonic})"
            if mnemonic.startswith("access_token"):
                raise AuthFailed(text)
            raise PermanentFailure(text)
        session = answer.get("result", {}).get("data", {}).get("call_session_id", "")
        return Placed(reference=str(session))

    async def fetch_recording(self, line: Line, reference: str) -> bytes:
        return (await send("GET", reference)).content


def _flag(value: str | int | bool) -> bool | None:
    text = str(value).strip().lower()
    if text in ("1", "true", "yes"):
        return True
    if text in ("0", "false", "no"):
        return False
    return None


def _location(step: Step, out: bool) -> Location:
    """An incoming call is in the PBX's menu until an employee's phone rings."""
    if step in ("ringing", "answered"):
        return "operator"
    return "ivr" if step == "started" and not out else ""
