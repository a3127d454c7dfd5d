"""A member sends the site form: the appeal, its number, the member, and every refusal."""

from __future__ import annotations

import asyncio

import pytest
from webform_support import ORIGIN, Federation, created

pytestmark = pytest.mark.unionline_plugins("webform")


async def test_the_form_definition_speaks_russian_by_default_and_english_on_request(
    site: Federation,
) -> None:
    ru = await site.client.get(
        f"/channels/webform/{site.public_key}/form", headers={"Origin": ORIGIN}
    )
    assert ru.status_code == 200, ru.text
    assert ru.headers["access-control-allow-origin"] == ORIGIN
    form = ru.json()
    labels = {f["name"]: f["label"] for f in form["fields"]}
    assert labels["phone"] == "Телефон" and labels["text"] == "Текст обращения"
    assert [
        o["label"] for o in next(f for f in form["fields"] if f["name"] == "topic")["options"]
    ] == [
        "Оплата труда",
        "Отпуск",
    ]
    assert form["consent"]["policy_url"] == "https://union.example/privacy"
    assert form["render_token"] and form["honeypot"]
    en = (await site.client.get(f"/channels/webform/{site.public_key}/form?lang=en")).json()
    assert {f["name"]: f["label"] for f in en["fields"]}["phone"] == "Phone"
    topics = next(f for f in en["fields"] if f["name"] == "topic")["options"]
    assert [o["label"] for o in topics] == ["Pay", "Отпуск"]  # no English name: the Russian one
    schema = await site.client.get("/schema/openapi.json")
    assert schema.status_code == 200, schema.text
    paths = schema.json()["paths"]
    assert "post" in paths["/channels/webform/{form_key}/submissions"]
    assert "get" in paths["/channels/webform/{form_key}/form"]


async def test_a_submission_becomes_an_appeal_with_its_number(site: Federation) -> None:
    answer = await created(await site.submit())
    assert answer["appeal_number"].startswith("FED-")
    assert answer["message"] == f"Ваше обращение № {answer['appeal_number']} принято"
    [appeal] = await site.appeals()
    assert appeal["number"] == answer["appeal_number"]
    assert appeal["channel"] == "webform" and appeal["subject"] == "Оплата труда"
    timeline = await site.api(f"/api/appeals/{appeal['id']}/timeline")
    [message] = [e for e in timeline["items"] if e["kind"] == "message_in"]
    assert message["body"] == "Не выплатили премию за квартал."
    assert message["data"]["form"]["phone"] == "+79123456789"
    assert message["data"]["form"]["consent"]["given"] is True
    # Each submission is its own appeal, even from the same member with one still open.
    second = await created(await site.submit(text="И ещё вопрос об отпуске", topic="leave"))
    assert second["appeal_number"] != answer["appeal_number"]
    assert len(await site.appeals()) == 2


async def test_the_same_submission_id_twice_is_one_appeal(site: Federation) -> None:
    values = site.values()
    url = f"/channels/webform/{site.public_key}/submissions"
    first = await created(await site.client.post(url, json=values, headers={"Origin": ORIGIN}))
    again = await created(await site.client.post(url, json=values, headers={"Origin": ORIGIN}))
    assert again["appeal_number"] == first["appeal_number"] and again["duplicate"] is True
    assert len(await site.appeals()) == 1


async def test_a_double_click_sent_at_once_is_one_appeal(site: Federation) -> None:
    values = site.values()
    url = f"/channels/webform/{site.public_key}/submissions"
    answers = await asyncio.gather(
        *(site.client.post(url, json=values, headers={"Origin": ORIGIN}) for _ in range(4))
    )
    numbers = {(await created(a))["appeal_number"] for a in answers}
    assert len(numbers) == 1
    assert len(await site.appeals()) == 1


async def test_english_success_text_and_a_russian_subject_for_operators(site: Federation) -> None:
    answer = await created(await site.submit(lang="en"))
    assert answer["message"] == f"Your appeal No. {answer['appeal_number']} has been received"
    [appeal] = await site.appeals()
    assert appeal["subject"] == "Оплата труда"


