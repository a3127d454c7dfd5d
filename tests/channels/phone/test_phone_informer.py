"""Robot calls through a cloud PBX: on a UIS line the robot action «Позвонить члену профсоюза и
сказать…» has UIS call and speak (``start.informer_call``), waits for the call's notifications
(a retried step places no second call) and records the outcome as the SIP agent's robot calls
do — heard to the end with a digit, or no answer."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
import pytest
from phone_support import Phone

from unionline import NotReady, PermanentFailure
from unionline.channel import (
    OutboundMessage,
    SentUnreadable,
    add_receipt_listener,
    channel_type,
    load_account,
)
from unionline.channels.phone.broadcast import RECEIPT_JOB, ReceiptAgain, report_again
from unionline.channels.phone.sip.robot import RobotCall, RobotCallParams
from unionline.robots.sdk import LocalizedText, RobotContext


@pytest.fixture
def provider() -> str:
    return "uis"


async def test_informer_call_heard_with_a_digit_then_no_answer(phone: Phone) -> None:
    await phone.post(*phone.calls("missed_ivr"))  # the member (+79161234567) and their appeal
    [missed] = await phone.entries()
    action, text = RobotCall(), "Ваше обращение {appeal.number} рассмотрено. Нажмите 1."
    params = RobotCallParams(text=LocalizedText(ru=text), ask_digit=True)

    def context() -> RobotContext:
        return RobotContext(
            rule_id=uuid.uuid4(),
            organization_id=phone.env.account.organization_id,
            execution_id=uuid.uuid4(),
            step=0,
            appeal_id=missed["appeal_id"],
        )

    heard_ctx = context()
    with pytest.raises(NotReady):  # placed: the outcome comes with the notifications
        await action.run(heard_ctx, params)
    [command] = phone.pbx.commands
    assert command.name == "informer" and command.params["contact"] == "79161234567"
    assert command.params["contact_message"]["type"] == "tts"
    assert "рассмотрено. Нажмите 1." in command.params["contact_message"]["value"]
    with pytest.raises(NotReady):  # asked again while the call goes on: no second call
        await action.run(heard_ctx, params)
    assert len(phone.pbx.commands) == 1
    await phone.deliver_outbox()
    heard = await action.run(heard_ctx, params)
    assert heard.data == {"disposition": "answered", "heard": True, "digit": "1"}
    assert heard.summary == "робот-звонок на +79161234567: ответил, прослушал до конца, нажал 1"
    phone.pbx.informer_outcome = "informer_no_answer"
    silent_ctx = context()
    with pytest.raises(NotReady):
        await action.run(silent_ctx, params)
    await phone.deliver_outbox()
    silent = await action.run(silent_ctx, params)
    assert silent.data["disposition"] == "no_answer"
    assert silent.summary == "робот-звонок на +79161234567: не ответил"
    outbound = [e["data"]["call"] for e in await phone.entries()][1:]
    assert [(c["direction"], c["disposition"], c.get("digits")) for c in outbound] == [
        ("out", "answered", "1"),
        ("out", "no_answer", None),
    ]


async def test_a_broadcast_is_an_informer_call_whose_outcome_is_a_receipt(phone: Phone) -> None:
    """A campaign's robot call on a UIS line (the phone channel's send() of a broadcast): UIS
    calls once per message id, its notifications report the outcome as the message's receipt."""
    got: list[tuple[uuid.UUID, str, str, str]] = []
    taking = [True]

    async def listener(account_id: uuid.UUID, external_id: str, status: str, error: str) -> bool:
        got.append((account_id, external_id, status, error))
        return taking[0]

    answers: list[tuple[str, str]] = []

    async def answering(
        account_id: uuid.UUID, external_id: str, status: str, error: str, answer: str = ""
    ) -> bool:
        answers.append((external_id, answer))  # the digit pressed, for a listener that asks
        return False

    add_receipt_listener("test.answers", answering)
    add_receipt_listener("test.broadcast", listener)  # one without ``answer``: called as before
    line, channel = await load_account(phone.env.account.id), channel_type("phone")

    def broadcast(**more: Any) -> OutboundMessage:
        return OutboundMessage(
            id=uuid.uuid4(), entry_id=0, appeal_id=uuid.uuid4(), member_id=None,
            organization_id=line.organization_id, recipient="+79161234567",
            text="Собрание в пятницу. Нажмите 1, если придёте.", broadcast=True, **more,
        )  # fmt: skip

    heard = broadcast(headers=(("Ask-Digit", "1"),))
    sent = await channel.send(line, heard)
    assert (sent.status, sent.external_id) == ("sent", f"bc-{heard.id}")
    [command] = phone.pbx.commands
    assert command.name == "informer" and command.params["external_id"] == f"robot:bc-{heard.id}"
    assert command.params["contact_message"]["value"] == heard.text
    with pytest.raises(SentUnreadable, match="неизвестен"):  # sent again before the PBX told
        await channel.send(line, heard)
    assert len(phone.pbx.commands) == 1  # no second call
    await phone.deliver_outbox()
    assert got == [(line.id, f"bc-{heard.id}", "read", "")]
    assert answers == [(f"bc-{heard.id}", "1")]
    again = await channel.send(line, heard)  # after the end: the outcome, still one call
    assert (again.status, again.note) == ("read", "ответил, прослушал до конца, нажал 1")
    assert len(phone.pbx.commands) == 1

    # The call ends before the sender recorded the send (nobody takes the receipt yet): a job
    # offers it again later.
    phone.pbx.informer_outcome = "informer_no_answer"
    await channel.send(line, silent := broadcast())
    taking[0] = False
    await phone.deliver_outbox()
    assert got[-1] == (line.id, f"bc-{silent.id}", "failed", "не ответил")
    assert answers[-1] == (f"bc-{silent.id}", "")
    key = f"{RECEIPT_JOB}:{line.id}:bc-{silent.id}"
    job = await phone.env.db.fetchone(
        "SELECT payload FROM system_job WHERE idempotency_key = {}", key
    )
    assert job is not None, "the receipt is offered again"
    taking[0] = True
    await report_again(None, msgspec.json.decode(job["payload"], type=ReceiptAgain))
    assert got[-1] == got[-2]  # offered again, taken
    with pytest.raises(PermanentFailure, match="не ответил"):
        await channel.send(line, silent)

    mango = msgspec.structs.replace(
        line, config=msgspec.structs.replace(line.config, provider="mango")
    )
    assert channel.broadcast_refusal(line) == ""
    refusal = channel.broadcast_refusal(mango)
    assert refusal.startswith("Mango Office: ") and "не произносит текст" in refusal
    with pytest.raises(PermanentFailure, match="не произносит текст"):  # were it sent anyway
        await channel.send(mango, broadcast())
    assert len(phone.pbx.commands) == 2
