"""What a member's message carries beyond text and files, through the reference channel's real
webhook (SQLite, and PostgreSQL with UNIONLINE_TEST_DATABASE_URL): forwards and their origin
(never a contact point), quotes, a shared location and receive warnings on the entry; an edit as
a revision of its original; an album's parts as one entry, also when they arrive together."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from channel_support import message, reference_fixtures, signed_call

from unionline.appeals.services import set_status
from unionline.channel.inbound import store_inbound
from unionline.channel.types import InboundMessage, Origin, Quoted, Sender
from unionline.testing.channel_contract import ContractEnv

unionline_settings, env = reference_fixtures()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 40


async def post(env: ContractEnv, payload: dict[str, Any]) -> None:
    response = await env.post(signed_call(env.account, payload))
    assert response.status_code == 200, response.text


async def entries(env: ContractEnv) -> list[dict[str, Any]]:
    """The account's ``message_in`` entries, oldest first, with their data decoded."""
    from unionline.appeals.schemas import TimelineEntryView

    rows = await env.db.fetch_as(
        TimelineEntryView,
        "SELECT * FROM appeal_timeline WHERE channel_account_id = {} AND kind = 'message_in'"
        " ORDER BY id",
        env.account.id,
    )
    return [{"id": e.id, "appeal_id": e.appeal_id, "body": e.body, **e.data} for e in rows]


async def events(env: ContractEnv, kind: str) -> list[Any]:
    await env.harness.settle()
    log = env.harness.runtime.events
    found = [log.decode(e) for e in await log.read_after(0, limit=100_000) if e.type == kind]
    return [e for e in found if e is not None]


def photo(name: str) -> dict[str, Any]:
    return {"name": name, "type": "image/png", "data": base64.b64encode(PNG).decode()}


# -- content on the entry -------------------------------------------------------------------


async def test_forward_quotes_location_and_warnings_are_kept_on_the_entry(env: ContractEnv) -> None:
    nested = {"from": {"kind": "user", "name": "Олег"}, "text": "самое первое", "files": ["Фото"]}
    await post(
        env,
        message(
            "c1",
            "501",
            "Посмотрите, что прислали",
            "Анна",
            forward_from={"kind": "channel", "name": "Новости завода", "id": "-100777"},
            forwarded=[
                {
                    "from": {"kind": "user", "name": "Иван Петров", "id": "778"},
                    "message_id": "m9",
                    "text": "Собрание\x00 в пятницу",
                    "date": 1700000000.0,
                    "forwarded": [nested],
                }
            ],
            reply_to={"from": {"kind": "user", "name": "Профком"}, "message_id": "x", "text": "?"},
            location={
                "lat": 55.7558,
                "lon": 37.6173,
                "title": "Профком",
                "address": "ул. Ленина, 1",
            },
        ),
    )
    [entry] = await entries(env)
    assert entry["body"] == "Посмотрите, что прислали"
    assert entry["forward_origin"] == {
        "kind": "channel",
        "name": "Новости завода",
        "address": "-100777",
    }
    [forwarded] = entry["forwarded"]
    assert forwarded["origin"]["name"] == "Иван Петров"
    assert forwarded["text"] == "Собрание в пятницу"  # NUL dropped, as from the member's text
    assert forwarded["sent_at"] == 1700000000.0
    assert forwarded["quoted"][0]["text"] == "самое первое"
    assert forwarded["quoted"][0]["attachments"] == ["Фото"]
    assert entry["reply_to"]["text"] == "?"
    assert entry["location"] == {
        "latitude": 55.7558,
        "longitude": 37.6173,
        "title": "Профком",
        "address": "ул. Ленина, 1",
    }
    assert "warnings" not in entry and "edited" not in entry


async def test_a_forwards_origin_never_becomes_a_contact_point_or_member(env: ContractEnv) -> None:
    origin = {"kind": "user", "name": "Иван Петров", "id": "502"}  # also a reference sender id
    await post(env, message("c2", "501", "Переслано", "Анна", forward_from=origin))
    await post(env, message("c3", "501", "", "Анна", forwarded=[{"from": origin, "text": "т"}]))
    members = await env.db.fetch("SELECT id FROM member_member")
    contacts = await env.db.fetch("SELECT address FROM member_contact_point")
    assert len(members) == 1
    assert [c["address"] for c in contacts] == ["ref-501"]


