"""Issue #12 item 16: a provider answer that confirms a send but does not decode (its shape
changed) marks the message sent — or unknown — and never sends it again (members got four
copies when every such answer was retried)."""

from __future__ import annotations

from typing import Any

import httpx
import msgspec
import pytest
from channel_support import REF, reference_fixtures

from unionline.channel import SentUnreadable
from unionline.channels.telegram.client import TelegramClient
from unionline.channels.vk.client import VkClient
from unionline.errors import NotReady
from unionline.testing.channel_contract import ContractEnv

unionline_settings, env = reference_fixtures(max_send_attempts=5)


def _answering(body: Any, calls: list[str]) -> httpx.AsyncClient:
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path.rsplit("/", 1)[-1])
        return httpx.Response(200, json=body)

    return httpx.AsyncClient(transport=httpx.MockTransport(handle))


async def test_telegram_ok_with_a_reshaped_message_is_sent_with_its_id() -> None:
    calls: list[str] = []
    reshaped = {"ok": True, "result": {"message_id": 42, "chat": "no longer an object"}}
    async with TelegramClient("1:x", http=_answering(reshaped, calls)) as client:
        with pytest.raises(SentUnreadable) as raised:
            await client.send_message(777, "дошло")
        assert raised.value.external_id == "42"
        without_id = {"ok": True, "result": {"id": "42"}}
        client._http = _answering(without_id, calls)
        with pytest.raises(SentUnreadable) as raised:
            await client.send_message(777, "дошло")
        assert raised.value.external_id is None
        client._http = _answering({"ok": True, "result": {"url": 5}}, calls)
        with pytest.raises(NotReady):  # reading: safe to repeat
            await client.get_webhook_info()
    assert calls == ["sendMessage", "sendMessage", "getWebhookInfo"]


async def test_vk_a_reshaped_send_answer_is_sent() -> None:
    calls: list[str] = []
    reshaped = {"response": [{"peer_id": 5, "message_id": 77}]}
    async with VkClient("t", group_id=1, http=_answering(reshaped, calls)) as client:
        with pytest.raises(SentUnreadable) as raised:
            await client.send_message(5, "дошло", random_id=1)
        assert raised.value.external_id == "77"
        client._http = _answering({"response": None}, calls)
        with pytest.raises(NotReady):  # nothing confirmed; random_id makes a resend harmless
            await client.send_message(5, "дошло", random_id=1)


async def test_a_confirmed_but_unreadable_send_is_sent_and_never_resent(
    env: ContractEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    sends = _count_sends(monkeypatch, SentUnreadable("sent, answer reshaped", external_id="ext-9"))
    inbound = await REF.inbound(env, 1, sender="41")
    entry_id = await env.reply(inbound["appeal_id"], "Один раз")
    assert await env.wait_for_delivery(entry_id) == "sent"
    for _ in range(3):
        await env.harness.settle()
    assert sends == [1]
    [event] = await env.delivery_events(entry_id)
    assert "reshaped" in event.error


async def test_an_answer_that_does_not_decode_is_unknown_and_never_resent(
    env: ContractEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A channel that lets msgspec's error escape: an answer came back, so the message may be
    out — ``unknown``, not a retry (it was retried up to ``max_send_attempts`` before)."""
    try:
        msgspec.json.decode(b'{"message_id": "x"}', type=dict[str, int])
    except msgspec.ValidationError as exc:
        reshaped = exc
    sends = _count_sends(monkeypatch, reshaped)
    inbound = await REF.inbound(env, 1, sender="42")
    entry_id = await env.reply(inbound["appeal_id"], "Один раз")
    assert await env.wait_for_delivery(entry_id) == "unknown"
    for _ in range(3):
        await env.harness.settle()
    assert sends == [1]
    [event] = await env.delivery_events(entry_id)
    assert "could not be read" in event.error


def _count_sends(monkeypatch: pytest.MonkeyPatch, error: Exception) -> list[int]:
    """The reference channel sends for real, then raises ``error`` as its answer."""
    from unionline.runtime import current

    channel = current().registry.channels["reference"]
    real_send = channel.send
    sends = [0]

    async def send(account: Any, message: Any) -> Any:
        await real_send(account, message)
        sends[0] += 1
        raise error

    monkeypatch.setattr(channel, "send", send)
    return sends
