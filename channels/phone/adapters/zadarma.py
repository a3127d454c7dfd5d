"""Zadarma: PBX call notifications and the callback request of its API.

Zadarma checks the address first with ``GET …?zd_echo=<x>`` (answered with ``x``), then posts
form fields per event: NOTIFY_START (a call came in), NOTIFY_INTERNAL (an extension rings),
NOTIFY_ANSWER, NOTIFY_END, NOTIFY_OUT_START, NOTIFY_OUT_END and NOTIFY_RECORD. The
``Signature`` header is base64 of the hex HMAC-SHA1, keyed with the API secret, of the fields
Zadarma documents per event (``caller_id`` + ``called_did`` + ``call_start`` for a call
coming in, …). Events carry no sequence of their own: their rank in a call's life orders them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlencode

from unionline import PermanentFailure, Unauthorized, UnsupportedUpdate
from unionline.channel import InboundRequest, WebhookReply
from unionline.channels.phone.adapters import Line, PbxAdapter, Placed
from unionline.channels.phone.adapters.http import send
from unionline.channels.phone.model import CallEvent, Disposition, Location, Step
from unionline.channels.phone.numbers import digits_of

# event: (signed fields, step, direction, rank in the call's life)
EVENTS: dict[str, tuple[tuple[str, ...], Step, str, int]] = {
    "NOTIFY_START": (("caller_id", "called_did", "call_start"), "started", "in", 0),
    "NOTIFY_INTERNAL": (("caller_id", "called_did", "call_start"), "ringing", "in", 1),
    "NOTIFY_ANSWER": (("caller_id", "destination", "call_start"), "answered", "in", 2),
    "NOTIFY_END": (("caller_id", "called_did", "call_start"), "ended", "in", 3),
    "NOTIFY_OUT_START": (("internal", "destination", "call_start"), "started", "out", 0),
    "NOTIFY_OUT_END": (("internal", "destination", "call_start"), "ended", "out", 3),
    "NOTIFY_RECORD": (("pbx_call_id", "call_id_with_rec"), "recording_ready", "", 4),
}
DISPOSITIONS: dict[str, Disposition] = {
    "answered": "answered",
    "busy": "busy",
    "cancel": "cancelled",
    "no answer": "no_answer",
}


def signature(secret: str, data: str) -> str:
    """Zadarma's: base64 of the *hex* digest (as its PHP examples compute it)."""
    digest = hmac.new(secret.encode(), data.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def fields_of(request: InboundRequest) -> dict[str, str]:
    parsed = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in parsed.items()}


def signed_text(fields: dict[str, str]) -> str:
    event = EVENTS.get(fields.get("event", ""))
    return "".join(fields.get(name, "") for name in event[0]) if event else ""


def _time(value: str) -> float:
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return 0.0


class ZadarmaAdapter(PbxAdapter):
    name = "zadarma"
    title = "Zadarma"
    default_api_url = "https://api.zadarma.com"

    def echo(self, line: Line, request: InboundRequest) -> WebhookReply | None:
        check = request.query.get("zd_echo")
        if check is None:
            return None
        return WebhookReply(status_code=200, body=check.encode(), media_type="text/plain")

    async def verify(self, line: Line, request: InboundRequest) -> None:
        given = request.header("Signature")
        if not given:
            raise Unauthorized("Zadarma's Signature header is missing", field="Signature")
        fields = fields_of(request)
        expected = signature(line.secrets.api_secret, signed_text(fields))
        if not line.secrets.api_secret or not hmac.compare_digest(given, expected):
            raise Unauthorized("Zadarma's Signature does not match", field="Signature")

    def decode(self, line: Line, request: InboundRequest) -> list[CallEvent]:
        fields = fields_of(request)
        name = fields.get("event", "")
        if name not in EVENTS:
            raise UnsupportedUpdate(f"Zadarma {name or 'request'} is not a call's event")
        _, step, direction, rank = EVENTS[name]
        out = direction == "out"
        member = fields.get("destination" if out else "caller_id", "")
        disposition = fields.get("disposition", "")
        return [
            CallEvent(
                call=fields.get("pbx_call_id", ""),
                key=f"{fields.get('pbx_call_id', '')}:{name}:{fields.get('internal', '')}",
                step=step,
                at=_time(fields.get("call_start", "")),
                seq=rank,
                direction=direction or None,  # type: ignore[arg-type]
                member="" if step == "recording_ready" else member,
                line=fields.get("called_did", "") if not out else "",
                extension=fields.get("internal", "") or fields.get("last_internal", ""),
                location=_location(step, direction),
                disposition=DISPOSITIONS.get(disposition, "failed") if disposition else None,
                duration=int(fields["duration"]) if fields.get("duration", "").isdigit() else None,
                recording=fields.get("call_id_with_rec", "")
                if step == "recording_ready" or fields.get("is_recorded") == "1"
                else "",
            )
        ]

    def _authorization(self, line: Line, method: str, params: dict[str, str]) -> str:
        query = urlencode(sorted(params.items()))
        text = method + query + hashlib.md5(query.encode()).hexdigest()
        return f"{line.secrets.api_key}:{signature(line.secrets.api_secret, text)}"

    async def _get(self, line: Line, method: str, params: dict[str, str]) -> dict[str, str]:
        headers = {"Authorization": self._authorization(line, method, params)}
        url = f"{self.api_url(line)}{method}"
        answer = (await send("GET", url, params=sorted(params.items()), headers=headers)).json()
        if answer.get("status") != "success":
            raise PermanentFailure(f"Zadarma refused {method}: {answer.get('message', '')}")
        return answer

    async def click_to_call(self, line: Line, extension: str, number: str, command: str) -> Placed:
        await self._get(line, "/v1/request/callback/", {"from": extension, "to": digits_of(number)})
        return Placed()  # Zadarma gives no id: the call is known by its numbers

    async def fetch_recording(self, line: Line, reference: str) -> bytes:
        answer = await self._get(line, "/v1/pbx/record/request/", {"call_id": reference})
        link = answer.get("link", "")
        if not link:
            raise PermanentFailure("Zadarma gave no link to the recording")
        return (await send("GET", link)).content


def _location(step: Step, direction: str) -> Location:
    """An incoming call is in the PBX's menu until an extension rings."""
    if step in ("ringing", "answered"):
        return "operator"
    return "ivr" if step == "started" and direction == "in" else ""
