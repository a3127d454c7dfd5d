"""Bots Long Poll for communities without a public URL: a_check → store → remember ``ts``.

The ``ts`` after a batch is saved only once every event of the batch was stored, and a
restart resumes from it with a fresh key, so no event is lost between runs. VK's answers
``failed: 1`` (history moved on: continue from the given ts), ``2`` (key expired: new key,
same ts) and ``3`` (information lost: new key and ts) are handled as VK documents.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any, ClassVar

import msgspec

from unionline import ServiceError, UnsupportedUpdate, current
from unionline.channel import Poller, load_account, store_inbound
from unionline.channels.vk.channel import client_for
from unionline.channels.vk.inbound import decode_one, names_of
from unionline.channels.vk.settings import CommunityConfig, vk_settings
from unionline.channels.vk.types import Event, LongPollServer

log = logging.getLogger("unionline.channels.vk.polling")


class LongPoller(Poller):
    """Polls one community; ``server`` holds the key, ``ts`` where to continue."""

    channel: ClassVar[str] = "vk"

    def __init__(self, account_id: uuid.UUID, *, wait: int | None = None) -> None:
        super().__init__(account_id)
        self.wait = vk_settings().poll_wait if wait is None else wait
        self.server: LongPollServer | None = None

    @classmethod
    def polls(cls, config: CommunityConfig) -> bool:
        return config.mode == "longpoll"

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
        names = await names_of(account, answer.updates)  # one users.get for the batch
        for event in answer.updates:
            await self._store(account, event, names)
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

    async def _store(self, account: Any, event: Event, names: dict[int, str]) -> None:
        try:
            items = await decode_one(account, event, names)
        except UnsupportedUpdate as exc:
            log.info("vk account %s: unsupported event skipped: %s", account.id, exc)
            return
        except ServiceError as exc:
            log.warning("vk account %s: event %s skipped: %s", account.id, event.event_id, exc)
            return
        if items:
            await store_inbound(account, items)


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
