"""Bots Long Poll for communities without a public URL: a_check → store → remember ``ts``.

The ``ts`` after a batch is saved only once every event of the batch was stored, and a
restart resumes from it with a fresh key, so no event is lost between runs. VK's answers
``failed: 1`` (history moved on: continue from the given ts), ``2`` (key expired: new key,
same ts) and ``3`` (information lost: new key and ts) are handled as VK documents.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Any

import msgspec

from unionline import current
from unionline.channel.accounts import load_account, mark_needs_reauth
from unionline.channel.inbound import store_inbound
from unionline.channels.vk.channel import client_for
from unionline.channels.vk.decode import decode_event
from unionline.channels.vk.sent import without_our_own
from unionline.channels.vk.settings import vk_settings
from unionline.channels.vk.types import Event, LongPollServer
from unionline.errors import AuthFailed, NotReady, ServiceError, UnsupportedUpdate

log = logging.getLogger("unionline.channels.vk.polling")
RESCAN_SECONDS = 30.0
BACKOFF_MAX = 60.0


class LongPoller:
    """Polls one community; ``server`` holds the key, ``ts`` where to continue."""

    def __init__(self, account_id: uuid.UUID, *, wait: int | None = None) -> None:
        self.account_id = account_id
        self.wait = vk_settings().poll_wait if wait is None else wait
        self.server: LongPollServer | None = None
        self.failures = 0

    async def poll_once(self) -> int:
        """One a_check round; returns how many events it handled."""
        account = await load_account(self.account_id)
        async with client_for(account) as client:
            if self.server is None:
                fresh = await client.get_long_poll_server()
                saved = await load_ts(self.account_id)
                self.server = msgspec.structs.replace(fresh, ts=saved or fresh.ts)
            answer = await client.check_long_poll(self.server, self.server.ts, wait=self.wait)
        if answer.failed is not None:
            await self._renew(answer.failed, answer.ts)
            return 0
        for event in answer.updates:
            await self._store(account, event)
        if answer.ts is not None:
            self.server = msgspec.structs.replace(self.server, ts=str(answer.ts))
            await save_ts(self.account_id, str(answer.ts))
        return len(answer.updates)

    async def _renew(self, failed: int, ts: Any) -> None:
        assert self.server is not None
        if failed == 1 and ts is not None:  # some history is gone; continue from here
            log.warning("vk account %s: long poll history lost, continuing", self.account_id)
            self.server = msgspec.structs.replace(self.server, ts=str(ts))
            await save_ts(self.account_id, str(ts))
        elif failed == 2:  # the key expired: a new one, the same ts
            keep = self.server.ts
            self.server = None
            await save_ts(self.account_id, keep)
        else:  # 3: key and ts are both invalid
            log.warning("vk account %s: long poll information lost, restarting", self.account_id)
            self.server = None
            await clear_ts(self.account_id)

    async def _store(self, account: Any, event: Event) -> None:
        try:
            items = await without_our_own(account.id, decode_event(event))
        except UnsupportedUpdate as exc:
            log.info("vk account %s: unsupported event skipped: %s", account.id, exc)
            return
        except ServiceError as exc:
            log.warning("vk account %s: event %s skipped: %s", account.id, event.event_id, exc)
            return
        if items:
            await store_inbound(account, items)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set, the account leaves long poll mode, or its token fails."""
        while not stop.is_set():
            account = await load_account(self.account_id)
            if account.status != "active" or account.config.mode != "longpoll":
                return
            try:
                await self.poll_once()
                self.failures = 0
            except AuthFailed as exc:
                await mark_needs_reauth(self.account_id, str(exc))
                return
            except NotReady as exc:
                await self._pause(stop, exc.retry_after)
            except Exception:
                log.exception("vk account %s: long poll failed", self.account_id)
                await self._pause(stop, None)

    async def _pause(self, stop: asyncio.Event, retry_after: float | None) -> None:
        self.failures += 1
        delay = retry_after if retry_after is not None else min(BACKOFF_MAX, 2.0**self.failures)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)


# -- the saved ts ------------------------------------------------------------------------------


async def load_ts(account_id: uuid.UUID) -> str | None:
    row = await current().db.fetchone(
        "SELECT ts FROM vk_poll_state WHERE account_id = {}", account_id
    )
    return str(row["ts"]) if row else None


async def save_ts(account_id: uuid.UUID, ts: str) -> None:
    db = current().db
    async with db.transaction():
        await db.execute(
            "INSERT INTO vk_poll_state (id, account_id, ts, updated_at) VALUES ({}, {}, {}, {})"
            " ON CONFLICT (account_id) DO UPDATE SET ts = excluded.ts,"
            " updated_at = excluded.updated_at",
            uuid.uuid4(),
            account_id,
            ts,
            time.time(),
        )


async def clear_ts(account_id: uuid.UUID) -> None:
    await current().db.execute("DELETE FROM vk_poll_state WHERE account_id = {}", account_id)


# -- running every long poll community ---------------------------------------------------------


async def longpoll_accounts() -> list[uuid.UUID]:
    """Active VK accounts whose config asks for Bots Long Poll."""
    from unionline.channel.tables import ChannelAccountRecord as Record

    rows = await Record.select(Record.id, Record.config).where(
        (Record.channel == "vk") & (Record.status == "active")
    )
    decoded = [(r["id"], msgspec.json.decode(r["config"] or "{}")) for r in rows]
    return [account_id for account_id, config in decoded if config.get("mode") == "longpoll"]


async def run_pollers(stop: asyncio.Event) -> None:
    """Long-poll every long poll community until ``stop``; new ones are picked up."""
    tasks: dict[uuid.UUID, asyncio.Task[None]] = {}
    try:
        while not stop.is_set():
            try:
                wanted = await longpoll_accounts()
            except Exception as exc:  # the database away (a restart): keep what runs, list later
                log.warning("vk: listing accounts failed: %s: %s", type(exc).__name__, exc)
                wanted = list(tasks)
            for account_id in wanted:
                task = tasks.get(account_id)
                if task is None or task.done():
                    tasks[account_id] = asyncio.create_task(LongPoller(account_id).run(stop))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RESCAN_SECONDS)
    finally:
        for task in tasks.values():  # an a_check may wait poll_wait seconds: do not wait
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
