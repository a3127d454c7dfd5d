"""Attachments: stored by content, limits kept visibly, served only to operators of the appeal."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path
from typing import Any

from channel_support import message, reference_fixtures, signed_call

from unionline.channel import reference
from unionline.testing.channel_contract import ContractEnv

unionline_settings, env = reference_fixtures(max_attachment_bytes=1000)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _file(name: str, kind: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "type": kind, "data": base64.b64encode(data).decode()}


async def _files_of_last_message(env: ContractEnv) -> list[dict[str, Any]]:
    from unionline.appeals.services import timeline

    inbound = (await env.stored())[-1]
    page = await timeline(None, inbound["appeal_id"])
    return next(e for e in page.items if e.id == inbound["entry_id"]).data["attachments"]


async def test_inbound_files_are_stored_and_served_by_kind(env: ContractEnv) -> None:
    h = env.harness
    files = [
        _file("фото.png", "image/png", PNG),
        _file("заявление.pdf", "application/pdf", b"%PDF"),
    ]
    response = await env.post(signed_call(env.account, message(1, "21", "см. файлы", files=files)))
    assert response.status_code == 200, response.text
    photo, pdf = await _files_of_last_message(env)
    assert photo["status"] == pdf["status"] == "stored"

    shown = await h.client.get(photo["url"], headers=h.admin_headers)
    assert shown.status_code == 200 and shown.content == PNG
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["content-disposition"].startswith("inline;")
    downloaded = await h.client.get(pdf["url"], headers=h.admin_headers)
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    assert "%D0%B7%D0%B0%D1%8F%D0%B2" in downloaded.headers["content-disposition"]
    assert downloaded.headers["x-content-type-options"] == "nosniff"


async def test_only_operators_who_see_the_appeal_get_the_file(env: ContractEnv) -> None:
    h = env.harness
    files = [_file("паспорт.png", "image/png", PNG)]
    await env.post(signed_call(env.account, message(1, "22", "", files=files)))
    [photo] = await _files_of_last_message(env)
    other = await h.client.post(
        "/api/organizations/",
        headers=h.admin_headers,
        json={"name": "Чужая", "code": "ALIEN", "kind": "federation"},
    )
    _, outsider = await h.create_operator("outsider", "operator", uuid.UUID(other.json()["id"]))
    _, insider = await h.create_operator("insider", "operator", env.account.organization_id)
    assert (await h.client.get(photo["url"])).status_code == 401
    denied = await h.client.get(photo["url"], headers={"Authorization": f"Bearer {outsider}"})
    assert denied.status_code == 404
    allowed = await h.client.get(photo["url"], headers={"Authorization": f"Bearer {insider}"})
    assert allowed.status_code == 200


async def test_files_over_the_limits_are_kept_as_visible_refusals(env: ContractEnv) -> None:
    files = [
        _file("page.html", "text/html", b"<script>alert(1)</script>"),
        _file("big.png", "image/png", PNG * 100),
    ]
    response = await env.post(signed_call(env.account, message(1, "23", "вот", files=files)))
    assert response.status_code == 200
    html, big = await _files_of_last_message(env)
    assert html["status"] == "rejected" and "text/html" in html["error"]
    assert big["status"] == "rejected" and "larger than 1000" in big["error"]
    assert [m["body"] for m in await env.messages_in()] == ["вот"]  # the message itself is kept


async def test_announced_files_are_fetched_by_a_job(env: ContractEnv) -> None:
    h = env.harness
    reference.provider(env.account.id).files["file-7"] = b"%PDF-1.7 remote"
    files = [
        {"name": "договор.pdf", "type": "application/pdf", "ref": "file-7", "size": 15},
        {"name": "старый.pdf", "type": "application/pdf", "ref": "gone"},
    ]
    await env.post(signed_call(env.account, message(1, "24", "", files=files)))
    fetched, gone = await _files_of_last_message(env)
    assert fetched["status"] == "pending"
    await h.settle()
    response = await h.client.get(fetched["url"], headers=h.admin_headers)
    assert response.status_code == 200 and response.content == b"%PDF-1.7 remote"
    missing = await h.client.get(gone["url"], headers=h.admin_headers)
    assert missing.status_code == 409
    assert "no longer available" in missing.json()["error"]["message"]
    # The message shows the outcome (it said "pending"), and consoles were told to redraw it.
    stored, rejected = await _files_of_last_message(env)
    assert (stored["status"], stored["size"]) == ("stored", 15)
    assert rejected["status"] == "rejected" and "no longer available" in rejected["error"]
    updates = await env.events_of("appeal.message_updated")
    assert [e.change for e in updates] == ["updated", "updated"]


async def test_same_content_is_stored_once(env: ContractEnv, tmp_path: Path) -> None:
    for n in (1, 2):
        files = [_file(f"копия-{n}.png", "image/png", PNG)]
        await env.post(signed_call(env.account, message(n, "25", "", files=files)))
    stored = [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]
    assert len(stored) == 1


async def test_uploads_respect_the_limits(env: ContractEnv) -> None:
    h = env.harness
    refused = await h.client.post(
        "/api/attachments/",
        headers=h.admin_headers,
        files={"file": ("x.html", b"<p>", "text/html")},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "file"
    _, someone = await h.create_operator("someone", "operator", env.account.organization_id)
    upload = await h.client.post(
        "/api/attachments/", headers=h.admin_headers, files={"file": ("ok.png", PNG, "image/png")}
    )
    url = upload.json()["url"]
    # Not yet sent with a reply: only the uploader sees it.
    assert (await h.client.get(url, headers=h.admin_headers)).status_code == 200
    other = await h.client.get(url, headers={"Authorization": f"Bearer {someone}"})
    assert other.status_code == 404


async def test_an_upload_without_a_file_part_names_the_field(env: ContractEnv) -> None:
    h = env.harness
    for parts in ({"note": (None, "no file")}, {"a": (None, "1"), "b": (None, "2")}):
        empty = await h.client.post("/api/attachments/", headers=h.admin_headers, files=parts)
        assert empty.status_code == 400, empty.text
        assert empty.json()["error"]["field"] == "file", empty.text


# -- the daily sweep of uploads no reply took ----------------------------------------------------

DAY = 86400.0


async def _upload(env: ContractEnv, name: str, data: bytes) -> dict[str, Any]:
    h = env.harness
    made = await h.client.post(
        "/api/attachments/", headers=h.admin_headers, files={"file": (name, data, "image/png")}
    )
    assert made.status_code == 201, made.text
    return made.json()


async def test_uploads_no_reply_took_are_swept_after_a_day(env: ContractEnv) -> None:
    from datetime import UTC, datetime, timedelta

    from unionline.appeals.services import add_reply
    from unionline.channel.cleanup import sweep_uploads
    from unionline.channel.storage import storage
    from unionline.channel.tables import AttachmentRecord

    h = env.harness
    shared = PNG + b"shared"  # the same bytes arrive from a member too
    await env.post(
        signed_call(env.account, message(1, "26", "", files=[_file("m.png", "image/png", shared)]))
    )
    [inbound] = await env.stored()
    left = await _upload(env, "забытый.png", PNG + b"left")
    sent = await _upload(env, "отправленный.png", PNG + b"sent")
    twin = await _upload(env, "копия.png", shared)
    fresh = await _upload(env, "свежий.png", PNG + b"fresh")
    await add_reply(None, inbound["appeal_id"], "Во вложении", attachments=[{"id": sent["id"]}])
    old = datetime.now(UTC) - timedelta(days=2)
    for made in (left, sent, twin):
        await AttachmentRecord.update({AttachmentRecord.created_at: old}).where(
            AttachmentRecord.id == uuid.UUID(made["id"])
        )
    sha = {
        str(r["id"]): r["sha256"]
        for r in await AttachmentRecord.select(AttachmentRecord.id, AttachmentRecord.sha256)
    }

    assert await sweep_uploads() == 2  # the forgotten one and the twin; not the sent, not fresh
    for gone in (left, twin):
        assert (await h.client.get(gone["url"], headers=h.admin_headers)).status_code == 404
    assert not await storage().exists(sha[left["id"]])
    assert await storage().exists(sha[twin["id"]])  # the member's file still uses the bytes
    for kept in (sent, fresh):
        assert (await h.client.get(kept["url"], headers=h.admin_headers)).status_code == 200
    assert await sweep_uploads() == 0


async def test_the_upload_sweep_is_a_daily_job(env: ContractEnv) -> None:
    import time

    from unionline.channel.cleanup import SWEEP
    from unionline.runtime import current

    rows = await current().db.fetch(
        "SELECT idempotency_key FROM system_job WHERE name = {} AND status = 'pending'", SWEEP.name
    )
    day = int(time.time() // DAY) + 1
    assert [r["idempotency_key"] for r in rows] == [f"{SWEEP.name}:{day}"]