async def test_undecodable_sender_name_is_stored_with_a_warning(env: ContractEnv) -> None:
    sender = {"id": "503", "name_bytes": base64.b64encode(b"\xd0\x90\xff\xfe").decode()}
    payload = {"update_id": "c4", "type": "message", "from": sender, "text": "Вопрос"}
    await post(env, payload)
    [entry] = await entries(env)
    assert entry["sender_name"] == "А\ufffd\ufffd"
    assert entry["warnings"] == [
        "Имя отправителя не читается в кодировке utf-8: нечитаемые байты заменены"
    ]
    assert entry["appeal_id"] is not None


async def test_quoted_texts_take_the_same_text_path_as_the_message(env: ContractEnv) -> None:
    from unionline.channel.accounts import load_account

    account = await load_account(env.account.id)
    broken = "Собрание\udcd0\udcb2 \ud800конец\x00"  # escaped UTF-8 bytes, a lone surrogate, NUL
    quoted = Quoted(origin=Origin(kind="user", name="Иван\udcff"), text=broken)
    result = await store_inbound(
        account,
        [
            InboundMessage(
                external_id="c5",
                sender=Sender(kind="web", address="ref-504"),
                text=broken,
                forwarded=(quoted,),
                reply_to=quoted,
                forward_origin=quoted.origin,
                warnings=("Заголовок\udcff",),
            )
        ],
    )
    assert result.stored == 1
    [entry] = await entries(env)
    assert entry["body"] == "Собрание\u0432 \ufffdконец"
    assert entry["forwarded"][0]["text"] == entry["reply_to"]["text"] == entry["body"]
    assert entry["forward_origin"]["name"] == "Иван\ufffd"
    assert entry["warnings"] == ["Заголовок\ufffd"]


# -- edits ----------------------------------------------------------------------------------


async def test_an_edit_is_a_revision_of_its_message(env: ContractEnv) -> None:
    await post(env, message("e1", "601", "Сколько дней отпуска?", "Анна", date=1700000000.0))
    [before] = await entries(env)
    await set_status(None, before["appeal_id"], "resolved")
    edit = message(
        "e2", "601", "Сколько дней отпуска в 2026 году?", edit_of="e1", date=1700000060.0
    )
    for _ in range(2):  # a redelivered edit is one revision
        await post(env, edit)
    [entry] = await entries(env)
    assert entry["id"] == before["id"]
    assert entry["body"] == "Сколько дней отпуска в 2026 году?"
    assert entry["edited"] is True and entry["edited_at"] == 1700000060.0
    assert entry["revisions"] == [{"text": "Сколько дней отпуска?", "at": 1700000000.0}]
    await post(env, message("e3", "601", "Третий вариант", edit_of="e1", date=1700000120.0))
    [entry] = await entries(env)
    assert [r["text"] for r in entry["revisions"]] == [
        "Сколько дней отпуска?",
        "Сколько дней отпуска в 2026 году?",
    ]
    appeal = await env.db.fetchone(
        "SELECT status FROM appeal_appeal WHERE id = {}", entry["appeal_id"]
    )
    assert appeal["status"] == "resolved"  # not reopened, and no new appeal
    assert len(await env.db.fetch("SELECT id FROM appeal_appeal")) == 1
    assert len(await env.stored()) == 3
    updated = await events(env, "appeal.message_updated")
    assert [(e.change, e.entry.body) for e in updated] == [
        ("revised", "Сколько дней отпуска в 2026 году?"),
        ("revised", "Третий вариант"),
    ]
    assert len(await events(env, "appeal.message_in")) == 1


async def test_a_late_older_edit_only_joins_the_history(env: ContractEnv) -> None:
    await post(env, message("e11", "602", "v1", date=100.0))
    await post(env, message("e13", "602", "v3", edit_of="e11", date=300.0))
    await post(env, message("e12", "602", "v2", edit_of="e11", date=200.0))
    [entry] = await entries(env)
    assert entry["body"] == "v3"
    assert entry["revisions"] == [{"text": "v1", "at": 100.0}, {"text": "v2", "at": 200.0}]


async def test_an_edit_without_text_keeps_the_text_and_moves_the_location(
    env: ContractEnv,
) -> None:
    here = {"lat": 55.0, "lon": 37.0}
    await post(env, message("e21", "603", "Я здесь", location=here))
    await post(env, message("e22", "603", "", edit_of="e21", location={"lat": 55.1, "lon": 37.2}))
    [entry] = await entries(env)
    assert entry["body"] == "Я здесь" and "revisions" not in entry
    assert (entry["location"]["latitude"], entry["location"]["longitude"]) == (55.1, 37.2)


