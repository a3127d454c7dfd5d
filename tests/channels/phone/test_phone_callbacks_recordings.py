"""Callbacks across organizations and call recordings over their life, on both engines.

An operator of another organization never sees a callback (the list is empty for them, a
click-to-call is 404 and the PBX is not asked), however the line maps their extension. A
recording is fetched into the call's entry, which says so (``recording: stored``, the file
with its size, playable); after the line's retention the sweep discards the bytes and the
entry says «Запись удалена по сроку хранения» (``expired``), the bytes kept while another
call's entry still holds the same ones."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from phone_support import Phone
from standins.phone_pbx import RECORDING

from unionline.channels.phone.recordings import sweep_recordings

DAY = 86400


async def other_organization(phone: Phone) -> str:
    r = await phone.h.client.post(
        "/api/organizations/",
        headers=phone.h.admin_headers,
        json={"name": "Профсоюз соседнего завода", "code": "OTHER", "kind": "federation"},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@pytest.mark.parametrize("provider", ["mango"])
async def test_callbacks_stay_in_their_organization(phone: Phone) -> None:
    import uuid

    ivanova = await phone.operator("ivanova")
    # Petrova's extension 102 is on the line, but she works for another organization.
    petrova = await phone.operator("petrova", uuid.UUID(await other_organization(phone)))
    await phone.post(*phone.calls("missed_ivr"))
    [entry] = await phone.entries()
    callback_id = entry["data"]["call"]["callback"]["id"]

    async def listed(who: dict[str, Any], status: str = "open") -> list[str]:
        r = await phone.h.client.get(
            "/api/phone/callbacks", params={"status": status}, headers=who["headers"]
        )
        assert r.status_code == 200, r.text
        return [c["id"] for c in r.json()]

    assert await listed(ivanova) == [callback_id]
    assert await listed(petrova) == [] and await listed(petrova, "all") == []
    r = await phone.h.client.post(
        f"/api/phone/callbacks/{callback_id}/call", headers=petrova["headers"]
    )
    assert r.status_code == 404, r.text
    assert phone.pbx.commands == []  # the PBX was not asked to ring anyone
    shown = (await phone.entries())[0]["data"]["call"]["callback"]
    assert shown["status"] == "pending" and shown["attempts"] == 0

    # Ivanova calls back: done, listed under «done» for her and still nowhere for Petrova.
    r = await phone.h.client.post(
        f"/api/phone/callbacks/{callback_id}/call", headers=ivanova["headers"]
    )
    assert r.status_code == 200, r.text
    await phone.deliver_outbox()
    assert await listed(ivanova) == [] and await listed(ivanova, "done") == [callback_id]
    assert await listed(petrova, "done") == [] and await listed(petrova, "all") == []


def stored_files(tmp_path: Path) -> int:
    return sum(1 for f in (tmp_path / "attachments").rglob("*") if f.is_file())


async def test_recording_is_shown_stored_then_discarded_after_retention(
    phone: Phone, tmp_path: Path
) -> None:
    await phone.post(*phone.calls("answered_recorded"), *phone.calls("answered_recorded"))
    first, second = await phone.entries()
    for entry in (first, second):
        assert entry["data"]["call"]["recording"] == "stored"  # not «загружается» for ever
        [file] = entry["data"]["attachments"]
        assert file["status"] == "stored" and file["size"] == len(RECORDING)
        r = await phone.h.client.get(file["url"], headers=phone.h.admin_headers)
        assert r.status_code == 200 and r.content == RECORDING
    assert stored_files(tmp_path) == 1  # the same bytes, stored once

    async def age(entry: dict[str, Any], days: int) -> None:
        await phone.env.db.execute(
            "UPDATE phone_call SET recorded_at = {} WHERE external_id = {}",
            time.time() - days * DAY,
            f"call:{entry['data']['call']['id']}",
        )

    # 89 days: kept (the line keeps 90).
    await age(first, 89)
    assert await sweep_recordings() == 0
    # 91 days: the first call's recording goes; its bytes stay, the second call holds them.
    await age(first, 91)
    assert await sweep_recordings() == 1
    await phone.h.settle()
    first, second = await phone.entries()
    assert first["data"]["call"]["recording"] == "expired"
    [gone] = first["data"]["attachments"]
    assert gone["status"] == "rejected" and gone["url"] is None
    r = await phone.h.client.get(f"/api/attachments/{gone['id']}", headers=phone.h.admin_headers)
    assert r.status_code == 409, r.text
    assert second["data"]["call"]["recording"] == "stored"
    assert stored_files(tmp_path) == 1
    # The second one too: now the bytes are deleted from the disk.
    await age(second, 91)
    assert await sweep_recordings() == 1
    assert stored_files(tmp_path) == 0
    [_, second] = await phone.entries()
    assert second["data"]["call"]["recording"] == "expired"
    assert await sweep_recordings() == 0  # nothing twice
    row = await phone.env.db.fetchone(
        "SELECT status, sha256 FROM channel_attachment WHERE id = {}", gone["id"]
    )
    assert row["status"] == "rejected" and row["sha256"] is None
