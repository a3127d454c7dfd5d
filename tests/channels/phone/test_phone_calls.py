"""Calls from each cloud PBX (Mango, Zadarma, UIS) through their loopback stand-ins, on both
engines: recorded sequences replayed in order, out of order and twice end in one entry per
call with the same content; a missed call owes a callback; a bad signature is 401 and stores
nothing; the recording is fetched and attached."""

from __future__ import annotations

import random

from phone_support import E164, Phone


async def test_answered_call_with_recording_in_any_order_and_twice(phone: Phone) -> None:
    ivanova = await phone.operator("ivanova")
    calls = phone.calls("answered_recorded")
    shuffled = [*calls, *calls]
    random.Random(7).shuffle(shuffled)
    await phone.post(*shuffled)
    [entry] = await phone.entries()
    call = entry["data"]["call"]
    assert entry["kind"] == "message_in"
    assert call["direction"] == "in" and call["number"] == E164
    assert call["state"] == "ended" and call["disposition"] == "answered"
    assert call["duration"] == 75 and call["missed"] is None
    assert call["operator_id"] == ivanova["id"] and call["extension"] == "101"
    assert entry["body"] == "Входящий звонок · разговор 1:15"
    [file] = entry["data"]["attachments"]
    assert file["content_type"] == "audio/mpeg"
    stored = await phone.env.db.fetchone(
        "SELECT status FROM channel_attachment WHERE id = {}", file["id"]
    )
    assert stored["status"] == "stored"  # fetched from the PBX by the attachment job
    assert await phone.count("phone_call_event") == len(calls)
    # the same sequence in order gives the same call (another call id, another appeal entry)
    await phone.post(*phone.calls("answered_recorded"))
    first, second = await phone.entries()
    keep = ("direction", "number", "state", "disposition", "duration", "missed", "extension")
    assert {k: second["data"]["call"][k] for k in keep} == {k: call[k] for k in keep}
    assert second["appeal_id"] == first["appeal_id"]  # the member's open appeal, as messages


async def test_missed_call_in_ivr_owes_a_callback(phone: Phone) -> None:
    await phone.post(*phone.calls("missed_ivr"))
    [entry] = await phone.entries()
    call = entry["data"]["call"]
    assert call["missed"] == "ivr" and call["state"] == "ended"
    assert entry["body"] == "Входящий звонок · пропущен в голосовом меню"
    callback = call["callback"]
    assert callback["status"] == "pending" and callback["due_at"] > 0
    appeal = await phone.h.client.get(
        f"/api/appeals/{entry['appeal_id']}", headers=phone.h.admin_headers
    )
    assert appeal.status_code == 200 and appeal.json()["status"] == "new"
    # a second missed call counts on the same callback
    await phone.post(*phone.calls("missed_ivr"))
    entries = await phone.entries()
    assert entries[-1]["data"]["call"]["callback"]["missed"] == 2
    assert await phone.count("phone_callback") == 1


async def test_bad_signature_is_refused_and_nothing_is_stored(phone: Phone) -> None:
    await phone.post(*phone.calls("missed_ivr", bad=True), expect=401)
    assert await phone.entries() == []
    assert await phone.count("phone_call_event") == 0
    assert await phone.count("phone_call") == 0


async def test_click_to_call_completes_the_callback(phone: Phone) -> None:
    ivanova = await phone.operator("ivanova")
    await phone.post(*phone.calls("missed_ivr"))
    [missed] = await phone.entries()
    callback_id = missed["data"]["call"]["callback"]["id"]
    # busy first: the callback stays owed, the attempt recorded
    phone.pbx.callback_outcome = "busy_outbound"
    r = await phone.h.client.post(
        f"/api/phone/callbacks/{callback_id}/call", headers=ivanova["headers"]
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "calling"
    [command] = phone.pbx.commands
    assert command.name == "callback"
    await phone.deliver_outbox()
    entries = await phone.entries()
    assert entries[-1]["data"]["call"]["direction"] == "out"
    assert entries[-1]["data"]["call"]["disposition"] == "busy"
    shown = entries[0]["data"]["call"]["callback"]
    assert shown["status"] == "pending" and shown["outcome"] == "busy"
    # then answered: done, by her
    phone.pbx.callback_outcome = "answered_outbound"
    r = await phone.h.client.post(
        f"/api/phone/callbacks/{callback_id}/call", headers=ivanova["headers"]
    )
    assert r.status_code == 200, r.text
    await phone.deliver_outbox()
    entries = await phone.entries()
    shown = entries[0]["data"]["call"]["callback"]
    assert shown["status"] == "done" and shown["outcome"] == "answered"
    assert shown["operator_id"] == ivanova["id"] and shown["attempts"] == 2
    again = await phone.h.client.post(
        f"/api/phone/callbacks/{callback_id}/call", headers=ivanova["headers"]
    )
    assert again.status_code == 409
