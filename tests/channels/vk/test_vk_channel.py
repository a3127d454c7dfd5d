"""The VK channel end to end: the Callback API as VK's pusher drives it, what members send, and
what happens to replies (retries that cannot double-send, members who forbid messages, files)."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from standins.vk import HANG_AFTER_SEND, VkStandin
from vk_support import CODE, SECRET, VkAdapters, callback_call, event, timeline_data, vk_fixtures

from unionline.channel import InboundRequest
from unionline.channels.vk import eager
from unionline.channels.vk.types import Event
from unionline.testing.channel_contract import ContractEnv


class Adapters(VkAdapters):
    vk_settings: ClassVar[dict[str, Any]] = {"request_timeout": 1.0}


adapters = Adapters()
unionline_settings, env = vk_fixtures(adapters)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def connect(env: ContractEnv, vk: VkStandin) -> None:
    url = f"https://union.example/channels/vk/{env.account.id}/callback"
    vk.community.set_callback_server(url, secret=SECRET, code=CODE)


# -- the Callback API ------------------------------------------------------------------------


async def test_confirmation_is_answered_with_the_code(env: ContractEnv, vk: VkStandin) -> None:
    connect(env, vk)
    report = await vk.community.deliver_callback(env.harness.client)
    assert report.confirmed
    other = {"type": "confirmation", "group_id": vk.community.group_id + 1}
    refused = await env.post(callback_call(env.account, other))
    assert refused.status_code == 403 and refused.text != CODE


async def test_a_wrong_secret_stores_nothing_and_is_not_answered_ok(
    env: ContractEnv, vk: VkStandin
) -> None:
    connect(env, vk)
    vk.community.message_new("подделка?", from_id=501)
    wrong = await vk.community.deliver_callback(env.harness.client, secret="guess", max_attempts=3)
    assert [a.status for a in wrong.attempts] == [403, 403, 403]
    assert all(a.body != "ok" for a in wrong.attempts)
    assert [a.retry_counter for a in wrong.attempts] == [None, 1, 2]
    assert wrong.failed and await env.stored() == []
    missing = await env.post(
        callback_call(
            env.account,
            event(
                vk, "message_new", {"message": vk.community.message("x", from_id=501)}, secret=None
            ),
        )
    )
    assert missing.status_code == 401 and await env.messages_in() == []
    right = await vk.community.deliver_callback(env.harness.client)
    assert right.delivered and [m["body"] for m in await env.messages_in()] == ["подделка?"]


async def test_retries_and_concurrent_redeliveries_are_stored_once(
    env: ContractEnv, vk: VkStandin
) -> None:
    connect(env, vk)
    events = [vk.community.message_new(f"№{n}", from_id=600 + n % 20) for n in range(200)]
    report = await vk.community.deliver_callback(
        env.harness.client, concurrency=6, duplicates=0.1, concurrent_duplicates=0.05, seed=11
    )
    assert {a.body for a in report.attempts} == {"ok"}
    assert len(report.attempts) > 210
    stored = sorted(r["external_id"] for r in await env.stored())
    keys = (e["object"]["message"] for e in events)
    assert stored == sorted(f"{m['peer_id']}:{m['conversation_message_id']}" for m in keys)
    retried = callback_call(
        env.account, {**events[0], "secret": SECRET}, headers={"X-Retry-Counter": "3"}
    )
    again = await env.post(retried)
    assert (again.status_code, again.text) == (200, "ok")
    assert len(await env.stored()) == 200


async def test_each_webhook_decodes_its_event_once(
    env: ContractEnv, vk: VkStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """verify, decode and acknowledge share one decode of the body, and the names asked for
    and the message stored one read of its object (it was three and two)."""
    decoded: list[bytes] = []
    read: list[str] = []
    body_of, message_of = InboundRequest.json, eager.read

    def json(request: InboundRequest, kind: Any = Any) -> Any:
        decoded.append(request.body)
        return body_of(request, kind)

    def reading(event: Event) -> eager.Read:
        read.append(event.event_id)
        return message_of(event)

    monkeypatch.setattr(InboundRequest, "json", json)
    monkeypatch.setattr(eager, "read", reading)
    connect(env, vk)
    quoted = [{"date": 1, "from_id": 702, "text": "пересланное"}]
    vk.community.message_new("Смотрите", from_id=701, fwd_messages=quoted)
    report = await vk.community.deliver_callback(env.harness.client)  # confirmation, message
    assert report.confirmed and len(report.attempts) == 1 and report.delivered
    assert len(decoded) == 2 and len(set(decoded)) == 2 and len(read) == 1
    [stored] = await timeline_data(env)
    assert stored["body"] == "Смотрите"
    assert await env.post(callback_call(env.account, {"type": "confirmation"})) is not None
    assert len(decoded) == 3  # a new request: its own decode, not the last one's event


async def test_what_members_send_reaches_the_timeline(env: ContractEnv, vk: VkStandin) -> None:
    connect(env, vk)
    community = vk.community
    first = community.message_new("Когда собрание?", from_id=701)
    community.message_new(
        "Фото объявления", from_id=701, attachments=[community.photo(PNG, owner_id=701)]
    )
    community.message_new("", from_id=701, attachments=[community.doc(b"%PDF-1.4", "устав.pdf")])
    community.message_new("", from_id=701, attachments=[{"type": "sticker", "sticker": {}}])
    community.message_edit(first, "Когда отчётное собрание?")
    community.add_event("group_join", {"user_id": 701, "join_type": "join"})
    report = await community.deliver_callback(env.harness.client)
    assert {a.body for a in report.attempts} == {"ok"}  # group_join too: answered, not stored
    await env.harness.settle()

    text, photo, doc, sticker = await timeline_data(env)  # the edit revised the first
    assert text["body"] == "Когда отчётное собрание?" and text["edited"] is True
    assert [r["text"] for r in text["revisions"]] == ["Когда собрание?"]
    assert photo["attachments"][0]["content_type"] == "image/jpeg"
    assert doc["attachments"][0]["filename"] == "устав.pdf"
    assert sticker["body"] == "[Стикер]"  # VK gave no image: the placeholder alone
    h = env.harness
    for entry, content in ((photo, PNG), (doc, b"%PDF-1.4")):
        url = entry["attachments"][0]["url"]
        assert (await h.client.get(url, headers=h.admin_headers)).content == content


async def test_files_outside_vk_hosts_are_not_fetched(env: ContractEnv, vk: VkStandin) -> None:
    connect(env, vk)
    doc = vk.community.doc(b"x", "a.pdf")
    doc["doc"]["url"] = "http://169.254.169.254/latest/meta-data"
    vk.community.message_new("файл", from_id=702, attachments=[doc])
    await vk.community.deliver_callback(env.harness.client)
    await env.harness.settle()
    [row] = await env.db.fetch("SELECT status, error FROM channel_attachment")
    assert row["status"] == "rejected" and "not one of VK's file hosts" in row["error"]


# -- replies ---------------------------------------------------------------------------------


async def test_a_retried_send_yields_one_message(env: ContractEnv, vk: VkStandin) -> None:
    inbound = await adapters.inbound(env, 21, sender="2100")
    vk.community.inject("messages.send", HANG_AFTER_SEND)
    entry_id = await env.reply(inbound["appeal_id"], "Ответ, который VK получил дважды")
    assert await env.wait_for_delivery(entry_id) == "sent"
    calls = vk.community.calls_of("messages.send")
    assert len(calls) == 2 and calls[0].params["random_id"] == calls[1].params["random_id"]
    assert vk.community.sent_texts() == ["Ответ, который VK получил дважды"]


async def test_replies_sent_in_vk_show_as_outgoing_and_our_own_echoes_do_not(
    env: ContractEnv, vk: VkStandin
) -> None:
    from unionline.appeals.services import timeline

    connect(env, vk)
    inbound = await adapters.inbound(env, 22, sender="2200")
    entry_id = await env.reply(inbound["appeal_id"], "Ответ оператора")
    assert await env.wait_for_delivery(entry_id) == "sent"  # VK echoes it as message_reply
    vk.community.message_reply("Ответ из интерфейса ВКонтакте", peer_id=2200)
    vk.community.message_reply("Сообщение в беседу", peer_id=2_000_000_001)
    # every event twice: VK redelivers when an answer is late
    report = await vk.community.deliver_callback(env.harness.client, duplicates=1.0)
    assert {a.body for a in report.attempts} == {"ok"} and len(report.attempts) > 3
    outgoing = [
        (e.body, e.delivery_status, e.author_id, bool(e.data.get("sent_elsewhere")))
        for e in (await timeline(None, inbound["appeal_id"])).items
        if e.kind == "message_out"
    ]
    assert outgoing == [
        ("Ответ оператора", "sent", None, False),
        ("Ответ из интерфейса ВКонтакте", "sent", None, True),
    ]
    assert [m["body"] for m in await env.messages_in()] == ["Здравствуйте! Вопрос об отпуске."]


async def test_a_reply_sent_in_vk_to_someone_without_an_appeal_is_not_stored(
    env: ContractEnv, vk: VkStandin
) -> None:
    connect(env, vk)
    vk.community.message_reply("Приглашение на собрание", peer_id=9900)
    report = await vk.community.deliver_callback(env.harness.client)
    assert [a.body for a in report.attempts] == ["ok"]
    assert await env.messages_in() == []


async def test_a_member_who_forbids_messages_fails_visibly(env: ContractEnv, vk: VkStandin) -> None:
    inbound = await adapters.inbound(env, 23, sender="2300")
    vk.community.deny_messages(2300, 901)
    entry_id = await env.reply(inbound["appeal_id"], "Не дойдёт")
    assert await env.wait_for_delivery(entry_id) == "failed"
    [failed] = await env.delivery_events(entry_id)
    assert "901" in failed.error
    row = await env.db.fetchone(
        "SELECT blocked, blocked_reason FROM member_contact_point"
        " WHERE kind = 'vk' AND address = '2300'"
    )
    assert row is not None and row["blocked"] and "901" in row["blocked_reason"]


async def test_too_many_requests_backs_off(env: ContractEnv, vk: VkStandin) -> None:
    inbound = await adapters.inbound(env, 24, sender="2400")
    vk.community.inject("messages.send", 6)
    entry_id = await env.reply(inbound["appeal_id"], "После паузы")
    assert await env.wait_for_delivery(entry_id) == "sent"
    first, second = vk.community.calls_of("messages.send")
    assert second.at - first.at >= 1.0


async def test_a_revoked_token_flags_the_account(env: ContractEnv, vk: VkStandin) -> None:
    from unionline.channel.accounts import load_account

    inbound = await adapters.inbound(env, 25, sender="2500")
    vk.communities.pop(vk.community.token)  # the token was revoked in the community settings
    await env.reply(inbound["appeal_id"], "Токен отозван")
    for _ in range(100):
        await env.harness.settle()
        if (await load_account(env.account.id)).status == "needs_reauth":
            break
    assert (await load_account(env.account.id)).status == "needs_reauth"


async def test_long_replies_and_files(env: ContractEnv, vk: VkStandin) -> None:
    from unionline.appeals.services import add_reply

    h = env.harness
    inbound = await adapters.inbound(env, 26, sender="2600")
    ids = []
    for name, content, kind in (
        ("фото.png", PNG, "image/png"),
        ("устав.pdf", b"%PDF-1.4 x", "application/pdf"),
    ):
        upload = await h.client.post(
            "/api/attachments/", headers=h.admin_headers, files={"file": (name, content, kind)}
        )
        ids.append({"id": upload.json()["id"]})
    text = "\n".join(f"Строка {n}: положение о премировании работников" for n in range(200))
    entry = await add_reply(None, inbound["appeal_id"], text, attachments=ids)
    assert await env.wait_for_delivery(entry.id) == "sent"
    sent = vk.community.sent
    assert len(sent) == 3 and "\n".join(m.text for m in sent) == text
    assert len({m.random_id for m in sent}) == 3
    attached = sent[-1].attachment.split(",")
    assert [a[:5] for a in attached] == ["photo", "doc-2"]
    saved = vk.community.saved
    assert saved[attached[1]].content == b"%PDF-1.4 x"
