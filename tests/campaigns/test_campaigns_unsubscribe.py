"""Unsubscribing: the e-mail carries List-Unsubscribe (https + mailto) and
List-Unsubscribe-Post, both under the DKIM signature (verified with dkimpy); a one-click POST
with no cookie withdraws the consent at once, a GET only shows a page; a forged token is
refused; a tracked link counts a click and redirects; СТОП / STOP in Telegram, VK and SMS
withdraws that channel's consent."""

from __future__ import annotations

import base64
import email
import email.policy
import socket
import urllib.parse
import uuid
from collections.abc import Iterator
from typing import Any

import dkim
import msgspec
import pytest
from aiosmtpd.controller import Controller
from appeals_support import inbound
from campaigns_support import World, campaign_body, grant, member
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from unionline.settings import Settings, settings_type
from unionline.testing import AppHarness

PUBLIC = "https://union.example"


class Sink:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(envelope.original_content or envelope.content)
        return "250 OK"


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def unionline_settings(unionline_settings: Settings) -> Settings:
    from unionline.plugins.campaigns.settings import CampaignsSettings

    data = msgspec.to_builtins(unionline_settings)
    data["server"] = {**data["server"], "public_url": PUBLIC}
    data["campaigns"] = {"unsubscribe_mailto": "unsubscribe@union.example"}
    return msgspec.convert(data, settings_type({"campaigns": CampaignsSettings}))


