"""Mango Office VPBX: the API connector's events and commands.

Mango posts form fields ``vpbx_api_key``, ``sign`` and ``json`` to the address the
administrator set, plus a path: ``/events/call`` (``call_state`` Appeared, Connected, OnHold,
Disconnected of each call leg, with ``seq`` per leg), ``/events/summary`` (the whole call, once
it ended), ``/events/recording`` (a recording's state). ``sign`` is
``sha256(vpbx_api_key + json + vpbx_api_salt)`` in hex; commands are signed the same way.
``entry_id`` ties the legs of one call together: it is our call id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any
from urllib.parse import parse_qs

import msgspec

from unionline import PermanentFailure, Unauthorized, UnsupportedUpdate
from unionline.channel import InboundRequest
from unionline.channels.phone.adapters import Line, PbxAdapter, Placed
from unionline.channels.phone.adapters.http import send
from unionline.channels.phone.model import CallEvent, Direction, Location
from unionline.channels.phone.numbers import digits_of

LOCATIONS: dict[str, Location] = {"ivr": "ivr", "queue": "queue", "abonent": "operator"}
OK = 1000  # a command's "result" when Mango took it


class Party(msgspec.Struct, kw_only=True):
    extension: str = ""
    number: str = ""
    line_number: str = ""


class CallState(msgspec.Struct, kw_only=True):
    entry_id: str
    call_id: str
    timestamp: int | str
    seq: int | str
    call_state: str
    location: str = ""
    from_: Party = msgspec.field(default_factory=Party, name="from")
    to: Party = msgspec.field(default_factory=Party)
    disconnect_reason: int | str = ""
    command_id: str = ""


class Summary(msgspec.Struct, kw_only=True):
    entry_id: str
    call_direction: int | str = 1
    from_: Party = msgspec.field(default_factory=Party, name="from")
    to: Party = msgspec.field(default_factory=Party)
    line_number: str = ""
    create_time: int | str = 0
    talk_time: int | str = 0
    end_time: int | str = 0
    entry_result: int | str = 0
    disconnect_reason: int | str = ""


class Recording(msgspec.Struct, kw_only=True):
    entry_id: str
    recording_id: str
    recording_state: str
    timestamp: int | str = 0
    seq: int | str = 0


def sign(api_key: str, body: str, salt: str) -> str:
    return hashlib.sha256(f"{api_key}{body}{salt}".encode()).hexdigest()


def form(request: InboundRequest) -> dict[str, str]:
    fields = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in fields.items()}


class MangoAdapter(PbxAdapter):
    name = "mango"
    title = "Mango Office"
    default_api_url = "https://app.mango-office.ru/vpbx"

    async def verify(self, line: Line, request: InboundRequest) -> None:
        fields = form(request)
        key, given = fields.get("vpbx_api_key", ""), fields.get("sign", "")
        body = fields.get("json")
        if not given or body is None:
            raise Unauthorized("Mango's sign is missing", field="sign")
        secrets = line.secrets
        expected = sign(secrets.api_key, body, secrets.api_secret)
        same_key = hmac.compare_digest(key.encode(), secrets.api_key.encode())
        if not (secrets.api_key and same_key and hmac.compare_digest(given, expected)):
            raise Unauthorized("Mango's sign does not match", field="sign")

    def decode(self, line: Line, request: InboundRequest) -> list[CallEvent]:
        body = form(request).get("json", "")
        kind = request.path.rstrip("/").rsplit("/", 2)[-2:]
        if kind == ["events", "call"]:
            return [self._call(line, msgspec.json.decode(body, type=CallState))]
        if kind == ["events", "summary"]:
            return [self._summary(line, msgspec.json.decode(body, type=Summary))]
        if kind == ["events", "recording"]:
            return self._recording(msgspec.json.decode(body, type=Recording))
        raise UnsupportedUpdate(f"Mango {'/'.join(kind)} is not a call's event")

    def _call(self, line: Line, event: CallState) -> CallEvent:
        out = bool(event.command_id) or bool(event.from_.extension and not event.to.extension)
        direction: Direction = "out" if out else "in"
        # The member is the caller of an incoming call, the callee of an outgoing one (none on
        # a click-to-call's first leg, which rings the operator).
        member = "" if event.to.extension and out else (event.to if out else event.from_).number
        extension = event.to.extension or event.from_.extension
        state = event.call_state
        step = {"Appeared": "ringing", "Connected": "answered", "OnHold": "held"}.get(state, "left")
        if out and step == "answered" and event.to.extension:
            step = "ringing"  # the operator took the click-to-call; the member rings next
        if step == "ringing" and event.location in ("ivr", "queue"):
            step = "started"
        reason = str(event.disconnect_reason)
        return CallEvent(
            call=event.entry_id,
            key=f"{event.entry_id}:{event.call_id}:{event.seq}",
            step=step,  # type: ignore[arg-type]
            at=float(event.timestamp),
            seq=int(event.seq),
            direction=direction,
            member="" if member.startswith("sip:") else member,
            line=event.to.line_number or event.from_.line_number,
            extension=extension,
            location=LOCATIONS.get(event.location, ""),
            disposition="busy" if reason and reason in line.config.busy_codes else None,
            command=event.command_id,
        )

    def _summary(self, line: Line, event: Summary) -> CallEvent:
        direction: Direction = "out" if str(event.call_direction) == "2" else "in"
        talk, end = int(event.talk_time or 0), int(event.end_time or 0)
        answered = str(event.entry_result) == "1" and talk > 0
        reason = str(event.disconnect_reason)
        busy = reason and reason in line.config.busy_codes
        return CallEvent(
            call=event.entry_id,
            key=f"{event.entry_id}:summary",
            step="ended",
            at=float(end),
            seq=1 << 30,
            direction=direction,
            member=(event.to if direction == "out" else event.from_).number,
            line=event.line_number,
            disposition="answered" if answered else ("busy" if busy else None),
            duration=end - talk if answered else None,
        )

    def _recording(self, event: Recording) -> list[CallEvent]:
        if event.recording_state != "Completed":
            return []
        return [
            CallEvent(
                call=event.entry_id,
                key=f"{event.entry_id}:recording:{event.recording_id}",
                step="recording_ready",
                at=float(event.timestamp or 0),
                seq=int(event.seq or 0),
                recording=event.recording_id,
            )
        ]

    def _signed(self, line: Line, payload: dict[str, Any]) -> dict[str, str]:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        key, salt = line.secrets.api_key, line.secrets.api_secret
        return {"vpbx_api_key": key, "sign": sign(key, body, salt), "json": body}

    async def click_to_call(self, line: Line, extension: str, number: str, command: str) -> Placed:
        payload: dict[str, Any] = {
            "command_id": command,
            "from": {"extension": extension},
            "to_number": digits_of(number),
        }
        if line.config.caller_number:
            payload["line_number"] = digits_of(line.config.caller_number)
        url = f"{self.api_url(line)}/commands/callback"
        answer = (await send("POST", url, data=self._signed(line, payload))).json()
        if int(answer.get("result", 0)) != OK:
            raise PermanentFailure(f"Mango refused the callback: result {answer.get('result')}")
        return Placed(reference=command)

    async def hangup(self, line: Line, call_id: str) -> None:
        """Mango's ``commands/call/hangup`` (not offered in the console yet)."""
        payload = {"command_id": str(uuid.uuid4()), "call_id": call_id}
        url = f"{self.api_url(line)}/commands/call/hangup"
        await send("POST", url, data=self._signed(line, payload))

    async def fetch_recording(self, line: Line, reference: str) -> bytes:
        payload = {"recording_id": reference, "action": "download"}
        url = f"{self.api_url(line)}/queries/recording/post"
        return (await send("POST", url, data=self._signed(line, payload))).content
