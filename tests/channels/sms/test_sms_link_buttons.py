"""Link buttons on SMS: they become «label: url» lines of the text, and the parts are those of
the whole text as sent. An SMS channel's ``message_refusal`` (asked through ``send_refusal``,
before anything is queued, and by ``send_message`` before the channel's ``send()``) refuses
exactly what ``send()`` would refuse for its length: nothing is accepted for delivery that the
channel then refuses, and what is accepted reaches the member whole, every link line in it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sms_support import SmscAdapters
from standins.sms_http import SmscStandin

from unionline import PermanentFailure, Settings
from unionline.channel import (
    Button,
    ChannelAccount,
    OutboundMessage,
    buttons_text,
    fit_buttons,
    load_account,
    send_message,
    send_refusal,
)
from unionline.channels.sms import common, segments
from unionline.channels.sms.channel import SmsChannel
from unionline.channels.sms.smpp.channel import SmppChannel
from unionline.channels.sms.smsc import SmscConfig, SmscSecrets
from unionline.testing import AppHarness, ContractEnv

SMSC = SmscAdapters()
SITE = Button(label="Сайт профсоюза", url="https://union.example/")
FORM = Button(label="Анкета", url="https://union.example/form?id=1")


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return SMSC.configure(unionline_settings, tmp_path)


@pytest.fixture
async def smsc_env(smsc: SmscStandin, unionline_app: AppHarness) -> ContractEnv:
    SMSC.gateway = smsc
    return await SMSC.create_env(unionline_app)


def sms(text: str, *buttons: Button, broadcast: bool = True) -> OutboundMessage:
    return OutboundMessage(
        id=uuid.uuid4(), entry_id=0, appeal_id=uuid.uuid4(), organization_id=uuid.uuid4(),
        member_id=None, recipient="+79990000101", text=text, buttons=buttons,
        broadcast=broadcast,
    )  # fmt: skip


async def test_lines_that_push_an_sms_over_the_limit_are_refused_before_sending(
    smsc_env: ContractEnv, smsc: SmscStandin
) -> None:
    account = await load_account(smsc_env.account.id)
    text = "Ж" * (5 * 67)  # 5 UCS-2 parts of the 6 the account allows; the lines make it 7
    message = sms(text, SITE, FORM)
    refusal = send_refusal(account, message)
    assert refusal.startswith("Текст занимает 7 SMS (кириллица)")
    assert (
        "не больше 6 — это 402 симв. кириллицей или 918 латиницей: сократите сообщение" in refusal
    )
    assert "кнопками-ссылками" in refusal  # the operator sees where the parts came from
    with pytest.raises(PermanentFailure, match="кнопками-ссылками"):
        await send_message(account, message)
    assert smsc.sent == []
    assert send_refusal(account, sms(text)) == ""
    await send_message(account, sms(text))
    assert [t.parts for t in smsc.sent] == [5]


async def test_send_message_counts_the_parts_once(
    smsc_env: ContractEnv, smsc: SmscStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refusal is ``send()``'s own (before the gateway is asked): not asked of
    ``message_refusal`` first as well, which counted the parts a second time."""
    account = await load_account(smsc_env.account.id)
    counted: list[str] = []
    plain = segments.count

    def counting(text: str) -> Any:
        counted.append(text)
        return plain(text)

    monkeypatch.setattr(segments, "count", counting)
    await send_message(account, sms("Собрание в пятницу", SITE))
    assert len(counted) == 1 and [t.parts for t in smsc.sent] == [1]


async def test_what_is_accepted_goes_whole_with_every_link_line(
    smsc_env: ContractEnv, smsc: SmscStandin
) -> None:
    """A Latin text of one GSM-7 part: a Cyrillic label makes all of it UCS-2 (3 parts)."""
    account = await load_account(smsc_env.account.id)
    message = sms("Meeting on Friday at 18:00, hall 2. " * 4, SITE)
    assert send_refusal(account, message) == ""
    await send_message(account, message)
    [sent] = smsc.sent
    whole = fit_buttons(SmsChannel(), message).text
    assert sent.parts == segments.count(whole).count == 3
    assert whole.endswith(buttons_text((SITE,)))


def account(max_segments: int) -> ChannelAccount[Any, Any]:
    return ChannelAccount(
        id=uuid.uuid4(), organization_id=uuid.uuid4(), channel="smsc", name="SMS",
        public_key="", status="active",
        config=SmscConfig(login="union", max_segments=max_segments),
        secrets=SmscSecrets(password="secret"),
    )  # fmt: skip


@given(
    st.text(alphabet="Aa Жж.,\n€😀", max_size=800),
    st.lists(st.sampled_from([SITE, FORM, Button(label="Form", url="https://a.ru/f")]), max_size=3),
    st.integers(1, 10),
    st.sampled_from([SmsChannel(), SmppChannel()]),
)
@example("Ж" * 335, [SITE, FORM], 6, SmsChannel())
def test_the_refusal_before_queueing_is_the_refusal_of_the_send(
    text: str, buttons: list[Button], limit: int, channel: Any
) -> None:
    """``message_refusal`` of the fitted message says "" exactly when ``send()``'s checks take
    it; then the whole text with every link line is within the account's part limit."""
    fitted = fit_buttons(channel, sms(text, *buttons))
    refusal = channel.message_refusal(account(limit), fitted)
    try:
        common.refuse_content(account(limit), fitted)
    except PermanentFailure as exc:
        assert refusal == str(exc)
    else:
        assert refusal == ""
        assert 1 <= segments.count(fitted.text).count <= limit
        assert all(f"{b.label}: {b.url}" in fitted.text for b in buttons)
