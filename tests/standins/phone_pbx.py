# ruff: noqa: E501, RUF005  -- recorded call sequences: one provider event a line
"""Cloud PBX stand-ins: Mango Office, Zadarma and UIS as their documents describe them.

Each provider is two halves. Its **webhooks**: recorded call sequences (:data:`SCENARIOS`, the
provider's own payloads) signed the provider's way — Mango ``sign = sha256(key + json + salt)``
over form fields, Zadarma's ``Signature`` (base64 of the hex HMAC-SHA1 of the documented
fields), UIS's token in the address — ready to post to the app (:func:`webhooks`). Its **API**:
:class:`PbxStandin` serves Mango's ``commands/callback`` and ``queries/recording/post``,
Zadarma's ``/v1/request/callback/`` and ``/v1/pbx/record/request/`` (with their signature
checks) and UIS's JSON-RPC ``start.employee_call`` and ``start.informer_call``; a click-to-call
it takes makes the outbound call's webhooks (operator first, then the member) with the outcome
set in ``callback_outcome``, an informer call those of ``informer_outcome`` (the digit pressed,
the message heard to its end), queued in ``outbox`` for the test to deliver.

Usage::

    with PbxStandin() as pbx:
        for call in webhooks("mango", "answered_recorded", line_id, keys, number="79161234567"):
            await client.request(call.method, call.path, content=call.body, headers=call.headers)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from litestar import Litestar, Request, Response, get, post
from litestar.params import FromPath, JSONBody

from standins.server import ThreadedServer

RECORDING = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb" * 200  # an MP3's first bytes
_ids = itertools.count(1000)


@dataclass(frozen=True)
class Keys:
    api_key: str = "mango-vpbx-key-0001"
    api_secret: str = "mango-salt-0001"
    webhook_token: str = "uis-token-0123456789"


@dataclass(frozen=True)
class Webhook:
    method: str
    path: str
    body: bytes
    headers: dict[str, str]
    label: str = ""  # the event, for reading a failing test


# -- signing -----------------------------------------------------------------------------


def mango_sign(api_key: str, body: str, salt: str) -> str:
    return hashlib.sha256(f"{api_key}{body}{salt}".encode()).hexdigest()


def zadarma_signature(secret: str, text: str) -> str:
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


ZADARMA_SIGNED = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def sign(provider: str, line: str, keys: Keys, event: dict[str, Any], bad: bool = False) -> Webhook:
    """A provider's webhook for ``event`` (``{"path": …, "json": {…}}`` for Mango, the form
    fields for Zadarma, the notification for UIS), signed — wrongly when ``bad``."""
    base = f"/channels/phone/{line}"
    if provider == "mango":
        body = json.dumps(event["json"], ensure_ascii=False)
        salt = "not-the-salt" if bad else keys.api_secret
        form = {
            "vpbx_api_key": keys.api_key,
            "sign": mango_sign(keys.api_key, body, salt),
            "json": body,
        }
        return Webhook("POST", base + event["path"], urlencode(form).encode(), FORM, event["path"])
    if provider == "zadarma":
        text = "".join(str(event.get(f, "")) for f in ZADARMA_SIGNED[event["event"]])
        secret = "not-the-secret" if bad else keys.api_secret
        headers = {**FORM, "Signature": zadarma_signature(secret, text)}
        return Webhook("POST", base + "/events", urlencode(event).encode(), headers, event["event"])
    token = "not-the-token" if bad else keys.webhook_token
    body = json.dumps(event, ensure_ascii=False).encode()
    path = f"{base}/events?{urlencode({'token': token})}"
    return Webhook("POST", path, body, {"Content-Type": "application/json"}, event["event"])


# -- recorded call sequences -------------------------------------------------------------


def _mango(path: str, **payload: Any) -> dict[str, Any]:
    return {"path": path, "json": payload}


def mango_scenario(name: str, number: str, extension: str, line_number: str, t: int, entry: str,
                   command: str = "", busy_code: str = "1191") -> list[dict[str, Any]]:  # fmt: skip
    """Mango's events for one call (entry ``entry`` starting at ``t``)."""
    ivr, leg = f"{entry}:1", f"{entry}:2"
    caller = {"number": number}
    to_line = {"number": line_number, "line_number": line_number}
    to_ext = {
        "extension": extension,
        "number": f"sip:{extension}@union.mangosip.ru",
        "line_number": line_number,
    }
    call = "/events/call"
    if name == "missed_ivr":
        return [
            _mango(call, entry_id=entry, call_id=ivr, timestamp=t, seq=1, call_state="Appeared", location="ivr", **{"from": caller}, to=to_line),
            _mango(call, entry_id=entry, call_id=ivr, timestamp=t + 9, seq=2, call_state="Disconnected", location="ivr", **{"from": caller}, to=to_line, disconnect_reason=1100),
            _mango("/events/summary", entry_id=entry, call_direction=1, **{"from": caller}, to=to_line, line_number=line_number, create_time=t, talk_time=0, end_time=t + 9, entry_result=0, disconnect_reason=1100),
        ]  # fmt: skip
    if name in ("ringing", "answered_recorded"):
        events = [
            _mango(call, entry_id=entry, call_id=ivr, timestamp=t, seq=1, call_state="Appeared", location="ivr", **{"from": caller}, to=to_line),
            _mango(call, entry_id=entry, call_id=ivr, timestamp=t + 3, seq=2, call_state="Disconnected", location="ivr", **{"from": caller}, to=to_line, disconnect_reason=1100),
            _mango(call, entry_id=entry, call_id=leg, timestamp=t + 3, seq=1, call_state="Appeared", location="abonent", **{"from": {**caller, "taken_from_call_id": ivr}}, to=to_ext),
        ]  # fmt: skip
        if name == "ringing":
            return events
        rec = f"rec-{entry}"
        return events + [
            _mango(call, entry_id=entry, call_id=leg, timestamp=t + 8, seq=2, call_state="Connected", location="abonent", **{"from": caller}, to=to_ext),
            _mango(call, entry_id=entry, call_id=leg, timestamp=t + 83, seq=3, call_state="Disconnected", location="abonent", **{"from": caller}, to=to_ext, disconnect_reason=1110),
            _mango("/events/summary", entry_id=entry, call_direction=1, **{"from": caller}, to=to_ext, line_number=line_number, create_time=t, talk_time=t + 8, end_time=t + 83, entry_result=1, disconnect_reason=1110),
            _mango("/events/recording", entry_id=entry, call_id=leg, recording_id=rec, recording_state="Completed", seq=1, timestamp=t + 84),
        ]  # fmt: skip
    if name in ("busy_outbound", "answered_outbound"):
        operator = {"extension": extension, "number": f"sip:{extension}@union.mangosip.ru"}
        member = {"number": number, "line_number": line_number}
        extra = {"command_id": command} if command else {}
        first = [
            _mango(call, entry_id=entry, call_id=ivr, timestamp=t, seq=1, call_state="Appeared", location="abonent", **{"from": {"number": line_number}}, to=operator, **extra),
            _mango(call, entry_id=entry, call_id=ivr, timestamp=t + 2, seq=2, call_state="Connected", location="abonent", **{"from": {"number": line_number}}, to=operator, **extra),
            _mango(call, entry_id=entry, call_id=leg, timestamp=t + 2, seq=1, call_state="Appeared", location="abonent", **{"from": operator}, to=member, **extra),
        ]  # fmt: skip
        if name == "busy_outbound":
            return first + [
                _mango(call, entry_id=entry, call_id=leg, timestamp=t + 4, seq=2, call_state="Disconnected", location="abonent", **{"from": operator}, to=member, disconnect_reason=busy_code, **extra),
                _mango("/events/summary", entry_id=entry, call_direction=2, **{"from": operator}, to=member, line_number=line_number, create_time=t, talk_time=0, end_time=t + 4, entry_result=0, disconnect_reason=busy_code),
            ]  # fmt: skip
        return first + [
            _mango(call, entry_id=entry, call_id=leg, timestamp=t + 6, seq=2, call_state="Connected", location="abonent", **{"from": operator}, to=member, **extra),
            _mango(call, entry_id=entry, call_id=leg, timestamp=t + 66, seq=3, call_state="Disconnected", location="abonent", **{"from": operator}, to=member, disconnect_reason=1100, **extra),
            _mango("/events/summary", entry_id=entry, call_direction=2, **{"from": operator}, to=member, line_number=line_number, create_time=t, talk_time=t + 6, end_time=t + 66, entry_result=1, disconnect_reason=1100),
        ]  # fmt: skip
    raise ValueError(name)


