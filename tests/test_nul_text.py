"""NUL characters, which PostgreSQL text cannot hold: the shared ``Text`` type refuses them, the
channel SDK drops them from members' messages, console commands refuse them naming the field,
and a value the database still refuses never has the database's words sent to the client.

The API's request bodies and query parameters are covered field by field in
tests/test_api_schema.py; the channels by the channel contract."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from asyncpg.exceptions import CharacterNotInRepertoireError
from hypothesis import given
from hypothesis import strategies as st
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from unionline import inputs
from unionline.access import Grant
from unionline.app import create_app
from unionline.appeals.services import create_appeal
from unionline.channel.types import Attachment, InboundMessage, Sender
from unionline.members.services import create_member
from unionline.operators.services import create_operator, create_token
from unionline.testing.console import console_client
from unionline.testing.server import serve
from unionline.testing.support import make_settings
from unionline.text import Text, storable, storable_text, without_nul

Short = Annotated[Text, msgspec.Meta(max_length=5)]
nested = st.recursive(
    st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(st.text())
def test_text_refuses_exactly_the_strings_with_nul(value: str) -> None:
    try:
        assert msgspec.convert(value, Text) == value
    except msgspec.ValidationError as exc:
        assert "\x00" in value and "regex" in str(exc)
    else:
        assert "\x00" not in value


def test_lengths_layer_onto_text() -> None:
    assert msgspec.convert("abc", Short) == "abc"
    for bad in ("abcdef", "a\x00"):
        try:
            msgspec.convert(bad, Short)
        except msgspec.ValidationError:
            continue
        raise AssertionError(bad)
    assert msgspec.json.schema(Short) == {
        "type": "string",
        "maxLength": 5,
        "pattern": "^[^\\x00]*$",
    }


@given(nested)
def test_without_nul_removes_nul_and_only_nul(value: Any) -> None:
    cleaned = without_nul(value)
    assert "\x00" not in msgspec.json.encode(cleaned).decode().replace("\\u0000", "\x00")
    assert cleaned == _strip(value)


def _strip(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_strip(v) for v in value]
    if isinstance(value, dict):
        return {_strip(k): _strip(v) for k, v in value.items()}
    return value


def test_without_nul_cleans_a_members_message_but_not_its_bytes() -> None:
    message = InboundMessage(
        external_id="1\x00",
        sender=Sender(kind="web", address="a\x00b", display_name="Анна\x00", profile={"x\x00": 1}),
        text="Вопрос\x00",
        attachments=(Attachment(filename="f\x00.png", data=b"\x00\x01"),),
        subject="Тема\x00",
    )
    cleaned = without_nul(message)
    assert (cleaned.external_id, cleaned.text, cleaned.subject) == ("1", "Вопрос", "Тема")
    assert cleaned.sender == Sender(kind="web", address="ab", display_name="Анна", profile={"x": 1})
    assert cleaned.attachments[0].filename == "f.png"
    assert cleaned.attachments[0].data == b"\x00\x01"


@given(st.text(alphabet=st.characters(exclude_categories=())))  # surrogates included
def test_storable_text_is_encodable_and_changes_only_what_is_not(value: str) -> None:
    cleaned = storable_text(value)
    cleaned.encode("utf-8")  # what both engines do with it: never raises
    assert "\x00" not in cleaned
    if not any("\ud800" <= c <= "\udfff" for c in value):
        assert cleaned == value.replace("\x00", "")


@given(st.binary())
def test_bytes_kept_as_surrogate_escapes_read_as_utf8(data: bytes) -> None:
    escaped = data.decode("utf-8", "surrogateescape")
    assert storable_text(escaped) == data.decode("utf-8", "replace").replace("\x00", "")


def test_storable_repairs_what_a_decoder_or_a_client_left() -> None:
    raw_name = "Иван".encode().decode("ascii", "surrogateescape")  # an unencoded 8-bit header
    assert storable_text(raw_name + " <\udcff>") == "Иван <\ufffd>"
    assert storable_text("\ud83d\udc80 и \ud83d") == "💀 и \ufffd"  # a pair joined, a half replaced
    message = InboundMessage(
        external_id="x", sender=Sender(kind="email", address="a@b", display_name=raw_name)
    )
    assert storable(message).sender.display_name == "Иван"
    assert without_nul(message) == storable(message)


async def test_a_value_the_database_refuses_is_answered_without_its_words() -> None:
    words = 'invalid byte sequence for encoding "UTF8": 0x00'

    @get("/")
    async def refused() -> None:
        raise CharacterNotInRepertoireError(words)

    app = Litestar([refused], exception_handlers=inputs.EXCEPTION_HANDLERS)
    async with AsyncTestClient(app) as client:
        answer = await client.get("/")
    assert answer.status_code == 422
    assert answer.json() == {"error": {"code": "invalid", "message": inputs.REFUSED}}
    assert "0x00" not in answer.text and "UTF8" not in answer.text


async def test_console_commands_refuse_nul_naming_the_field(unionline_database_url: str) -> None:
    app = create_app(make_settings(unionline_database_url), migrate=True)
    async with serve(app) as base:
        from unionline.organizations.tables import Organization

        org = uuid.uuid4()
        await Organization.insert(Organization(id=org, path=f"/{org}/", name="ППО", code="PPO"))
        operator = await create_operator("anna", "password-123", grants=[Grant("admin", org)])
        headers = {"Authorization": f"Bearer {await create_token(operator, 'test')}"}
        member = await create_member(None, org, full_name="Иван Петров")
        appeal = await create_appeal(
            None, organization_id=org, member_id=member, subject="Отпуск", channel="manual"
        )
        aid = str(appeal.id)
        async with console_client(base, headers) as console:
            for name, args, field in (
                ("reply", {"text": "a\x00b"}, "text"),
                ("note", {"text": "\x00"}, "text"),
                ("set_tags", {"tags": ["ok", "a\x00"]}, "tags[1]"),
                ("set_status", {"status": "open\x00"}, "status"),
                ("set_priority", {"priority": "high\x00"}, "priority"),
                ("reply", {"text": "ok", "attachments": ["\x00"]}, "attachments[0]"),
            ):
                result = await console.command(name, appeal_id=aid, **args)
                assert result["ok"] is False, (name, result)
                assert result["error"]["code"] == "validation_error", (name, result)
                assert result["error"]["field"] == field, (name, result)
            done = await console.command("set_tags", appeal_id=aid, tags=["ok"])
            assert done["ok"] is True, done
