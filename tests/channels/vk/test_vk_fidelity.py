"""Every content class of ``fixtures/`` through the real Callback endpoint, as the operator
sees it on the timeline: names from users.get, forwards with their authors, the message replied
to, the shared point, files fetched (a failed download keeps the message), edits as revisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from standins.vk import VkStandin
from vk_support import SECRET, VkAdapters, callback_call, host_files, timeline_data, vk_fixtures

from unionline.testing.channel_contract import ContractEnv

adapters = VkAdapters()
unionline_settings, env = vk_fixtures(adapters)
Load = Callable[[str], dict]
IN_ORDER = (
    "message_new",
    "message_new_photo",
    "message_new_doc",
    "message_new_voice",
    "message_new_forward",
    "message_new_reply",
    "message_new_geo",
    "message_new_sticker",
    "message_new_voice_transcript",
    "message_new_video",
    "message_new_wall",
    "message_new_link",
    "message_edit",  # revises the first
)


def people(vk: VkStandin) -> None:
    vk.add_person(501234567, "Анна", "Петрова")
    vk.add_person(612345678, "Ольга", "Смирнова")
    vk.add_group(198765432, "Профком завода")


async def deliver(env: ContractEnv, vk: VkStandin, body: dict[str, Any]) -> None:
    body = {**body, "group_id": vk.community.group_id, "secret": SECRET}
    answer = await env.post(callback_call(env.account, body))
    assert (answer.status_code, answer.text) == (200, "ok"), answer.text


async def test_every_content_class_reaches_the_operator(
    env: ContractEnv, vk: VkStandin, payload: Load
) -> None:
    people(vk)
    hosted: dict[str, bytes] = {}
    for name in IN_ORDER:
        await deliver(env, vk, host_files(vk, payload(name), hosted))
    await deliver(env, vk, payload("message_new_photo"))  # a redelivery: stored once
    await env.harness.settle()
    entries = await timeline_data(env)
    assert len(entries) == len(IN_ORDER) - 1
    text, photo, doc, voice, forward, reply, geo, sticker, transcript, video, wall, link = entries

    assert {e["sender_name"] for e in entries} == {"Анна Петрова"}
    assert text["body"] == "Здравствуйте! Когда будет отчётное собрание первичной организации?"
    assert [r["text"] for r in text["revisions"]] == [
        "Здравствуйте! Когда будет собрание первичной организации?"
    ]
    for entry, kind in ((photo, "image/jpeg"), (doc, "application/pdf"), (voice, "audio/ogg")):
        assert [a["content_type"] for a in entry["attachments"]] == [kind]
    colleague, forwarded_photo = forward["forwarded"]
    assert colleague["origin"] == {"kind": "user", "name": "Ольга Смирнова", "address": "612345678"}
    assert colleague["quoted"][0]["origin"]["name"] == "Профком завода"
    assert forwarded_photo["attachments"] == ["Фото"]
    assert [a["filename"] for a in forward["attachments"]] == ["photo612345678_457239777.jpg"]
    assert reply["reply_to"]["origin"]["name"] == "Профсоюз (тест)"
    assert reply["reply_to"]["text"].startswith("Собрание состоится")
    assert geo["location"]["latitude"] == 55.751244 and geo["body"] == "Я здесь, у проходной"
    assert geo["location"]["title"] == "Проходная завода"
    assert (
        sticker["body"] == "[Стикер]" and sticker["attachments"][0]["content_type"] == "image/png"
    )
    assert "Расшифровка ВКонтакте: «Здравствуйте, подскажите" in transcript["body"]
    assert "https://vk.com/video-198765432_456239101" in video["body"] and not video["attachments"]
    assert wall["body"].startswith("[Запись на стене Профком завода: «Объявляем приём заявок")
    assert "https://www.consultant.ru/document/cons_doc_LAW_34683/" in link["body"]

    h = env.harness
    fetched = [a for e in entries for a in e["attachments"]]
    assert len(fetched) == 6  # photo, document, voice, forwarded photo, sticker, voice
    for file in fetched:
        got = await h.client.get(file["url"], headers=h.admin_headers)
        assert got.status_code == 200 and got.content in hosted.values()
    # Names are asked once each, in one call per event, and cached: the member at the first
    # event, the colleague and the community of the forward, the union's own at the reply.
    users = [c.params["user_ids"] for c in vk.community.calls_of("users.get")]
    groups = [c.params.get("group_ids") for c in vk.community.calls_of("groups.getById")]
    assert (users, groups) == (["501234567", "612345678"], ["198765432", "220000001"])


async def test_a_failed_download_never_loses_the_message(
    env: ContractEnv, vk: VkStandin, payload: Load
) -> None:
    body = payload("message_new_photo")
    photo = body["object"]["message"]["attachments"][0]["photo"]
    photo["orig_photo"]["url"] = f"{vk.base_url}/files/gone.jpg"  # VK answers 404
    await deliver(env, vk, body)
    await env.harness.settle()
    [entry] = await timeline_data(env)
    assert entry["body"] == "Вот фото объявления"
    [row] = await env.db.fetch("SELECT status FROM channel_attachment")
    assert row["status"] != "stored"
