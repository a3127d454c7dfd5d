"""The channel SDK's link buttons: a Button refuses what no messenger takes, and fit_buttons is
the one place a channel's missing (or too few) buttons become «label: url» lines of the text."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from unionline.channel import (
    Button,
    Capabilities,
    ChannelType,
    OutboundMessage,
    buttons_text,
    fit_buttons,
)

SITE = Button(label="Сайт профсоюза", url="https://union.example/")
FORM = Button(label="Анкета", url="http://union.example/form?id=1")


class Plain(ChannelType[Any, Any]):
    name = "plain"
    contact_kind = "phone"


class Keyboard(ChannelType[Any, Any]):
    name = "keyboard"
    contact_kind = "telegram"
    capabilities = Capabilities(buttons=True, max_buttons=1)


def message(text: str, *buttons: Button) -> OutboundMessage:
    return OutboundMessage(
        id=uuid.uuid4(), entry_id=0, appeal_id=uuid.uuid4(), organization_id=uuid.uuid4(),
        member_id=None, recipient="1", text=text, buttons=buttons,
    )  # fmt: skip


def test_a_channel_without_buttons_gets_them_as_lines_of_the_text() -> None:
    fitted = fit_buttons(Plain(), message("Собрание в пятницу.\n", SITE, FORM))
    assert fitted.buttons == ()
    assert fitted.text == (
        "Собрание в пятницу.\n\nСайт профсоюза: https://union.example/\n"
        "Анкета: http://union.example/form?id=1"
    )
    assert fit_buttons(Plain(), message("", SITE)).text == "Сайт профсоюза: https://union.example/"


def test_a_channel_with_buttons_shows_them_all_or_gets_them_all_as_lines() -> None:
    kept = message("Текст", SITE)
    assert fit_buttons(Keyboard(), kept) is kept
    fitted = fit_buttons(Keyboard(), message("Текст", SITE, FORM))
    assert fitted.buttons == ()
    assert fitted.text == "Текст\n\n" + buttons_text((SITE, FORM))


def read_in_order(fitted: OutboundMessage) -> list[str]:
    """The links as the member reads them: the text's lines, then a keyboard under it — or,
    when the provider refuses the keyboard (Telegram, VK), its buttons as lines after those."""
    keyboard = [b.url for b in fitted.buttons]
    return [line.rsplit(": ", 1)[1] for line in fitted.text.split("\n") if ": http" in line] + (
        keyboard
    )


@given(
    st.lists(
        st.builds(
            Button,
            label=st.sampled_from(["Сайт", "Анкета", "Я" * 64]),
            url=st.integers(0, 999).map(lambda n: f"https://union.example/{n}"),
        ),
        max_size=12,
    ),
    st.booleans(),
    st.integers(0, 8),
)
@example([SITE, FORM, Button(label="Устав", url="https://union.example/charter")], True, 2)
def test_the_member_reads_the_buttons_in_their_order_whatever_the_channel(
    buttons: list[Button], shows: bool, limit: int
) -> None:
    class Some(ChannelType[Any, Any]):
        name = "some"
        contact_kind = "telegram"
        capabilities = Capabilities(buttons=shows, max_buttons=limit)

    fitted = fit_buttons(Some(), message("Собрание в пятницу", *buttons))
    assert read_in_order(fitted) == [b.url for b in buttons]
    assert fitted.buttons in ((), tuple(buttons))
    assert len(fitted.buttons) <= limit and (shows or not fitted.buttons)


def test_buttons_survive_the_delivery_rows_json() -> None:
    sent = message("Текст", SITE, FORM)
    assert msgspec.json.decode(msgspec.json.encode(sent), type=OutboundMessage) == sent


@pytest.mark.parametrize(
    ("label", "url"),
    [
        ("", "https://union.example/"),
        ("   ", "https://union.example/"),
        ("Две\nстроки", "https://union.example/"),
        ("Я" * 65, "https://union.example/"),
        ("Сайт", "javascript:alert(1)"),
        ("Сайт", "ftp://union.example/"),
        ("Сайт", "https://"),
        ("Сайт", "https://union.example/a b"),
        ("Сайт", "https://union.example/" + "a" * 2048),
    ],
)
def test_a_button_refuses_what_messengers_refuse(label: str, url: str) -> None:
    with pytest.raises(ValueError, match="button"):
        Button(label=label, url=url)
    raw = msgspec.json.encode({"label": label, "url": url})
    with pytest.raises(msgspec.ValidationError, match="button"):
        msgspec.json.decode(raw, type=Button)