async def test_an_edit_of_an_unknown_message_is_a_new_message_marked_edited(
    env: ContractEnv,
) -> None:
    await post(env, message("e32", "604", "Исправленный текст", edit_of="e31"))
    [entry] = await entries(env)
    assert entry["body"] == "Исправленный текст" and entry["edited"] is True
    await post(env, message("e31", "604", "Исходный текст"))  # the original, arriving late
    assert [e["body"] for e in await entries(env)] == ["Исправленный текст"]
    original = await env.db.fetchone(
        "SELECT entry_id FROM channel_inbound WHERE external_id = 'e31'"
    )
    assert original["entry_id"] == entry["id"]


async def test_an_edit_naming_another_members_message_does_not_touch_it(
    env: ContractEnv,
) -> None:
    await post(env, message("e41", "605", "Моё сообщение"))
    await post(env, message("e42", "606", "Чужая правка", edit_of="e41"))
    bodies = [e["body"] for e in await entries(env)]
    assert bodies == ["Моё сообщение", "Чужая правка"]


async def test_an_erased_message_takes_no_edit(env: ContractEnv) -> None:
    await post(env, message("e61", "608", "Личные данные"))
    await env.db.execute(
        "UPDATE appeal_timeline SET body = '[удалено]', data = {} WHERE kind = 'message_in'",
        '{"erased": true}',
    )
    await post(env, message("e62", "608", "Снова личные данные", edit_of="e61"))
    [entry] = await entries(env)
    assert entry["body"] == "[удалено]" and "revisions" not in entry


async def test_an_edit_and_its_original_arriving_together_make_one_entry(
    env: ContractEnv,
) -> None:
    await post(env, message("e50", "607", "Здравствуйте"))  # a known member: nothing else waits
    original = message("e51", "607", "Первый текст", date=100.0)
    edit = message("e52", "607", "Второй текст", edit_of="e51", date=200.0)
    await asyncio.gather(post(env, original), post(env, edit))
    [_, entry] = await entries(env)
    assert entry["body"] == "Второй текст"  # whichever came first, the newer text shows


# -- albums ---------------------------------------------------------------------------------


async def test_an_albums_parts_arriving_together_make_one_entry(env: ContractEnv) -> None:
    parts = [
        message(
            f"a{n}",
            "701",
            "Фото с собрания" if n == 2 else "",
            album="g1",
            files=[photo(f"{n}.png")],
        )
        for n in range(1, 6)
    ]
    await post(env, message("a0", "701", "Добрый день"))  # a known member: nothing else waits
    await asyncio.gather(*(post(env, p) for p in parts + parts))  # each also redelivered
    [_, entry] = await entries(env)
    assert entry["body"] == "Фото с собрания"
    assert entry["part_of"] == "g1"
    assert sorted(f["filename"] for f in entry["attachments"]) == [f"{n}.png" for n in range(1, 6)]
    rows = (await env.stored())[1:]
    assert len(rows) == 5 and {r["entry_id"] for r in rows} == {entry["id"]}
    files = await env.db.fetch(
        "SELECT entry_id FROM channel_attachment WHERE direction = 'in' AND sha256 IS NOT NULL"
    )
    assert [f["entry_id"] for f in files] == [entry["id"]] * 5
    assert len(await events(env, "appeal.message_in")) == 2
    assert len(await events(env, "appeal.message_updated")) == 4


async def test_an_albums_caption_is_its_first_non_empty_text(env: ContractEnv) -> None:
    for n, text in enumerate(["", "Подпись", "Другая"]):
        await post(env, message(f"a1{n}", "702", text, album="g2", files=[photo(f"{n}.png")]))
    await post(env, message("a20", "702", "Следующее сообщение"))
    assert [e["body"] for e in await entries(env)] == ["Подпись", "Следующее сообщение"]


async def test_two_albums_are_two_entries(env: ContractEnv) -> None:
    await post(env, message("a31", "703", "первый", album="g3", files=[photo("1.png")]))
    await post(env, message("a32", "703", "второй", album="g4", files=[photo("2.png")]))
    await post(env, message("a33", "703", "", album="g3", files=[photo("3.png")]))
    found = [(e["body"], [f["filename"] for f in e["attachments"]]) for e in await entries(env)]
    assert found == [("первый", ["1.png", "3.png"]), ("второй", ["2.png"])]