def _zadarma_time(t: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def zadarma_scenario(name: str, number: str, extension: str, line_number: str, t: int, entry: str,
                     command: str = "", busy_code: str = "") -> list[dict[str, Any]]:  # fmt: skip
    start = _zadarma_time(t)
    base = {"call_start": start, "pbx_call_id": entry}
    inbound = {**base, "caller_id": number, "called_did": line_number}
    if name == "missed_ivr":
        return [
            {"event": "NOTIFY_START", **inbound},
            {"event": "NOTIFY_END", **inbound, "internal": "", "duration": "0", "disposition": "cancel", "status_code": "16", "is_recorded": "0", "call_id_with_rec": ""},
        ]  # fmt: skip
    if name in ("ringing", "answered_recorded"):
        events = [
            {"event": "NOTIFY_START", **inbound},
            {"event": "NOTIFY_INTERNAL", **inbound, "internal": extension},
        ]
        if name == "ringing":
            return events
        rec = f"{entry}.rec"
        return events + [
            {"event": "NOTIFY_ANSWER", **base, "caller_id": number, "destination": extension, "internal": extension},
            {"event": "NOTIFY_END", **inbound, "internal": extension, "duration": "75", "disposition": "answered", "status_code": "16", "is_recorded": "1", "call_id_with_rec": rec},
            {"event": "NOTIFY_RECORD", "pbx_call_id": entry, "call_id_with_rec": rec},
        ]  # fmt: skip
    if name in ("busy_outbound", "answered_outbound"):
        out = {**base, "internal": extension, "destination": number}
        answered = name == "answered_outbound"
        return [
            {"event": "NOTIFY_OUT_START", **out},
            {"event": "NOTIFY_OUT_END", **out, "caller_id": line_number, "duration": "60" if answered else "0", "disposition": "answered" if answered else "busy", "status_code": "16" if answered else "17", "is_recorded": "0", "call_id_with_rec": ""},
        ]  # fmt: skip
    raise ValueError(name)


def uis_scenario(name: str, number: str, extension: str, line_number: str, t: int, entry: str,
                 command: str = "", busy_code: str = "") -> list[dict[str, Any]]:  # fmt: skip
    def note(event: str, at: int, **more: Any) -> dict[str, Any]:
        return {"event": event, "call_session_id": entry, "notification_time": _zadarma_time(at),
                "contact_phone_number": number, "virtual_phone_number": line_number, **more}  # fmt: skip

    if name == "missed_ivr":
        return [note("call_started", t, direction="in"), note("call_lost", t + 7, direction="in")]
    if name in ("ringing", "answered_recorded"):
        events = [
            note("call_started", t, direction="in"),
            note("employee_ringing", t + 2, direction="in", employee_id=extension),
        ]
        if name == "ringing":
            return events
        return events + [
            note("call_answered", t + 5, direction="in", employee_id=extension),
            note("call_ended", t + 80, direction="in", employee_id=extension, talk_duration="75"),
            note("recording_ready", t + 81, direction="in", file_link=f"{{pbx}}/uis/records/{entry}.mp3"),
        ]  # fmt: skip
    if name.startswith("informer_"):  # a robot's start.informer_call: UIS calls and speaks
        said = {"external_id": command, "direction": "out"}
        if name == "informer_no_answer":
            return [note("call_started", t, **said), note("call_ended", t + 30, **said, disposition="no_answer", talk_duration="0")]  # fmt: skip
        heard = name == "informer_heard_digit"
        return [
            note("call_started", t, **said),
            note("call_answered", t + 6, **said),
            note("call_ended", t + 20, **said, disposition="answered", talk_duration="14",
                 dtmf="1" if heard else "", played="1" if heard else "0"),
        ]  # fmt: skip
    if name in ("busy_outbound", "answered_outbound"):
        answered = name == "answered_outbound"
        return [
            note("call_started", t, direction="out", employee_id=extension, external_id=command),
            note("call_ended", t + 5, direction="out", employee_id=extension, external_id=command,
                 disposition="answered" if answered else "busy", talk_duration="60" if answered else "0"),
        ]  # fmt: skip
    raise ValueError(name)


SCENARIOS = {"mango": mango_scenario, "zadarma": zadarma_scenario, "uis": uis_scenario}


def webhooks(provider: str, name: str, line: str, keys: Keys, *, number: str = "79161234567",
             extension: str = "101", line_number: str = "74951112233", t: int = 1_790_000_000,
             entry: str | None = None, command: str = "", busy_code: str = "1191",
             pbx_url: str = "", bad: bool = False) -> list[Webhook]:  # fmt: skip
    """A recorded call sequence of ``provider``, signed for ``line``."""
    entry = entry or f"call-{next(_ids)}"
    events = SCENARIOS[provider](name, number, extension, line_number, t, entry, command, busy_code)
    if pbx_url:
        events = json.loads(json.dumps(events).replace("{pbx}", pbx_url))
    return [sign(provider, line, keys, e, bad) for e in events]


# -- the providers' APIs -----------------------------------------------------------------


@dataclass
class Command:
    provider: str
    name: str  # callback, recording
    params: dict[str, Any]


@dataclass
class PbxStandin:
    """Mango, Zadarma and UIS APIs on one loopback server (each under its own prefix:
    ``/mango``, ``/zadarma``, ``/uis``)."""

    keys: Keys = field(default_factory=Keys)
    line: str = ""  # the app's line id the outbound calls' webhooks are for
    line_number: str = "74951112233"
    callback_outcome: str = "answered_outbound"  # or busy_outbound
    informer_outcome: str = "informer_heard_digit"  # or informer_answered, informer_no_answer
    busy_code: str = "1191"
    commands: list[Command] = field(default_factory=list)
    outbox: list[Webhook] = field(default_factory=list)
    fail_with: int | None = None  # an HTTP status answered instead, once
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.server = ThreadedServer(self._app())
        self.base_url = ""

    def __enter__(self) -> PbxStandin:
        self.base_url = self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def url(self, provider: str) -> str:
        return f"{self.base_url}/{provider}" if provider != "uis" else f"{self.base_url}/uis/v4.0"

    def take_outbox(self) -> list[Webhook]:
        with self._lock:
            taken, self.outbox = self.outbox, []
        return taken

    def _placed(self, provider: str, extension: str, number: str, command: str) -> None:
        calls = webhooks(
            provider, self.callback_outcome, self.line, self.keys, number=number,
            extension=extension, line_number=self.line_number, command=command,
            busy_code=self.busy_code,
        )  # fmt: skip
        with self._lock:
            self.outbox.extend(calls)

    def _app(self) -> Any:
        standin = self

        def refused() -> Response[Any] | None:
            if standin.fail_with is None:
                return None
            status, standin.fail_with = standin.fail_with, None
            return Response({"error": "refused"}, status_code=status)

        async def mango_form(request: Request[Any, Any, Any]) -> dict[str, Any] | Response[Any]:
            form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
            keys = standin.keys
            if form.get("vpbx_api_key") != keys.api_key or form.get("sign") != mango_sign(
                keys.api_key, form.get("json", ""), keys.api_secret
            ):
                return Response({"result": 3102}, status_code=401)
            return json.loads(form["json"])  # type: ignore[no-any-return]

        @post("/mango/commands/callback", status_code=200)
        async def mango_callback(request: Request[Any, Any, Any]) -> Any:
            params = await mango_form(request)
            if isinstance(params, Response):
                return params
            standin.commands.append(Command("mango", "callback", params))
            standin._placed(
                "mango", params["from"]["extension"], params["to_number"], params["command_id"]
            )
            return refused() or {"result": 1000}

        @post("/mango/queries/recording/post", status_code=200)
        async def mango_recording(request: Request[Any, Any, Any]) -> Any:
            params = await mango_form(request)
            if isinstance(params, Response):
                return params
            standin.commands.append(Command("mango", "recording", params))
            return Response(RECORDING, media_type="audio/mpeg")

        def zadarma_ok(request: Request[Any, Any, Any], method: str) -> bool:
            params = sorted(request.query_params.items())
            query = urlencode(params)
            text = method + query + hashlib.md5(query.encode()).hexdigest()
            keys = standin.keys
            expected = f"{keys.api_key}:{zadarma_signature(keys.api_secret, text)}"
            return request.headers.get("authorization") == expected

        @get("/zadarma/v1/request/callback/")
        async def zadarma_callback(request: Request[Any, Any, Any]) -> Any:
            if not zadarma_ok(request, "/v1/request/callback/"):
                return Response({"status": "error", "message": "Not authorized"}, status_code=401)
            params = dict(request.query_params)
            standin.commands.append(Command("zadarma", "callback", params))
            standin._placed("zadarma", params["from"], params["to"], "")
            return refused() or {"status": "success", "from": params["from"], "to": params["to"]}

        @get("/zadarma/v1/pbx/record/request/")
        async def zadarma_record(request: Request[Any, Any, Any]) -> Any:
            if not zadarma_ok(request, "/v1/pbx/record/request/"):
                return Response({"status": "error", "message": "Not authorized"}, status_code=401)
            call = request.query_params["call_id"]
            standin.commands.append(Command("zadarma", "recording", {"call_id": call}))
            return {"status": "success", "link": f"{standin.base_url}/files/{call}.mp3"}

        @get("/files/{name:str}")
        async def file(name: FromPath[str]) -> Response[bytes]:
            return Response(RECORDING, media_type="audio/mpeg")

        @get("/uis/records/{name:str}")
        async def uis_file(name: FromPath[str]) -> Response[bytes]:
            return Response(RECORDING, media_type="audio/mpeg")

        @post("/uis/v4.0", status_code=200)
        async def uis_rpc(data: JSONBody[dict[str, Any]]) -> Any:
            params = data.get("params", {})
            reply: dict[str, Any] = {"jsonrpc": "2.0", "id": data.get("id")}
            if params.get("access_token") != standin.keys.api_key:
                reply["error"] = {"code": -32001, "message": "Access token is invalid", "data": {"mnemonic": "access_token_invalid"}}  # fmt: skip
                return reply
            if data.get("method") == "start.informer_call":
                standin.commands.append(Command("uis", "informer", params))
                calls = webhooks(
                    "uis", standin.informer_outcome, standin.line, standin.keys,
                    number=params["contact"], line_number=standin.line_number,
                    command=params.get("external_id", ""),
                )  # fmt: skip
                with standin._lock:
                    standin.outbox.extend(calls)
                reply["result"] = {"data": {"call_session_id": next(_ids)}}
                return refused() or reply
            if data.get("method") != "start.employee_call":
                reply["error"] = {"code": -32601, "message": "Method not found", "data": {"mnemonic": "method_not_found"}}  # fmt: skip
                return reply
            standin.commands.append(Command("uis", "callback", params))
            employee = str(params["employee"]["id"])
            standin._placed("uis", employee, params["contact"], params.get("external_id", ""))
            reply["result"] = {"data": {"call_session_id": next(_ids)}}
            return refused() or reply

        return Litestar(
            [
                mango_callback,
                mango_recording,
                zadarma_callback,
                zadarma_record,
                file,
                uis_file,
                uis_rpc,
            ]
        )
