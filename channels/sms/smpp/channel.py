"""The SMPP channel type: one account per SMPP contract (host, system_id, password), sending
through this process's bound session (:mod:`.links`) and receiving members' SMS and receipts on
it. ``send()`` says for every part whether it may have gone out (see :mod:`.session`)."""

from __future__ import annotations

from typing import Annotated, TypeAlias

import msgspec

from unionline import NotReady, PermanentFailure
from unionline.channel import (
    Capabilities,
    ChannelAccount,
    ChannelType,
    CheckResult,
    DeliveryUnknown,
    OutboundMessage,
    RateLimit,
    SendResult,
    SetupInfo,
    SetupStep,
)
from unionline.channels.sms import common, optout, phones, segments
from unionline.channels.sms.labels import SMPP_LABELS
from unionline.channels.sms.smpp import claims, links, pdu, receipts
from unionline.channels.sms.smpp.session import NoAnswer, NotSubmitted, Refused


class SmppConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    host: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 2775
    system_id: Annotated[str, msgspec.Meta(min_length=1, max_length=15)]
    system_type: Annotated[str, msgspec.Meta(max_length=12)] = ""
    sender: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    max_segments: Annotated[int, msgspec.Meta(ge=1, le=10)] = common.DEFAULT_MAX_SEGMENTS
    window: Annotated[int, msgspec.Meta(ge=1, le=100)] = 10
    enquire_link_seconds: Annotated[float, msgspec.Meta(gt=0, le=600)] = 30.0
    response_timeout: Annotated[float, msgspec.Meta(gt=0, le=120)] = 10.0


class SmppSecrets(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    password: Annotated[str, msgspec.Meta(max_length=8)]


Account: TypeAlias = ChannelAccount[SmppConfig, SmppSecrets]


def source_of(sender: str) -> tuple[str, int, int]:
    """(source_addr, TON, NPI): a number as international E.164 digits, else alphanumeric."""
    phone = phones.e164(sender)
    if phone is not None:
        return phones.digits(phone), pdu.TON_INTERNATIONAL, pdu.NPI_E164
    return sender, pdu.TON_ALPHANUMERIC, 0


class SmppChannel(ChannelType[SmppConfig, SmppSecrets]):
    name = "smpp"
    title = "SMS по SMPP (договор с оператором)"
    contact_kind = "phone"
    settings = SmppConfig
    secrets = SmppSecrets
    labels = SMPP_LABELS
    capabilities = Capabilities(
        text=True,
        read_receipts=True,
        max_text_length=segments.max_length(common.DEFAULT_MAX_SEGMENTS, "ucs2"),
        sms_segments=common.DEFAULT_MAX_SEGMENTS,
    )
    # The SMSC's own throttling (ESME_RTHROTTLED) is honoured by the session; this only keeps
    # one account from taking every worker.
    rate_limit = RateLimit(per_second=200, burst=200)

    def account_capabilities(self, account: Account) -> Capabilities:
        """The parts and characters at the account's «Не больше SMS в одном ответе»."""
        return common.account_capabilities(self.capabilities, account)

    def message_refusal(self, account: Account, message: OutboundMessage) -> str:
        """Files, an empty text or more parts than the account's limit — link buttons
        included, as the lines they become — are refused before the message is queued."""
        return common.content_refusal(account, message)

    async def send(self, account: Account, message: OutboundMessage) -> SendResult:
        phone, _ = common.refuse_content(account, message)
        session = await links.session_for(account)
        verdict = await claims.claim(account.id, message.id, phone, message.entry_id)
        if verdict.kind == "opted_out":
            raise PermanentFailure(optout.reason(account.name))
        if verdict.kind == "busy":
            raise NotReady("это SMS уже отправляется", retry_after=1)
        if verdict.kind == "unknown":
            raise DeliveryUnknown(
                "отправка этого SMS прервалась после submit_sm: SMSC мог его принять, "
                "повторно не отправляется"
            )
        if verdict.kind == "submitted":  # sent by a run that died before the SDK recorded it
            found = await receipts.outcome(account.id, verdict.first_id)
            return _result(verdict.first_id, found, common.note(verdict.parts or 1))
        encoded = segments.encode(message.text, reference=message.id.int & 0xFF)
        source, ton, npi = source_of(account.config.sender)
        ids: list[str] = []
        for part in encoded.parts:
            short = pdu.ShortMessage(
                source,
                phones.digits(phone),
                part,
                source_ton=ton,
                source_npi=npi,
                esm_class=pdu.ESM_UDHI if encoded.udh else 0,
                registered_delivery=1,
                data_coding=encoded.data_coding,
            )
            try:
                ids.append(await _submit(session, short, ids))
            except (NotReady, PermanentFailure):
                await claims.release(message.id)  # nothing went out: a later run sends it
                raise
        found = await claims.record(account.id, message.id, ids)
        return _result(ids[0], found, common.note(len(ids)))

    async def check(self, account: Account) -> CheckResult:
        session = await links.session_for(account)
        return CheckResult(ok=True, identity=f"SMSC {session.smsc_id or account.config.host}")

    def setup(self, account: Account, base_url: str) -> SetupInfo:
        return SetupInfo(
            steps=(
                SetupStep(
                    ru="Сессию с SMSC держит фоновый процесс: включите sms.run_pollers в "
                    "настройках или запустите «unionline sms run» рядом с сервером — иначе "
                    "входящие SMS и отчёты о доставке приходят только пока идут отправки.",
                    en="Keep the session bound: enable sms.run_pollers or run 'unionline sms "
                    "run'; otherwise incoming SMS and receipts arrive only while sending.",
                ),
                SetupStep(
                    ru="Попросите оператора включить отчёты о доставке (registered_delivery) "
                    "для этого system_id.",
                    en="Ask the operator to enable delivery receipts for this system_id.",
                ),
            )
        )


def _result(first_id: str, found: receipts.Outcome, note: str) -> SendResult:
    if found.state == "failed":
        raise PermanentFailure(found.error)
    if found.state == "delivered":  # its receipts came before its submit_sm_resp
        return SendResult(external_id=first_id, status="delivered", note=note)
    return SendResult(external_id=first_id, note=note)


async def _submit(session: links.Session, short: pdu.ShortMessage, sent: list[str]) -> str:
    """One part; earlier parts (``sent``) make every failure after them ambiguous."""
    try:
        return await session.submit(short)
    except NotSubmitted as exc:
        if sent:
            raise DeliveryUnknown(f"ушли не все части SMS ({len(sent)}): {exc}") from exc
        raise NotReady(f"SMPP-сессия закрыта, SMS не отправлено: {exc}", retry_after=1) from exc
    except NoAnswer as exc:
        raise DeliveryUnknown(
            f"SMSC не ответил на submit_sm: SMS могло уйти, повторно не отправляется ({exc})"
        ) from exc
    except Refused as exc:
        if sent:
            raise DeliveryUnknown(f"SMSC отказал в части {len(sent) + 1}: {exc}") from exc
        if exc.temporary:
            raise NotReady(f"SMSC просит подождать: {exc}", retry_after=session.pause or 1) from exc
        raise PermanentFailure(f"SMSC отказал: {pdu.status_name(exc.status)}") from exc
