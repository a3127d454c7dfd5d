"""Robot calls through a cloud PBX: on a UIS line the robot action «Позвонить члену профсоюза и
сказать…» has UIS call and speak (``start.informer_call``), waits for the call's notifications
(a retried step places no second call) and records the outcome as the SIP agent's robot calls
do — heard to the end with a digit, or no answer."""

from __future__ import annotations

import uuid

import pytest
from phone_support import Phone

from unionline import NotReady
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
