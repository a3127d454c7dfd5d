"""SMSC.ru (https://smsc.ru/api/http/): ``sys/send.php`` with ``fmt=3`` (JSON) and ``cost=3``
answers the message's id, parts (``cnt``), ``cost`` and ``balance``, or ``error_code``;
``sys/status.php`` the status of a message by number and id; ``sys/balance.php`` the balance.

The message id is ours: the ``id`` parameter is derived from the delivery, the same on every
retry. So when a send's answer is lost (or SMSC says error 9: the same request twice within a
minute) the channel asks ``status.php`` whether SMSC has it: "sent" if so; sent again if SMSC
has nothing under that id (a first request arriving late would make the second one error 9,
which lands here again); "unknown" — never resent — when it cannot tell.

Callbacks (``POST`` form): a status (``id``, ``phone``, ``status``, ``err``, ``cnt``, ``cost``)
or a member's SMS to the account's number (``sms_id``, ``phone``, ``mes``, ``to``, ``sent``),
each with ``md5`` = md5("<id or sms_id>:<phone>:<status or mes>:<password>"), answered ``OK``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Annotated, Any, Literal, TypeAlias

import msgspec

from unionline import (
    WHITE_SPACE,
    AuthFailed,
    Forbidden,
    NotReady,
    PermanentFailure,
    Unauthorized,
)
from unionline import UnsupportedUpdate as Unsupported
from unionline.channel import (
    ChannelAccount,
    CheckResult,
    DeliveryReport,
    DeliveryUnknown,
    InboundMessage,
    InboundRequest,
    OutboundMessage,
    RateLimit,
    SendResult,
    WebhookReply,
)
from unionline.channels.sms import common, phones
from unionline.channels.sms.http import MayHaveSent, post_form
from unionline.channels.sms.labels import SMSC_LABELS
from unionline.channels.sms.settings import sms_settings

WHO = "SMSC.ru"
DELIVERED = {1, 2, 4}  # delivered, read, link followed
FAILED = {
    3: "просрочено",
    20: "невозможно доставить",
    22: "неверный номер",
    23: "запрещено",
    24: "недостаточно средств",
    25: "номер недоступен",
}
NOT_FOUND = -3
LATER = {3: 300.0, 4: 60.0}  # out of money; the IP blocked for a while after errors
REFUSED_WORDS = {
    1: "ошибка в параметрах",
    5: "неверный формат даты",
    6: "сообщение запрещено (текст или имя отправителя)",
    7: "неверный формат номера",
    8: "сообщение на номер не может быть доставлено",
}
DUPLICATE = 9


class SmscConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    login: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    sender: Annotated[str, msgspec.Meta(max_length=11)] = ""
    max_segments: Annotated[int, msgspec.Meta(ge=1, le=10)] = common.DEFAULT_MAX_SEGMENTS
    statuses: Literal["callback", "polling"] = "callback"
    base_url: Annotated[str, msgspec.Meta(pattern=rf"^https?://[^{WHITE_SPACE}]+$(?!\n)")] = (
        "https://smsc.ru"
    )


class SmscSecrets(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]


Account: TypeAlias = ChannelAccount[SmscConfig, SmscSecrets]


class Sent(msgspec.Struct, kw_only=True):
    id: int | str | None = None
    cnt: int | None = None
    cost: float | str | None = None
    balance: float | str | None = None
    error: str = ""
    error_code: int | None = None


class Status(msgspec.Struct, kw_only=True):
    status: int | None = None
    err: int | None = None
    cost: float | str | None = None
    sms_cnt: int | None = None
    balance: float | str | None = None
    error: str = ""
    error_code: int | None = None


class SmscGateway:
    name = "smsc"
    title = "SMSC.ru"
    settings = SmscConfig
    secrets = SmscSecrets
    labels = SMSC_LABELS
    receives = True  # members' SMS to a dedicated number reach the callback
    rate_limit = RateLimit(per_second=10, burst=10)

    async def send(self, account: Account, message: OutboundMessage) -> SendResult:
        phone = phones.e164(message.recipient) or message.recipient
        ours = message.id.hex  # SMSC's "id": ours, the same on every retry
        form = {"phones": phones.digits(phone), "mes": message.text, "id": ours, "cost": 3}
        if account.config.sender:
            form["sender"] = account.config.sender
        try:
            answer = msgspec.json.decode(await _call(account, "send", form), type=Sent)
        except MayHaveSent as exc:
            return await self._already_sent(account, phone, ours, str(exc))
        if answer.error_code == DUPLICATE:  # the same request got there a moment ago
            return await self._already_sent(account, phone, ours, answer.error)
        if answer.error_code is not None:
            _raise_for(answer.error_code, answer.error)
        return SendResult(external_id=ours, note=_money(_number(answer.cost)))

    async def _already_sent(self, account: Account, phone: str, ours: str, why: str) -> SendResult:
        """A send whose answer was lost: "sent" when SMSC has the message, else unknown."""
        try:
            found = await self._status(account, phone, ours)
        except (MayHaveSent, NotReady, msgspec.DecodeError) as exc:
            raise DeliveryUnknown(f"{WHO}: {why}; проверить не удалось ({exc})") from exc
        if found.error_code is not None or found.status is None:
            raise DeliveryUnknown(f"{WHO}: {why}; состояние сообщения неизвестно — не повторяем")
        if found.status == NOT_FOUND:
            # SMSC has nothing under our id. A resend is safe: were the first request still to
            # arrive, SMSC refuses the second as the same request (error 9), which lands here.
            raise NotReady(f"{WHO}: {why}; SMSC сообщения не получил — отправим снова", 2.0)
        return SendResult(external_id=ours, note=_money(_number(found.cost)))

    async def _status(self, account: Account, phone: str, ours: str) -> Status:
        form = {"phone": phones.digits(phone), "id": ours, "all": 1}
        return msgspec.json.decode(await _call(account, "status", form), type=Status)

    async def statuses(
        self, account: Account, sends: Sequence[tuple[str, str]]
    ) -> list[DeliveryReport]:
        reports = []
        for ours, phone in sends:
            try:
                found = await self._status(account, phone, ours)
            except MayHaveSent as exc:
                raise NotReady(str(exc)) from exc
            if found.error_code is not None:
                _raise_for(found.error_code, found.error)
            report = _report(ours, found.status, found.err, found.sms_cnt, _number(found.cost))
            if report is not None:
                reports.append(report)
        return reports

    async def verify(self, account: Account, request: InboundRequest) -> None:
        form = _form(request)
        given = form.get("md5", "")
        if not given:
            raise Unauthorized("the callback carries no md5", field="md5")
        expected = callback_md5(form, account.secrets.password)
        if not hmac.compare_digest(given.lower().encode(), expected.encode()):
            raise Forbidden("the callback's md5 does not match", field="md5")

    async def decode(
        self, account: Account, request: InboundRequest
    ) -> list[InboundMessage | DeliveryReport]:
        form = _form(request)
        if form.get("sms_id"):
            sent = _number(form.get("sent"))
            return [
                common.member_sms(
                    account,
                    f"in:{form['sms_id']}",
                    form.get("phone", ""),
                    form.get("mes", ""),
                    to=form.get("to", ""),
                    sent_at=sent,
                )
            ]
        if not form.get("id") or form.get("status") in (None, ""):
            raise Unsupported("SMSC callback that is neither a status nor an SMS")
        report = _report(
            form["id"],
            _int(form.get("status")),
            _int(form.get("err")),
            _int(form.get("cnt")),
            _number(form.get("cost")),
        )
        if report is None:
            raise Unsupported(f"SMSC status {form.get('status')} of {form['id']}: not final")
        return [report]

    def answer(self, account: Account, request: InboundRequest) -> WebhookReply:
        return WebhookReply(body=b"OK", media_type="text/plain")

    async def check(self, account: Account) -> CheckResult:
        answer = msgspec.json.decode(await _call(account, "balance", {}), type=Status)
        if answer.error_code == 2:
            return CheckResult(ok=False, detail=f"SMSC.ru не принял логин и пароль: {answer.error}")
        if answer.error_code is not None:
            _raise_for(answer.error_code, answer.error)
        return CheckResult(
            ok=True,
            identity=f"SMSC.ru {account.config.login}, баланс "
            f"{_money(_number(answer.balance)) or '?'}",
        )


async def _call(account: Account, method: str, form: dict[str, Any]) -> bytes:
    url = f"{account.config.base_url.rstrip('/')}/sys/{method}.php"
    data = {
        "login": account.config.login,
        "psw": account.secrets.password,
        "fmt": 3,
        "charset": "utf-8",
        **form,
    }
    answer = await post_form(url, data, timeout=sms_settings().request_timeout, who=WHO)
    return answer.content


def _raise_for(code: int, text: str) -> None:
    words = text or REFUSED_WORDS.get(code, "")
    if code == 2:
        raise AuthFailed(f"SMSC.ru не принял логин и пароль ({words})")
    if code in LATER:
        raise NotReady(f"SMSC.ru: {code} {words}".strip(), retry_after=LATER[code])
    raise PermanentFailure(f"SMSC.ru отказал: {code} {words}".strip())


def _report(
    ours: str, status: int | None, err: int | None, parts: int | None, cost: float | None
) -> DeliveryReport | None:
    note = common.note(parts or 1, cost) if cost is not None else ""
    if status in DELIVERED:
        return DeliveryReport(external_id=ours, status="delivered", note=note)
    if status in FAILED:
        code = f", код {err}" if err else ""
        error = f"SMS не доставлено: {FAILED[status]}{code}"
        return DeliveryReport(external_id=ours, status="failed", error=error, note=note)
    return None  # -1 waiting, 0 with the operator: still on the way


def callback_md5(form: dict[str, str], password: str) -> str:
    if form.get("sms_id"):
        parts = (form["sms_id"], form.get("phone", ""), form.get("mes", ""))
    else:
        parts = (form.get("id", ""), form.get("phone", ""), form.get("status", ""))
    return hashlib.md5(":".join((*parts, password)).encode()).hexdigest()


def _form(request: InboundRequest) -> dict[str, str]:
    from urllib.parse import parse_qsl

    body = request.body.decode("utf-8", errors="replace")
    return {**request.query, **dict(parse_qsl(body, keep_blank_values=True))}


def _int(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _number(value: Any) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


def _money(cost: float | None) -> str:
    return "" if cost is None else f"{cost:.2f}".replace(".", ",") + " ₽"
