"""SMS.ru (https://sms.ru/api): ``sms/send`` with ``json=1`` answers a status per number
(``status_code`` 100 and an ``sms_id``, or the number's error code), ``sms/cost`` the price,
``sms/status`` the delivery status of sent ids (and their cost), ``my/balance`` the balance.
Statuses also come to a callback: ``data[]`` entries of lines ``sms_status``, id, code, time,
with ``hash`` = sha256(api_id + the entries), answered with the text ``100``. SMS.ru forwards
no members' SMS: it is an outbound channel with delivery statuses.
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
    RecipientBlocked,
    SendResult,
    WebhookReply,
)
from unionline.channels.sms import common, phones
from unionline.channels.sms.http import MayHaveSent, post_form
from unionline.channels.sms.labels import SMSRU_LABELS
from unionline.channels.sms.settings import sms_settings

WHO = "SMS.ru"
DELIVERED = {103, 110}  # delivered; read (Viber)
FAILED = {104, 105, 106, 107, 108, 150}
AUTH = {200, 300, 301, 302}
LATER = {201: 300.0, 206: 3600.0, 220: 2.0, 230: 3600.0, 231: 60.0, 500: 5.0}
REFUSED_WORDS = {
    202: "неверный номер или нет маршрута",
    203: "нет текста",
    204: "имя отправителя не согласовано",
    205: "сообщение длиннее 8 SMS",
    207: "на этот номер нельзя отправлять",
    208: "неверное время",
    212: "текст не в UTF-8",
    232: "лимит одинаковых сообщений на номер в день",
}
STATUS_WORDS = {
    104: "истекло время жизни",
    105: "удалено оператором",
    106: "сбой в телефоне",
    107: "неизвестная причина",
    108: "отклонено",
    150: "нет маршрута на номер",
}


class SmsRuConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    sender: Annotated[str, msgspec.Meta(max_length=11)] = ""
    max_segments: Annotated[int, msgspec.Meta(ge=1, le=8)] = common.DEFAULT_MAX_SEGMENTS
    statuses: Literal["callback", "polling"] = "callback"
    show_cost: bool = True
    base_url: Annotated[str, msgspec.Meta(pattern=rf"^https?://[^{WHITE_SPACE}]+$(?!\n)")] = (
        "https://sms.ru"
    )


class SmsRuSecrets(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    api_id: Annotated[str, msgspec.Meta(min_length=8, max_length=80)]


Account: TypeAlias = ChannelAccount[SmsRuConfig, SmsRuSecrets]


class Answer(msgspec.Struct, kw_only=True):
    status: str
    status_code: int
    status_text: str = ""
    sms_id: str = ""
    cost: float | str | None = None
    sms: int | None = None


class Batch(msgspec.Struct, kw_only=True):
    status: str
    status_code: int
    status_text: str = ""
    sms: dict[str, Answer] = msgspec.field(default_factory=dict)
    balance: float | str | None = None
    total_cost: float | str | None = None


class SmsRuGateway:
    name = "smsru"
    title = "SMS.ru"
    settings = SmsRuConfig
    secrets = SmsRuSecrets
    labels = SMSRU_LABELS
    receives = False
    rate_limit = RateLimit(per_second=10, burst=10)

    async def send(self, account: Account, message: OutboundMessage) -> SendResult:
        to = phones.digits(phones.e164(message.recipient) or message.recipient)
        cost = await self._cost(account, to, message.text) if account.config.show_cost else None
        form = {"to": to, "msg": message.text}
        if account.config.sender:
            form["from"] = account.config.sender
        try:
            batch = await _call(account, "sms/send", form)
        except MayHaveSent as exc:
            raise DeliveryUnknown(f"{exc}: SMS могло уйти, повторно не отправляется") from exc
        _raise_for(batch.status_code, batch.status_text)
        answer = batch.sms.get(to)
        if answer is None:
            raise DeliveryUnknown(f"{WHO} принял запрос, но не назвал номер {to}")
        _raise_for(answer.status_code, answer.status_text)
        if not answer.sms_id:
            raise DeliveryUnknown(f"{WHO} принял SMS без sms_id")
        return SendResult(external_id=answer.sms_id, note=_money(cost))

    async def _cost(self, account: Account, to: str, text: str) -> float | None:
        try:
            batch = await _call(account, "sms/cost", {"to": to, "msg": text})
        except (MayHaveSent, NotReady, msgspec.DecodeError):
            return None  # the price is a courtesy; never a reason not to send
        answer = batch.sms.get(to)
        return _number(answer.cost) if answer and answer.status_code == 100 else None

    async def statuses(
        self, account: Account, sends: Sequence[tuple[str, str]]
    ) -> list[DeliveryReport]:
        ids = ",".join(external_id for external_id, _ in sends)
        try:
            batch = await _call(account, "sms/status", {"sms_id": ids})
        except MayHaveSent as exc:
            raise NotReady(str(exc)) from exc  # asking again is harmless
        _raise_for(batch.status_code, batch.status_text)
        return [r for sms_id, a in batch.sms.items() if (r := _report(sms_id, a)) is not None]

    async def verify(self, account: Account, request: InboundRequest) -> None:
        pairs = _pairs(request)
        given = next((v for k, v in pairs if k == "hash"), "")
        if not given:
            raise Unauthorized("the callback carries no hash", field="hash")
        expected = callback_hash(account.secrets.api_id, _entries(pairs))
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Forbidden("the callback's hash does not match", field="hash")

    async def decode(
        self, account: Account, request: InboundRequest
    ) -> list[InboundMessage | DeliveryReport]:
        reports: list[InboundMessage | DeliveryReport] = []
        for entry in _entries(_pairs(request)):
            lines = entry.split("\n")
            if lines[0].strip() != "sms_status" or len(lines) < 3:
                continue  # callcheck_status and what else SMS.ru may add
            code = int(lines[2].strip() or 0)
            report = _report(lines[1].strip(), Answer(status="OK", status_code=code))
            if report is not None:
                reports.append(report)
        if not reports:
            raise Unsupported("SMS.ru callback without a final SMS status")
        return reports

    def answer(self, account: Account, request: InboundRequest) -> WebhookReply:
        return WebhookReply(body=b"100", media_type="text/plain")  # SMS.ru retries otherwise

    async def check(self, account: Account) -> CheckResult:
        batch = await _call(account, "my/balance", {})
        if batch.status_code in AUTH:
            return CheckResult(ok=False, detail=f"SMS.ru не принял api_id: {batch.status_text}")
        _raise_for(batch.status_code, batch.status_text)
        balance = _number(batch.balance)
        money = f"{balance:.2f}".replace(".", ",") + " ₽" if balance is not None else "?"
        return CheckResult(ok=True, identity=f"SMS.ru, баланс {money}")


async def _call(account: Account, method: str, form: dict[str, Any]) -> Batch:
    url = f"{account.config.base_url.rstrip('/')}/{method}"
    data = {"api_id": account.secrets.api_id, "json": 1, **form}
    answer = await post_form(url, data, timeout=sms_settings().request_timeout, who=WHO)
    return msgspec.json.decode(answer.content, type=Batch)


def _raise_for(code: int, text: str) -> None:
    if code == 100:
        return
    words = text or REFUSED_WORDS.get(code, "")
    if code in AUTH:
        raise AuthFailed(f"SMS.ru не принял api_id ({code} {words})".strip())
    if code in LATER:
        raise NotReady(f"SMS.ru: {code} {words}".strip(), retry_after=LATER[code])
    if code == 209:
        raise RecipientBlocked(f"SMS.ru: номер в стоп-листе аккаунта (209) {words}".strip())
    raise PermanentFailure(f"SMS.ru отказал: {code} {words}".strip())


def _report(sms_id: str, answer: Answer) -> DeliveryReport | None:
    code = answer.status_code
    note = common.note(answer.sms or 1, _number(answer.cost)) if answer.cost is not None else ""
    if code in DELIVERED:
        return DeliveryReport(external_id=sms_id, status="delivered", note=note)
    if code in FAILED:
        error = f"SMS не доставлено: {STATUS_WORDS.get(code, answer.status_text)} ({code})"
        return DeliveryReport(external_id=sms_id, status="failed", error=error, note=note)
    return None  # 100–102: still on the way


def _pairs(request: InboundRequest) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(request.body.decode("utf-8", errors="replace"), keep_blank_values=True)


def _entries(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """The ``data[]`` (or ``data[0]``, ``data[1]`` …) entries, in order."""
    found = [(n, _index(k), v) for n, (k, v) in enumerate(pairs) if k.startswith("data[")]
    return [v for _, _, v in sorted(found, key=lambda f: (f[1], f[0]))]


def _index(key: str) -> int:
    inside = key[5:].rstrip("]")
    return int(inside) if inside.isdigit() else -1


def callback_hash(api_id: str, entries: Sequence[str]) -> str:
    return hashlib.sha256((api_id + "".join(entries)).encode()).hexdigest()


def _number(value: Any) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


def _money(cost: float | None) -> str:
    return "" if cost is None else f"{cost:.2f}".replace(".", ",") + " ₽"
