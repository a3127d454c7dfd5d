"""A missed call counts once, on its appeal's one open callback.

Missed calls on the same appeal handled at the same moment (two web processes, or a worker and
a web process) end in one «Перезвонить» with every call counted — on PostgreSQL each on its own
connection, held between reading and writing until all have read. A later event of a call that
already counted (the voicemail's recording after the hang-up, a webhook sent again) changes
nothing in the count. The migration that brings the one-open-callback rule merges the open
callbacks an appeal already has into its oldest.
"""

from __future__ import annotations

import asyncio
import importlib
import time
import uuid
from typing import Any

import pytest
from phone_support import E164, Phone
from standins.phone_pbx import Webhook

from unionline.channel import load_account
from unionline.channels.phone import callbacks

MIGRATION = "unionline.channels.phone.migrations.phone_2026_12_08t03_50_01_000000"


async def open_callbacks(phone: Phone) -> list[dict[str, Any]]:
    return await phone.env.db.fetch(
        "SELECT id, appeal_id, missed, attempts FROM phone_callback"
        " WHERE account_id = {} AND status IN ('pending', 'calling') ORDER BY created_at",
        phone.env.account.id,
    )


def voicemail(phone: Phone, entry: str) -> Webhook:
    """The provider's «recording ready» for call ``entry``: it comes after the hang-up."""
    return phone.calls("answered_recorded", entry=entry)[-1]


async def test_a_later_event_of_a_counted_call_does_not_count_it_again(phone: Phone) -> None:
    first = phone.calls("missed_ivr", entry="missed-first")
    second = phone.calls("missed_ivr", entry="missed-second")
    await phone.post(*first, *second)
    [owed] = await open_callbacks(phone)
    assert owed["missed"] == 2
    # Each call's voicemail arrives after it ended; then the provider sends the second call again.
    await phone.post(voicemail(phone, "missed-second"), voicemail(phone, "missed-first"))
    await phone.post(*second)
    assert [c["missed"] for c in await open_callbacks(phone)] == [2]
    for entry in await phone.entries():  # both entries show the one callback, two calls on it
        shown = entry["data"]["call"]["callback"]
        assert shown["id"] == str(owed["id"]) and shown["missed"] == 2


@pytest.mark.every_engine
@pytest.mark.parametrize("provider", ["uis"])
async def test_missed_calls_at_once_count_on_one_callback(
    phone: Phone, monkeypatch: pytest.MonkeyPatch
) -> None:
    crowd = 5
    calls = [phone.calls("missed_ivr", entry=f"crowd-{n}") for n in range(crowd)]
    await phone.post(*(started for started, *_ in calls))  # ringing: entries on one appeal
    assert len({e["appeal_id"] for e in await phone.entries()}) == 1
    if phone.env.db.is_postgres:
        # Every hang-up waits here, after it read the appeal's callbacks and before it writes,
        # until all have read. SQLite's write transactions take turns: no wait there.
        barrier, due_at = asyncio.Barrier(crowd), callbacks.due_at

        async def all_read(organization_id: uuid.UUID, hours: float) -> float:
            await barrier.wait()
            return await due_at(organization_id, hours)

        monkeypatch.setattr(callbacks, "due_at", all_read)
    replies = await asyncio.gather(
        *(
            phone.h.client.request(c.method, c.path, content=c.body, headers=c.headers)
            for _, *ended in calls
            for c in ended
        )
    )
    assert [r.status_code for r in replies] == [200] * crowd
    await phone.h.settle()
    [owed] = await open_callbacks(phone)
    assert owed["missed"] == crowd
    assert await phone.count("phone_callback") == 1