BAD_INPUT: list[tuple[dict[str, object], str]] = [
    ({"name": ""}, "name"),
    ({"text": "   "}, "text"),
    ({"phone": "12345"}, "phone"),
    ({"phone": None, "email": "not-an-address"}, "email"),
    ({"phone": None, "email": None}, "phone"),
    ({"topic": "weather"}, "topic"),
    ({"consent": False}, "consent"),
    ({"name": "Иван\x00"}, "name"),
    ({"text": "x" * 5001}, "text"),
    ({"submission_id": "short"}, "submission_id"),
    ({"submission_id": "abcdefgh1\n"}, "submission_id"),  # the whole id: no newline after it
]


async def test_bad_input_names_the_field_and_stores_nothing(site: Federation) -> None:
    for fields, field in BAD_INPUT:
        answer = await site.submit(**fields)
        assert answer.status_code == 422, (fields, answer.text)
        assert answer.json()["error"]["field"] == field, fields
        assert answer.headers["access-control-allow-origin"] == ORIGIN  # the widget can read it
    assert await site.appeals() == []


async def test_every_bad_field_is_named_in_the_members_language(site: Federation) -> None:
    answer = await site.submit(name="", phone="12", consent=False, lang="en")
    error = answer.json()["error"]
    assert error["field"] == "name"
    assert set(error["extra"]["fields"]) == {"name", "phone", "consent"}
    assert error["extra"]["fields"]["name"] == "Please fill in this field"
    russian = (await site.submit(name="")).json()["error"]
    assert russian["message"] == "Заполните это поле"


async def test_consent_is_not_asked_when_the_form_does_not_show_it(site: Federation) -> None:
    await site.configure(
        fields={"name": {}, "phone": {"required": True}, "text": {"required": True}}
    )
    answer = await created(await site.submit(consent=None, topic=None))
    assert answer["appeal_number"]


async def test_unknown_or_disabled_form_is_404(site: Federation) -> None:
    assert (await site.client.get("/channels/webform/no-such-form/form")).status_code == 404
    disabled = await site.client.post(
        f"/api/channel-accounts/{site.account_id}/disable", headers=site.h.admin_headers
    )
    assert disabled.status_code in (200, 201), disabled.text
    assert (await site.submit()).status_code == 404


async def test_no_input_makes_the_server_fail(site: Federation) -> None:
    url = f"/channels/webform/{site.public_key}/submissions"
    for body, kind in NASTY_BODIES:
        answer = await site.client.post(url, content=body, headers={"Content-Type": kind})
        assert 400 <= answer.status_code < 500, (body, answer.status_code, answer.text)
        assert answer.json()["error"]["code"]
    for fields in (
        {"submission_id": "x" * 65},
        {"phone": "+" + "9" * 39, "email": "a@b" * 100},
        {"name": "😀" * 400, "text": "\U0010ffff" * 10},
        {"topic": "pay\x00"},
        {"lang": "de", "name": ""},
    ):
        answer = await site.submit(**fields)
        assert 400 <= answer.status_code < 500, (fields, answer.status_code, answer.text)
    assert await site.appeals() == []
    url = f"/channels/webform/{site.public_key}/submissions"
    for body, kind in (
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"x", "text/plain"),
    ):
        answer = await site.client.post(url, content=body, headers={"Content-Type": kind})
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["field"] == "body"
    assert await site.appeals() == []


NASTY_BODIES: list[tuple[bytes, str]] = [
    (b"", "application/json"),
    (b"null", "application/json"),
    (b'{"name": {"nested": 1}}', "application/json"),
    (b'{"consent": 1}', "application/json"),
    (b'{"text": ["a", "b"]}', "application/json"),
    ('{"\u0000": "x"}'.encode(), "application/json"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (b"--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--x--\r\n", "multipart/form-data"),
    (b"anything", "multipart/form-data; boundary=x"),
    (b"name=%FF%FE&text=%00", "application/x-www-form-urlencoded"),
    (b"submission_id=abcdefgh1&render_token=1.2.3", "application/x-www-form-urlencoded"),
]
