"""Inline (``cid:``) images: shown inside the message's HTML and not listed again as
attachments; an inline image the HTML does not show (not referenced, over the embedding limit,
or the HTML itself too big to keep) stays an attachment, so nothing the member sent is hidden
(issue #15, docs/channels/mail.md)."""

from __future__ import annotations

import base64
import json
from email.message import EmailMessage
from pathlib import Path

import pytest
from mail_support import create_mailbox, mailbox_config, timeline

from unionline.channels.mail.htmltext import MAX_EMBEDDED
from unionline.channels.mail.ingest import ingest_raw
from unionline.channels.mail.parse import parse

pytestmark = pytest.mark.unionline_plugins("mail")
FIXTURES = Path(__file__).parent / "fixtures"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def related_mail(*, referenced: bool = True, big: bool = False) -> bytes:
    """An HTML mail with a signature logo (cid:logo) and a scan attached the ordinary way."""
    message = EmailMessage()
    message["From"] = "Анна Петрова <anna@example.test>"
    message["To"] = "profkom@union.example"
    message["Subject"] = "Фото приказа"
    message["Message-ID"] = f"<inline-{referenced}-{big}@example.test>"
    message.set_content("Приказ во вложении.")
    image = '<img src="cid:logo@example.test" alt="logo">' if referenced else ""
    message.add_alternative(f"<p>Приказ во вложении.</p>{image}", subtype="html")
    html = message.get_payload()[1]
    logo = PNG + (b"\0" * (MAX_EMBEDDED + 1) if big else b"")
    html.add_related(logo, "image", "png", cid="<logo@example.test>", filename="logo.png")
    message.add_attachment(b"%PDF-1.4 scan", "application", "pdf", filename="приказ.pdf")
    return message.as_bytes()


async def shown(h, raw: bytes) -> tuple[list[str], str]:
    account_id, _ = await create_mailbox(h, mailbox_config(2525))
    outcome = await ingest_raw(account_id, raw, source="test")
    [entry] = [e for e in await timeline(h, outcome.appeal_id) if e["kind"] == "message_in"]
    data = entry["data"] if isinstance(entry["data"], dict) else json.loads(entry["data"])
    return [a["filename"] for a in data.get("attachments", [])], data.get("html", "")


async def test_an_image_the_html_shows_is_not_listed_again(unionline_app) -> None:
    files, html = await shown(unionline_app, related_mail())
    assert files == ["приказ.pdf"]
    assert '<img src="data:image/png;base64,' in html and "cid:" not in html


@pytest.mark.parametrize(("referenced", "big"), [(False, False), (True, True)])
async def test_an_inline_image_the_html_does_not_show_stays_an_attachment(
    unionline_app, referenced: bool, big: bool
) -> None:
    files, html = await shown(unionline_app, related_mail(referenced=referenced, big=big))
    assert sorted(files) == ["logo.png", "приказ.pdf"]
    assert "data:image/png" not in html


def test_the_apple_mail_photo_is_marked_embedded() -> None:
    parsed = parse((FIXTURES / "apple_mail_related_image.eml").read_bytes())
    assert [(a.filename, a.inline, a.embedded) for a in parsed.attachments] == [
        ("IMG_2041.jpeg", True, True)
    ]
