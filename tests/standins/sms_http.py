"""Loopback stand-ins of two HTTP SMS gateways, answering as their APIs document.

* :class:`SmsRuStandin` — SMS.ru: ``sms/send`` (``json=1``: a status per number, ``sms_id``, the
  balance), ``sms/cost``, ``sms/status``, ``my/balance``; errors 200 (api_id), 201 (balance),
  202 (number), 203 (no text), 209 (stop-list), 220 (unavailable), 231 (the same text to the
  number within a minute); callbacks built by :func:`smsru_callback` (``data[]`` lines and
  ``hash`` = sha256(api_id + entries)), to be answered ``100``.
* :class:`SmscStandin` — SMSC.ru: ``sys/send.php`` (``fmt=3``: id, cnt, cost, balance; errors 2
  login, 3 money, 7 number, 9 the same request twice within a minute), ``sys/status.php`` (by
  number and id; -3 not found), ``sys/balance.php``; callbacks built by :func:`smsc_status_form`
  and :func:`smsc_sms_form` (``md5`` of "id:phone:status:password" / "sms_id:phone:mes:password").

Both count parts with the plugin's segment rules, take faults from ``fail_next`` —
``"lost"`` takes the message and answers 502, ``"http500"`` refuses with 500 before taking it,
or a gateway error code — and record every message they took in ``sent``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from litestar import Litestar, Request, Response, post
from litestar.params import FromPath

from unionline.channels.sms.segments import count

LOST, HTTP500 = "lost", "http500"
PRICE = 1.48  # roubles a part


@dataclass
class Taken:
    id: str
    to: str
    text: str
    sender: str
    parts: int


def _json(data: Any, status: int = 200) -> Response[bytes]:
    return Response(
        json.dumps(data, ensure_ascii=False).encode(),
        status_code=status,
        media_type="application/json",
    )


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    body = (await request.body()).decode()
    return {**dict(request.query_params), **dict(parse_qsl(body, keep_blank_values=True))}


@dataclass
class SmsRuStandin:
    api_id: str = "A1B2C3D4-0000-1111-2222-333344445555"
    balance: float = 100.0
    stop_list: set[str] = field(default_factory=set)
    sent: list[Taken] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)  # sms_id -> status_code
    faults: deque[Any] = field(default_factory=deque)
    requests: list[str] = field(default_factory=list)
    base_url: str = ""
    _ids: Any = field(default_factory=lambda: itertools.count(10000001))
    _recent: dict[tuple[str, str], float] = field(default_factory=dict)

    def fail_next(self, fault: Any, times: int = 1) -> None:
        self.faults.extend([fault] * times)

    def app(self) -> Litestar:
        @post("/{method:path}", status_code=200)
        async def call(request: Request[Any, Any, Any], method: FromPath[str]) -> Response[bytes]:
            return self.handle(method.strip("/"), await _form(request))

        return Litestar([call], openapi_config=None)

    def handle(self, method: str, form: dict[str, str]) -> Response[bytes]:
        self.requests.append(method)
        if form.get("api_id") != self.api_id:
            return _json(
                {"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"}
            )
        if method == "my/balance":
            return _json({"status": "OK", "status_code": 100, "balance": self.balance})
        if method == "sms/cost":
            parts = count(form.get("msg", "")).count
            to = form.get("to", "")
            sms = {to: {"status": "OK", "status_code": 100, "cost": PRICE * parts, "sms": parts}}
            return _json(
                {
                    "status": "OK",
                    "status_code": 100,
                    "sms": sms,
                    "total_cost": PRICE * parts,
                    "total_sms": parts,
                }
            )
        if method == "sms/status":
            return self._status(form.get("sms_id", ""))
        if method == "sms/send":
            return self._send(form)
        return _json({"status": "ERROR", "status_code": 211, "status_text": "Метод не найден"})

    def _send(self, form: dict[str, str]) -> Response[bytes]:
        fault = self.faults.popleft() if self.faults else None
        if fault == HTTP500:
            return Response(b"Internal Server Error", status_code=500)
        if isinstance(fault, int) and fault in (201, 220):
            return _json({"status": "ERROR", "status_code": fault, "status_text": "стенд"})
        to, text = form.get("to", ""), form.get("msg", "")
        if not text:
            return _json(
                {"status": "ERROR", "status_code": 203, "status_text": "Нет текста сообщения"}
            )
        answer = self._one(to, text, form.get("from", ""), fault)
        body = {"status": "OK", "status_code": 100, "sms": {to: answer}, "balance": self.balance}
        if fault == LOST:
            return Response(b"Bad Gateway", status_code=502)
        return _json(body)

    def _one(self, to: str, text: str, sender: str, fault: Any) -> dict[str, Any]:
        if isinstance(fault, int):
            return {"status": "ERROR", "status_code": fault, "status_text": "стенд"}
        if not to.isdigit() or not 11 <= len(to) <= 15:
            return {
                "status": "ERROR",
                "status_code": 202,
                "status_text": "Неправильно указан номер",
            }
        if to in self.stop_list:
            return {"status": "ERROR", "status_code": 209, "status_text": "Номер в стоп-листе"}
        if time.monotonic() - self._recent.get((to, text), -1e9) < 60:
            return {
                "status": "ERROR",
                "status_code": 231,
                "status_text": "Превышен лимит одинаковых сообщений на этот номер в минуту",
            }
        parts = count(text).count
        self.balance -= PRICE * parts
        sms_id = f"000000-{next(self._ids)}"
        self.sent.append(Taken(sms_id, to, text, sender, parts))
        self.statuses[sms_id] = 102
        self._recent[(to, text)] = time.monotonic()
        return {"status": "OK", "status_code": 100, "sms_id": sms_id}

    def _status(self, ids: str) -> Response[bytes]:
        found = {}
        for sms_id in filter(None, ids.split(",")):
            taken = next((t for t in self.sent if t.id == sms_id), None)
            if taken is None:
                found[sms_id] = {"status": "ERROR", "status_code": -1, "status_text": "Не найдено"}
                continue
            found[sms_id] = {
                "status": "OK",
                "status_code": self.statuses[sms_id],
                "cost": PRICE * taken.parts,
                "sms": taken.parts,
            }
        return _json({"status": "OK", "status_code": 100, "sms": found, "balance": self.balance})


def smsru_callback(
    api_id: str, entries: list[tuple[str, int]], *, good: bool = True
) -> tuple[bytes, dict[str, str]]:
    """A status callback as SMS.ru posts it: ``data[n]`` = "sms_status\\n<id>\\n<code>\\n<time>"."""
    data = [f"sms_status\n{sms_id}\n{code}\n{int(time.time())}" for sms_id, code in entries]
    digest = hashlib.sha256((api_id + "".join(data)).encode()).hexdigest()
    pairs = [(f"data[{n}]", d) for n, d in enumerate(data)]
    pairs.append(("hash", digest if good else "0" * 64))
    return urlencode(pairs).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


# -- SMSC.ru -------------------------------------------------------------------------------


@dataclass
class SmscTaken(Taken):
    ours: str = ""
    status: int = 0


@dataclass
class SmscStandin:
    login: str = "profkom"
    password: str = "smsc-password-1"
    balance: float = 100.0
    sent: list[SmscTaken] = field(default_factory=list)
    faults: deque[Any] = field(default_factory=deque)
    requests: list[str] = field(default_factory=list)
    base_url: str = ""
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _recent: dict[tuple[str, str, str], float] = field(default_factory=dict)

    def fail_next(self, fault: Any, times: int = 1) -> None:
        self.faults.extend([fault] * times)

    def app(self) -> Litestar:
        @post("/sys/{method:str}", status_code=200)
        async def call(request: Request[Any, Any, Any], method: FromPath[str]) -> Response[bytes]:
            return self.handle(method.removesuffix(".php"), await _form(request))

        return Litestar([call], openapi_config=None)

    def handle(self, method: str, form: dict[str, str]) -> Response[bytes]:
        self.requests.append(method)
        if form.get("login") != self.login or form.get("psw") != self.password:
            return _json({"error": "authorise error", "error_code": 2})
        if method == "balance":
            return _json({"balance": f"{self.balance:.2f}", "currency": "RUR"})
        if method == "status":
            taken = self.find(form.get("phone", ""), form.get("id", ""))
            if taken is None:
                return _json({"status": -3, "last_date": "", "last_timestamp": 0, "err": 0})
            return _json(
                {
                    "status": taken.status,
                    "last_timestamp": int(time.time()),
                    "err": 0,
                    "cost": f"{PRICE * taken.parts:.2f}",
                    "sms_cnt": taken.parts,
                }
            )
        if method == "send":
            return self._send(form)
        return _json({"error": "unknown method", "error_code": 1})

    def find(self, phone: str, ours: str) -> SmscTaken | None:
        return next((t for t in self.sent if t.to == phone and t.ours == ours), None)

    def _send(self, form: dict[str, str]) -> Response[bytes]:
        fault = self.faults.popleft() if self.faults else None
        if fault == HTTP500:
            return Response(b"Internal Server Error", status_code=500)
        if isinstance(fault, int):
            return _json({"error": "стенд", "error_code": fault})
        phone, text, ours = form.get("phones", ""), form.get("mes", ""), form.get("id", "")
        if not phone.isdigit() or not 11 <= len(phone) <= 15:
            return _json({"error": "invalid number", "error_code": 7})
        key = (phone, text, ours)
        if time.monotonic() - self._recent.get(key, -1e9) < 60:
            return _json({"error": "duplicate request, wait a minute", "error_code": 9})
        self._recent[key] = time.monotonic()
        parts = count(text).count
        self.balance -= PRICE * parts
        taken = SmscTaken(str(next(self._ids)), phone, text, form.get("sender", ""), parts, ours)
        self.sent.append(taken)
        if fault == LOST:
            return Response(b"Bad Gateway", status_code=502)
        return _json(
            {
                "id": ours or taken.id,
                "cnt": parts,
                "cost": f"{PRICE * parts:.2f}",
                "balance": f"{self.balance:.2f}",
            }
        )


def _signed(
    form: dict[str, str], first: str, third: str, password: str
) -> tuple[bytes, dict[str, str]]:
    text = ":".join((form[first], form["phone"], form[third], password))
    form = {**form, "md5": hashlib.md5(text.encode()).hexdigest()}
    return urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def smsc_status_form(
    password: str, ours: str, phone: str, status: int, *, err: int = 0, cost: float | None = None
) -> tuple[bytes, dict[str, str]]:
    form = {
        "id": ours,
        "phone": phone,
        "status": str(status),
        "err": str(err),
        "cnt": "1",
        "time": str(int(time.time())),
    }
    if cost is not None:
        form["cost"] = f"{cost:.2f}"
    return _signed(form, "id", "status", password)


def smsc_sms_form(
    password: str, sms_id: str, phone: str, text: str, to: str = "79001234567"
) -> tuple[bytes, dict[str, str]]:
    form = {
        "sms_id": sms_id,
        "phone": phone,
        "mes": text,
        "to": to,
        "sent": str(int(time.time())),
        "time": str(int(time.time())),
    }
    return _signed(form, "sms_id", "mes", password)