def _keys() -> tuple[str, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


@pytest.mark.unionline_plugins("campaigns", "mail")
async def test_one_click_unsubscribe_signed_by_dkim(
    unionline_app: AppHarness, sink: tuple[Sink, int]
) -> None:
    h = unionline_app
    w = await World(h).setup()
    private, public = _keys()
    r = await h.client.post(
        "/api/channel-accounts/",
        headers=h.admin_headers,
        json={
            "organization_id": str(w.a),
            "channel": "mail",
            "name": "Рассылки профкома",
            "public_key": "news@union.example",
            "config": {
                "address": "news@union.example",
                "display_name": "Профком",
                "smtp_host": "127.0.0.1",
                "smtp_port": sink[1],
                "smtp_security": "none",
                "dkim_selector": "ul2026",
                "dkim_domain": "union.example",
            },
            "secrets": {"dkim_private_key": private},
        },
    )
    assert r.status_code == 201, r.text
    mailbox = r.json()["id"]
    anna = await member(w.a, "Иванова Анна Петровна", contacts=(("email", "anna@example.org"),))
    await grant(anna, "email")
    body = campaign_body(
        w,
        channel_order=["email"],
        accounts={"email": mailbox},
        variants={
            "email": {
                "subject": "Новости профкома",
                "text": "{{ first_name }}, подробности: https://profsoyuz.example/news",
                "html": '<p>Подробности <a href="https://profsoyuz.example/news">здесь</a></p>',
            }
        },
    )
    cid = (await w.call("boss", "post", "/api/campaigns/", 201, **body))["id"]
    await w.call("boss", "post", f"/api/campaigns/{cid}/start")
    await h.settle()
    [raw] = sink[0].received
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert mail["Subject"] == "Новости профкома"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    targets = [t.strip(" <>") for t in str(mail["List-Unsubscribe"]).split(",")]
    https, mailto = targets
    assert https.startswith(f"{PUBLIC}/campaigns/unsubscribe/")
    assert mailto.startswith("mailto:unsubscribe@union.example?subject=unsubscribe%20")

    signed = str(mail["DKIM-Signature"]).replace(" ", "").replace("\n", "").replace("\t", "")
    signed_headers = dict(p.split("=", 1) for p in signed.split(";") if "=" in p)["h"].split(":")
    assert {"list-unsubscribe", "list-unsubscribe-post"} <= set(signed_headers)

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"ul2026._domainkey.union.example."
        return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    assert dkim.verify(raw, dnsfunc=dns)
    tampered = raw.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                           b"List-Unsubscribe-Post: List-Unsubscribe=Nope")  # fmt: skip
    assert tampered != raw and not dkim.verify(tampered, dnsfunc=dns)

    path = urllib.parse.urlsplit(https).path
    h.client.cookies.clear()
    page = await h.client.get(path)  # a link scanner's GET
    assert page.status_code == 200 and '<form method="post">' in page.text
    assert await _valid(w, anna), "a GET must not unsubscribe"
    # The preference page by topic: withdraw the advertising consent only.
    await grant(anna, "email", "ads")
    page = await h.client.get(path)
    assert 'value="email:ads"' in page.text and 'value="email:info"' in page.text
    topics = await h.client.post(
        f"{path}/topics",
        content=b"topic=email%3Aads",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert topics.status_code == 200 and "Отписано тем: 1" in topics.text
    assert await _valid(w, anna), "the information consent stays"
    rows = await w.call("olga", "get", f"/api/campaigns/members/{anna}/consents")
    assert [r["withdrawn_source"] for r in rows if r["purpose"] == "ads"] == ["link"]
    forged = await h.client.post(path[:-3] + "000", content=b"List-Unsubscribe=One-Click")
    assert forged.status_code == 404
    done = await h.client.post(
        path,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200, done.text
    assert not await _valid(w, anna)

    # The tracked link in the text counts a click and goes on to the address.
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = next(word for word in text.split() if "/campaigns/c/" in word)
    assert "profsoyuz.example" not in link.split("?")[0]
    parts = urllib.parse.urlsplit(link)
    hop = await h.client.get(f"{parts.path}?{parts.query}")
    assert hop.status_code == 302 and hop.headers["location"] == "https://profsoyuz.example/news"
    bad = await h.client.get(f"{parts.path}?u=https://evil.example&s=00")
    assert bad.status_code in (400, 422)
    stats = (await w.call("boss", "get", f"/api/campaigns/{cid}"))["counts"]
    assert stats["sent"] == 1 and stats["unsubscribed"] == 1 and stats["clicked"] == 1

    # The HTML's pixel counts an open (approximate); a forged one still answers the image.
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    pixel = urllib.parse.urlsplit(html.split('<img src="')[1].split('"')[0]).path
    assert pixel.startswith("/campaigns/o/") and pixel.endswith(".gif")
    for path in (pixel, pixel, pixel.replace(".gif", "0.gif")):
        seen = await h.client.get(path)
        assert seen.status_code == 200 and seen.headers["content-type"] == "image/gif"
    # The mail server's bounce (an RFC 3464 DSN naming the message) makes it bounced.
    from unionline.channels.mail.ingest import ingest_raw

    outcome = await ingest_raw(uuid.UUID(mailbox), _dsn(str(mail["Message-ID"])), source="test")
    assert outcome.kind == "bounce"
    stats = (await w.call("boss", "get", f"/api/campaigns/{cid}"))["counts"]
    assert (stats["sent"], stats["bounced"], stats["opened"]) == (0, 1, 1), stats


def _dsn(message_id: str) -> bytes:
    """A DSN as Postfix writes one, returning the campaign message's headers."""
    b = "dsn-42"
    return (
        "From: MAILER-DAEMON@mx.example.org\r\nTo: news@union.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <dsn-{uuid.uuid4().hex}@mx.example.org>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{b}"\r\n\r\n'
        f"--{b}\r\nContent-Type: text/plain\r\n\r\nThe mail system\r\n\r\n"
        f"--{b}\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n\r\n"
        "Final-Recipient: rfc822; anna@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
        f"--{b}\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: news@union.example\r\nTo: anna@example.org\r\nMessage-ID: {message_id}\r\n"
        f"\r\n--{b}--\r\n"
    ).encode()


async def _valid(w: World, member_id: uuid.UUID, channel: str = "email") -> bool:
    rows = await w.call("olga", "get", f"/api/campaigns/members/{member_id}/consents")
    return any(r["channel"] == channel and r["withdrawn_at"] is None for r in rows)


@pytest.mark.unionline_plugins("campaigns", "telegram", "vk", "sms")
async def test_stop_in_a_messenger_or_sms_withdraws_that_channel(
    unionline_app: AppHarness,
) -> None:
    w = await World(unionline_app).setup()
    anna = await member(
        w.a,
        "Иванова Анна Петровна",
        contacts=(("telegram", "501"), ("vk", "502"), ("phone", "+79001234567")),
    )
    for channel in ("telegram", "vk", "sms", "email"):
        await grant(anna, channel)
        await grant(anna, channel, "ads")
    for channel, word, consent in (
        ("telegram", "СТОП", "telegram"),
        ("vk", "stop!", "vk"),
        ("smsru", " Стоп ", "sms"),
    ):
        await inbound(w.a, anna, "Спасибо" if channel == "vk" else "ok", channel=channel)
        await unionline_app.settle()
        assert await _valid(w, anna, consent), "an ordinary message withdraws nothing"
        await inbound(w.a, anna, word, channel=channel)
        await unionline_app.settle()
        assert not await _valid(w, anna, consent), channel
    assert await _valid(w, anna, "email")  # STOP in a messenger leaves e-mail alone
    proof = await w.call("olga", "get", f"/api/campaigns/members/{anna}/consents/proof")
    stops = [e for e in proof["history"] if e["action"] == "withdrawn"]
    assert {(e["channel"], e["source"]) for e in stops} == {
        ("telegram", "messenger"),
        ("vk", "messenger"),
        ("sms", "messenger"),
    }
