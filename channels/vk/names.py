"""Names for VK ids. Events carry only ids, so the member's name and the names of quoted
authors come from ``users.get`` (people) and ``groups.getById`` (communities, negative ids),
asked in one batch per event (per Long Poll answer) and cached in ``vk_name`` for
``[vk] names_ttl`` seconds, then asked again.

Asking is best effort, within ``[vk] names_timeout``: when VK does not answer, the names it gave
before (however old) are used, or none — a message is never held up or lost for a name. A
member stored without one is asked for again by the job ``vk.name_members`` (after
``[vk] names_retry`` seconds, then with the job queue's backoff), which names them
(``name_contact``); their next message would name them too.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

import msgspec

from unionline import JobContext, NotFound, NotReady, current, enqueue, without_nul
from unionline.channel import contact_owner, load_account, name_contact, normalize_contact
from unionline.channels.vk.client import MAX_GROUP_IDS, MAX_USER_IDS
from unionline.channels.vk.errors import VkRefused
from unionline.channels.vk.settings import vk_settings

if TYPE_CHECKING:
    from unionline.channels.vk.channel import Account

log = logging.getLogger("unionline.channels.vk.names")
CHUNK = 500  # ids per lookup statement (SQLite allows 999 parameters)
NAME_JOB = "vk.name_members"
NAME_JOB_ATTEMPTS = 10
DAILY_LIMIT = 29  # VK's "Rate limit reached": the method's quota for the day
UNKNOWN_IDS = 113  # "Invalid user id": none of the ids is a profile


class NameMembers(msgspec.Struct, frozen=True):
    """Members stored without a name: ask VK again and name them."""

    account_id: uuid.UUID
    user_ids: list[int]


class NameRow(msgspec.Struct, frozen=True):
    owner_id: int
    name: str
    fetched_at: float


async def names_for(account: Account, ids: Iterable[int]) -> dict[int, str]:
    """The names known for ``ids`` (people positive, communities negative); an id VK gave no
    name for is left out."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    cached = {row.owner_id: row for row in await _cached(wanted)}
    now = time.time()
    ttl = vk_settings().names_ttl
    stale = [i for i in wanted if i not in cached or now - cached[i].fetched_at >= ttl]
    fresh = await _ask(account, stale) if stale else {}
    if fresh:
        await _remember(fresh, now)
    known = {i: row.name for i, row in cached.items()}
    return {**known, **fresh}


async def _ask(account: Account, ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    try:
        await asyncio.wait_for(_fetch(account, ids, found), vk_settings().names_timeout)
    except Exception as exc:  # a name is never worth losing a message: log and go on
        log.warning("vk account %s: names of %d ids not fetched: %s", account.id, len(ids), exc)
    return found


async def _fetch(account: Account, ids: list[int], found: dict[int, str]) -> None:
    """Fill ``found`` call by call (what one call brought stays when a later one fails)."""
    from unionline.channels.vk.channel import client_for

    users = [i for i in ids if i > 0]
    groups = [-i for i in ids if i < 0]
    if not ids:
        return
    async with client_for(account) as client:
        for start in range(0, len(users), MAX_USER_IDS):
            for user in await client.get_users(users[start : start + MAX_USER_IDS]):
                found[user.id] = user.name
        for start in range(0, len(groups), MAX_GROUP_IDS):
            for group in await client.get_groups(groups[start : start + MAX_GROUP_IDS]):
                found[-group.id] = group.name


async def _cached(ids: list[int]) -> list[NameRow]:
    rows: list[NameRow] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join("{}" for _ in chunk)
        rows += await current().db.fetch_as(
            NameRow,
            f"SELECT owner_id, name, fetched_at FROM vk_name WHERE owner_id IN ({marks})",
            *chunk,
        )
    return rows


async def _remember(names: dict[int, str], now: float) -> None:
    db = current().db
    for owner_id, name in names.items():
        await db.execute(
            "INSERT INTO vk_name (id, owner_id, name, fetched_at) VALUES ({}, {}, {}, {})"
            " ON CONFLICT (owner_id) DO UPDATE SET name = excluded.name,"
            " fetched_at = excluded.fetched_at",
            uuid.uuid4(),
            owner_id,
            without_nul(name)[:300],
            now,
        )


# -- members stored without a name -------------------------------------------------------------


async def name_later(account: Account, user_id: int) -> None:
    """Ask for the member's name again later (once per member and community)."""
    await enqueue(
        NAME_JOB,
        NameMembers(account.id, [user_id]),
        key=f"{NAME_JOB}:{account.id}:{user_id}",
        delay=vk_settings().names_retry,
    )


async def name_members(ctx: JobContext, job: NameMembers) -> None:
    """The job: the names VK gives now, cached, and given to members still without one."""
    try:
        account = await load_account(job.account_id)
    except NotFound:
        return  # the account was deleted
    if account.status != "active":
        return  # a disabled account asks nothing; the member's next message names them
    now, ttl = time.time(), vk_settings().names_ttl
    found = {r.owner_id: r.name for r in await _cached(job.user_ids) if now - r.fetched_at < ttl}
    fetched: dict[int, str] = {}
    try:  # a retry after "not stored yet" asks VK nothing new
        await _fetch(account, [i for i in job.user_ids if i not in found], fetched)
    except VkRefused as exc:
        if exc.error_code == UNKNOWN_IDS:
            return  # VK knows nobody by these ids: there is no name to give
        if exc.error_code != DAILY_LIMIT:
            raise
        raise NotReady(str(exc), retry_after=3600.0) from exc
    await _remember(fetched, now)
    found.update(fetched)
    waiting = [
        user_id for user_id, name in found.items() if name and not await _named(user_id, name)
    ]
    if waiting:  # asked before their message was stored (it is stored after decoding)
        raise NotReady(f"members {waiting} not stored yet", retry_after=vk_settings().names_retry)


async def _named(user_id: int, name: str) -> bool:
    """Give the name; False while nobody holds the contact point yet."""
    address = str(user_id)
    if await contact_owner("vk", normalize_contact("vk", address, field="user_id")) is None:
        return False
    await name_contact("vk", address, name)
    return True