@pytest.mark.every_engine
@pytest.mark.parametrize("provider", ["uis"])
async def test_the_migration_merges_an_appeals_open_callbacks(phone: Phone) -> None:
    db, line = phone.env.db, phone.env.account
    await db.execute("DROP INDEX phone_callback_open_appeal")  # as before the migration
    appeal, other = uuid.uuid4(), uuid.uuid4()
    moment = time.time() - 3600

    async def callback(appeal_id: uuid.UUID, n: int, status: str, missed: int, tries: int) -> str:
        key = f"{line.id}:old-{n}"
        await db.execute(
            "INSERT INTO phone_callback (id, call_key, account_id, organization_id, appeal_id,"
            " member_id, number, due_at, status, missed, attempts, outcome, operator_id,"
            " created_at, completed_at) VALUES ({}, {}, {}, {}, {}, NULL, {}, {}, {}, {}, {},"
            " '', NULL, {}, NULL)",
            uuid.uuid4(),
            key,
            line.id,
            line.organization_id,
            appeal_id,
            E164,
            moment + 7200 + n,
            status,
            missed,
            tries,
            moment + n,
        )
        await db.execute(
            "INSERT INTO phone_call (id, key, account_id, call, direction, number, state, shown,"
            " external_id, appeal_id, created_at, updated_at) VALUES ({}, {}, {}, {}, 'in', {},"
            " {}, {}, {}, {}, {}, {})",
            uuid.uuid4(),
            key,
            line.id,
            f"old-{n}",
            E164,
            '{"call":"old","missed":"ivr"}',
            True,
            f"call:old-{n}",
            appeal_id,
            moment + n,
            moment + n,
        )
        return key

    done = await callback(appeal, 0, "done", 1, 1)
    oldest = await callback(appeal, 1, "pending", 2, 1)
    calling = await callback(appeal, 2, "calling", 1, 1)
    newest = await callback(appeal, 3, "pending", 1, 0)
    alone = await callback(other, 4, "pending", 1, 0)
    # A missed call that counted on the newest (it made none), updated after that was made.
    follower = f"{line.id}:old-5"
    await db.execute(
        "INSERT INTO phone_call (id, key, account_id, call, state, appeal_id, created_at,"
        " updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
        uuid.uuid4(),
        follower,
        line.id,
        "old-5",
        '{"call":"old-5","missed":"ringing"}',
        appeal,
        moment + 3,
        moment + 3.5,
    )

    manager = await importlib.import_module(MIGRATION).forwards()
    await manager.run()

    rows = {
        r["call_key"]: r
        for r in await db.fetch(
            "SELECT call_key, id, status, missed, attempts, outcome, completed_at"
            " FROM phone_callback"
        )
    }
    assert (rows[oldest]["status"], rows[oldest]["missed"], rows[oldest]["attempts"]) == (
        "pending",
        4,
        2,
    )
    for merged in (calling, newest):
        assert (rows[merged]["status"], rows[merged]["outcome"]) == ("done", "merged")
        assert rows[merged]["completed_at"] is None  # nobody called back: not in the reports
    assert (rows[done]["status"], rows[done]["outcome"]) == ("done", "")
    assert (rows[alone]["status"], rows[alone]["missed"]) == ("pending", 1)
    # Every old call knows the callback it counted on: a merged one's, the one it went into.
    counted = {
        r["key"]: r["callback_id"]
        for r in await db.fetch("SELECT key, callback_id FROM phone_call WHERE key LIKE '%:old-%'")
    }
    into = rows[oldest]["id"]
    assert {k: str(v) for k, v in counted.items()} == {
        done: str(rows[done]["id"]),
        oldest: str(into),
        calling: str(into),
        newest: str(into),
        follower: str(into),
        alone: str(rows[alone]["id"]),
    }
    # The rule holds from now on: one more missed call on the appeal counts on the oldest.
    late = uuid.uuid4()
    await db.execute(
        "INSERT INTO phone_call (id, key, account_id, call, appeal_id) VALUES ({}, {}, {}, {}, {})",
        late,
        f"{line.id}:late",
        line.id,
        "late",
        appeal,
    )
    missed = callbacks.MissedCall(
        id=late, key=f"{line.id}:late", appeal_id=appeal, member_id=None, number=E164
    )
    async with db.transaction():
        owed = await callbacks.owe(await load_account(line.id), missed)
    assert (owed.id, owed.missed) == (into, 5)
    assert [r["missed"] for r in await open_callbacks(phone)] == [5, 1]
    # «Позвонить» on an entry made before the merge calls back on the one it went into.
    ivanova = await phone.operator("ivanova")
    r = await phone.h.client.post(
        f"/api/phone/callbacks/{rows[newest]['id']}/call", headers=ivanova["headers"]
    )
    assert r.status_code == 200, r.text
    assert (r.json()["id"], r.json()["status"]) == (str(into), "calling")
    [command] = phone.pbx.commands
    assert command.name == "callback"
