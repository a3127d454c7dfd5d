"""An appeal merged into another takes its missed calls' callback along (``appeal_merged``).

The merged appeal is closed and nobody works on it: its open callback moves to the target,
and when the target owes one too the two become one — the oldest (owed longest) stays, with the
missed calls and attempts of both; the other is done with the outcome «merged» (no completion
time: nobody called back), as the migration that brought one open callback per appeal did.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from phone_support import Phone

pytestmark = [pytest.mark.every_engine, pytest.mark.parametrize("provider", ["uis"])]


async def callbacks_of(phone: Phone) -> list[dict[str, Any]]:
    return await phone.env.db.fetch(
        "SELECT id, appeal_id, status, missed, attempts, outcome, completed_at FROM phone_callback"
        " ORDER BY created_at, id"
    )


async def second_appeal(phone: Phone, first: uuid.UUID, *, on_the_line: bool) -> uuid.UUID:
    """Another appeal of the member of ``first`` (on the line: the member's next calls land on
    it, the newest active appeal there)."""
    h = phone.h
    member = (await h.client.get(f"/api/appeals/{first}", headers=h.admin_headers)).json()
    body = {
        "organization_id": member["organization_id"],
        "member_id": member["member_id"],
        "subject": "Перерасчёт отпускных",
        "channel": "phone" if on_the_line else "manual",
    }
    if on_the_line:
        body["channel_account_id"] = phone.line
    created = await h.client.post("/api/appeals", headers=h.admin_headers, json=body)
    assert created.status_code == 201, created.text
    return uuid.UUID(created.json()["id"])


async def merge(phone: Phone, source: uuid.UUID, target: uuid.UUID) -> None:
    h = phone.h
    r = await h.client.post(
        f"/api/appeals/{source}/merge", headers=h.admin_headers, json={"target_id": str(target)}
    )
    assert r.status_code == 200, r.text
    await h.settle()


async def test_an_open_callback_moves_to_the_target(phone: Phone) -> None:
    await phone.post(*phone.calls("missed_ivr", entry="missed-1"))
    [entry] = await phone.entries()
    source = entry["appeal_id"]
    target = await second_appeal(phone, source, on_the_line=False)
    await merge(phone, source, target)
    [owed] = await callbacks_of(phone)
    assert (owed["appeal_id"], owed["status"], owed["missed"]) == (target, "pending", 1)
    listed = await phone.h.client.get("/api/phone/callbacks", headers=phone.h.admin_headers)
    assert [c["appeal_id"] for c in listed.json()] == [str(target)]
    calls = await phone.env.db.fetch("SELECT appeal_id FROM phone_call")
    assert [c["appeal_id"] for c in calls] == [target]
    # The member calls again and nobody answers: counted on the same callback, on the target.
    await phone.post(*phone.calls("missed_ivr", entry="missed-2"))
    assert [(c["appeal_id"], c["missed"]) for c in await callbacks_of(phone)] == [(target, 2)]


async def test_two_open_callbacks_become_one(phone: Phone) -> None:
    await phone.post(*phone.calls("missed_ivr", entry="missed-a"))
    source = (await phone.entries())[0]["appeal_id"]
    target = await second_appeal(phone, source, on_the_line=True)
    await phone.post(*phone.calls("missed_ivr", entry="missed-b1"))
    await phone.post(*phone.calls("missed_ivr", entry="missed-b2"))
    assert [e["appeal_id"] for e in await phone.entries()] == [source, target, target]
    older, newer = await callbacks_of(phone)
    assert (older["appeal_id"], older["missed"], newer["appeal_id"], newer["missed"]) == (
        source,
        1,
        target,
        2,
    )
    await merge(phone, source, target)
    kept, merged = await callbacks_of(phone)
    assert (kept["id"], kept["appeal_id"], kept["status"], kept["missed"]) == (
        older["id"],
        target,
        "pending",
        3,
    )
    assert (merged["appeal_id"], merged["status"], merged["outcome"]) == (target, "done", "merged")
    assert merged["completed_at"] is None  # nobody called back: not in the reports
    counted = await phone.env.db.fetch("SELECT DISTINCT callback_id FROM phone_call")
    assert [c["callback_id"] for c in counted] == [kept["id"]]
    # Every missed call's entry, now on the target, shows the one callback and its three calls.
    for entry in await phone.entries():
        shown = entry["data"]["call"]["callback"]
        assert (entry["appeal_id"], shown["id"], shown["missed"]) == (target, str(kept["id"]), 3)
    listed = await phone.h.client.get("/api/phone/callbacks", headers=phone.h.admin_headers)
    assert [(c["id"], c["missed"]) for c in listed.json()] == [(str(kept["id"]), 3)]
    # «Позвонить» on the merged one's entry calls back on the one it went into.
    ivanova = await phone.operator("ivanova")
    r = await phone.h.client.post(
        f"/api/phone/callbacks/{merged['id']}/call", headers=ivanova["headers"]
    )
    assert r.status_code == 200, r.text
    assert (r.json()["id"], r.json()["status"]) == (str(kept["id"]), "calling")
