"""Visitors over time: tokens expire after a widget's lifetime unless used, rotating the widget
secret revokes them all, new visitors are limited per address, uploads never sent are swept,
and a visitor's typing reaches the consoles that may see the appeal (and no others)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import httpx
import pytest
import websockets
from web_support import ORIGIN, WIDGET_SECRET, WidgetSite, widget_config
from widget_client import upload, visitor, ws_url

from unionline import current
from unionline.channel import release_stored, storage
from unionline.channels.web import tokens
from unionline.channels.web.cleanup import SWEEP, sweep_uploads

DAY = 86400.0
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


async def _seen_days_ago(token: str, days: float) -> None:
    visitor_id = token.partition(".")[0]
    await current().db.execute(
        "UPDATE web_visitor SET seen_at = {} WHERE visitor = {}",
        time.time() - days * DAY,
        visitor_id,
    )


async def _post_message(site: WidgetSite, token: str, client_id: str) -> httpx.Response:
    return await site.client.post(
        "/widget/donor-day/messages",
        json={"type": "message", "id": client_id, "text": "Здравствуйте"},
        headers={"Origin": ORIGIN, "Authorization": f"Bearer {token}"},
    )


# -- token lifetime and revocation ---------------------------------------------------------


async def test_a_token_unused_for_its_lifetime_starts_a_new_visitor(site: WidgetSite) -> None:
    async with visitor(site.base) as v:
        old = (await v.hello())["token"]
        await v.say("x1", "Первое обращение")
    await _seen_days_ago(old, 181)  # the default lifetime is 180 days
    async with visitor(site.base) as v:
        welcome = await v.hello(token=old, after=1)
        assert welcome["type"] == "welcome" and welcome["reset"] is True
        assert welcome["token"] != old and v.history == []  # nothing of the old chat, no error
    refused = await _post_message(site, old, "x2")
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "Authorization"
    bad_upload = await upload(site.base, old, "a.png", "image/png", PNG)
    assert bad_upload.status_code == 403 and bad_upload.json()["error"]["field"] == "token"


async def test_using_a_token_keeps_it_alive(site: WidgetSite) -> None:
    config = widget_config(visitor_token_days=30)
    await site.api("PATCH", f"/api/channel-accounts/{site.account_id}", json={"config": config})
    async with visitor(site.base) as v:
        token = (await v.hello())["token"]
    await _seen_days_ago(token, 29)
    async with visitor(site.base) as v:
        assert (await v.hello(token=token))["reset"] is False  # day 29: still good, and used
    row = await current().db.fetchone(
        "SELECT seen_at FROM web_visitor WHERE visitor = {}", token.partition(".")[0]
    )
    assert row is not None and time.time() - float(row["seen_at"]) < DAY
    await _seen_days_ago(token, 31)
    async with visitor(site.base) as v:
        assert (await v.hello(token=token))["reset"] is True


async def test_rotating_the_widget_secret_revokes_every_visitor(site: WidgetSite) -> None:
    async with visitor(site.base) as v:
        old = (await v.hello())["token"]
        await v.say("r1", "До смены секрета")
    assert (await _post_message(site, old, "r2")).status_code == 200
    await site.api(
        "PATCH",
        f"/api/channel-accounts/{site.account_id}",
        json={"secrets": {"widget_secret": WIDGET_SECRET + "-rotated"}},
    )
    refused = await _post_message(site, old, "r3")
    assert refused.status_code == 403
    async with visitor(site.base) as v:
        welcome = await v.hello(token=old, after=2)
        assert welcome["reset"] is True and welcome["token"] != old and v.history == []
        ack = await v.say("r4", "После смены секрета")
        assert ack["seq"] == 1


# -- new visitors per address ---------------------------------------------------------------


async def _refused_hello(site: WidgetSite, token: str | None = None) -> tuple[dict[str, Any], int]:
    async with websockets.connect(ws_url(site.base), origin=ORIGIN) as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"type": "hello", "token": token}))
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None
    return frame, closed.value.rcvd.code


async def test_new_visitors_per_address_are_limited(site: WidgetSite) -> None:
    config = widget_config(new_visitors_per_hour=2)
    await site.api("PATCH", f"/api/channel-accounts/{site.account_id}", json={"config": config})
    tokens = []
    for _ in range(2):
        async with visitor(site.base) as v:
            tokens.append((await v.hello())["token"])
    before = len(await current().db.fetch("SELECT id FROM web_visitor"))
    frame, code = await _refused_hello(site)
    assert code == 4029  # the websocket's 429
    assert frame["type"] == "error" and frame["code"] == "rate_limited"
    assert 0 < frame["retry_after"] <= 1800  # one visitor comes back every half hour
    assert len(await current().db.fetch("SELECT id FROM web_visitor")) == before
    # Returning visitors are not new ones.
    async with visitor(site.base) as v:
        welcome = await v.hello(token=tokens[0])
        assert welcome["type"] == "welcome" and welcome["token"] == tokens[0]


async def test_the_default_limit_lets_an_office_in(site: WidgetSite) -> None:
    for _ in range(20):  # twenty colleagues behind one address open the chat
        async with visitor(site.base) as v:
            assert (await v.hello())["type"] == "welcome"


# -- uploads never sent ---------------------------------------------------------------------


async def test_uploads_never_sent_are_swept_after_a_day(site: WidgetSite) -> None:
    async with visitor(site.base) as v:
        token = (await v.hello())["token"]
        sent = (await upload(site.base, token, "sent.png", "image/png", PNG + b"1")).json()
        left = (await upload(site.base, token, "left.png", "image/png", PNG + b"2")).json()
        fresh = (await upload(site.base, token, "fresh.png", "image/png", PNG + b"3")).json()
        await v.say("u1", "Справка", files=[sent["id"]])
    db = current().db
    for upload_id in (sent["id"], left["id"]):
        await db.execute(
            "UPDATE web_upload SET created_at = {} WHERE id = {}",
            time.time() - 2 * DAY,
            uuid.UUID(upload_id),
        )
    shas = {str(r["id"]): r["sha256"] for r in await db.fetch("SELECT id, sha256 FROM web_upload")}
    assert await sweep_uploads() == 1
    kept = {str(r["id"]) for r in await db.fetch("SELECT id FROM web_upload")}
    assert kept == {sent["id"], fresh["id"]}
    assert not await storage().exists(shas[left["id"]])
    assert await storage().exists(shas[sent["id"]]) and await storage().exists(shas[fresh["id"]])
    # The visitor's conversation still shows the file they sent.
    async with visitor(site.base) as v:
        await v.hello(token=token)
        [mine] = [f for f in v.history if f["type"] == "message"]
        assert [f["filename"] for f in mine["files"]] == ["sent.png"]


async def test_pending_uploads_hold_their_bytes_in_every_process(site: WidgetSite) -> None:
    """A worker runs no startup hooks: what holds stored bytes comes from the tables."""
    from unionline import runtime
    from unionline.channel.storage import referencing_tables

    worker = runtime.build(*runtime.from_settings(current().settings))  # never started
    for tables in (referencing_tables(), referencing_tables(worker.db)):
        assert {"channel_attachment", "web_upload"} <= set(tables)
    async with visitor(site.base) as v:
        token = (await v.hello())["token"]
    pending = (await upload(site.base, token, "ждёт.png", "image/png", PNG + b"w")).json()
    [row] = await current().db.fetch(
        "SELECT sha256 FROM web_upload WHERE id = {}", uuid.UUID(pending["id"])
    )
    assert await release_stored(row["sha256"]) is False  # the visitor may still send it
    assert await storage().exists(row["sha256"])


async def test_the_sweep_is_a_daily_job(site: WidgetSite) -> None:
    rows = await current().db.fetch(
        "SELECT idempotency_key FROM system_job WHERE name = {} AND status = 'pending'", SWEEP.name
    )
    day = int(time.time() // DAY) + 1
    assert [r["idempotency_key"] for r in rows] == [f"{SWEEP.name}:{day}"]


# -- the visitor's typing in the console ------------------------------------------------------


async def _console(base: str, token: str) -> Any:
    ws = await websockets.connect(
        base.replace("http://", "ws://") + "/ws/console",
        additional_headers={"Authorization": f"Bearer {token}"},
    )
    await ws.send(json.dumps({"type": "hello", "last_id": None}))
    while json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] != "caught_up":
        pass
    return ws


async def _member_typing(ws: Any) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if frame["type"] == "signal" and frame["signal"] == "member_typing":
            return dict(frame["data"])


async def _appeal_of(client_id: str) -> str:
    row = await current().db.fetchone(
        "SELECT appeal_id FROM web_message WHERE client_id = {}", client_id
    )
    assert row is not None
    return str(row["appeal_id"])


async def test_the_visitors_typing_reaches_the_consoles_that_may_see_it(site: WidgetSite) -> None:
    from unionline.access import Grant
    from unionline.operators.services import create_operator, create_token

    other = await site.api(
        "POST", "/api/organizations/", json={"name": "Другой профком", "code": "OTH"}
    )
    await site.api(
        "POST",
        "/api/channel-accounts/",
        json={
            "organization_id": other["id"],
            "channel": "web",
            "name": "Чат другого профкома",
            "public_key": "other-chat",
            "config": widget_config(),
            "secrets": {"widget_secret": WIDGET_SECRET},
        },
    )
    outsider = await create_operator(
        "outsider", "password-123", grants=[Grant("operator", uuid.UUID(other["id"]))]
    )
    admin = await _console(site.base, site.admin["Authorization"].split()[1])
    stranger = await _console(site.base, await create_token(outsider, "typing test"))
    try:
        async with visitor(site.base) as v, visitor(site.base, key="other-chat") as w:
            await v.hello()
            await v.ws.send(json.dumps({"type": "typing", "on": True}))  # no appeal yet: nothing
            await v.say("t1", "Вопрос про отпуск")
            appeal = await _appeal_of("t1")
            await v.ws.send(json.dumps({"type": "typing", "on": True}))
            assert await _member_typing(admin) == {"appeal_id": appeal, "on": True}
            await v.ws.send(json.dumps({"type": "typing", "on": False}))
            assert await _member_typing(admin) == {"appeal_id": appeal, "on": False}
            # The other organization's operator saw none of it: their first is their own.
            await w.hello()
            await w.say("t2", "Вопрос в другой профком")
            await w.ws.send(json.dumps({"type": "typing", "on": True}))
            assert await _member_typing(stranger) == {
                "appeal_id": await _appeal_of("t2"),
                "on": True,
            }
    finally:
        await admin.close()
        await stranger.close()


def test_a_visitor_id_is_the_whole_value() -> None:
    """A visitor id with a newline after it names no visitor, even signed (the server never
    issues one), and none is signed or read from a contact point."""
    account = uuid.uuid4()
    forged = "abc\n"
    signed = f"{forged}.{tokens._mac('key', WIDGET_SECRET, account, forged)}"
    assert tokens.visitor_of("key", WIDGET_SECRET, account, signed) is None
    assert tokens.visitor_from_address("wv-abc\n") is None
    with pytest.raises(ValueError):
        tokens.visitor_token("key", WIDGET_SECRET, account, forged)
    good = tokens.visitor_token("key", WIDGET_SECRET, account, "abc")
    assert tokens.visitor_of("key", WIDGET_SECRET, account, good) == "abc"
    assert tokens.visitor_from_address("wv-abc") == "abc"
