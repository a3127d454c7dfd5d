"""Long polling for bots without a public URL: ``getUpdates`` → store → confirm.

Telegram forgets updates once ``getUpdates`` is called with a higher ``offset``. We raise the
offset only after every update of the batch was stored (or judged unsupported), so a crash
between the two makes Telegram send the batch again, and the inbound dedup absorbs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import Any

import msgspec

from unionline.channel.accounts import load_account, mark_needs_reauth
from unionline.channel.inbound import store_inbound
from unionline.channels.telegram.channel import client_for, decode_with_side_effects
from unionline.channels.telegram.errors import WebhookActive
from unionline.channels.telegram.settings import BotConfig, telegram_settings
from unionline.channels.telegram.types import Update
from unionline.errors import AuthFailed, NotReady, ServiceError, UnsupportedUpdate

log = logging.getLogger("unionline.channels.telegram.polling")
RESCAN_SECONDS = 30.0
BACKOFF_MAX = 60.0


class Poller:
    """Polls one bot account; ``offset`` is the next update id to ask for."""

    def __init__(self, account_id: uuid.UUID, *, timeout: int | None = None) -> None:
        self.account_id = account_id
        self.timeout = telegram_settings().poll_timeout if timeout is None else timeout
        self.offset: int | None = None
        self.failures = 0

    async def poll_once(self) -> int:
        """One ``getUpdates`` round; returns how many updates it handled."""
        account = await load_account(self.account_id)
        async with client_for(account) as client:
            try:
                updates = await client.get_updates(self.offset, timeout=self.timeout)
            except WebhookActive:
                log.warning("telegram account %s: deleting its webhook to poll", account.id)
                await client.delete_webhook()
                return 0
        for update in updates:
            await self._store(account, update)
        if updates:  # confirmed with the next getUpdates, now that all of them are stored
            self.offset = max(u.update_id for u in updates) + 1
        return len(updates)

    async def _store(self, account: Any, update: Update) -> None:
        try:
            items = await decode_with_side_effects(update)
        except UnsupportedUpdate as exc:
            log.info("telegram account %s: unsupported update skipped: %s", account.id, exc)
            return
        except ServiceError as exc:  # malformed content: it would fail the same way forever
            log.warning("telegram account %s: update %s skipped: %s", account.id, update, exc)
            return
        if items:
            await store_inbound(account, items)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set, the account leaves polling mode, or its token is refused."""
        while not stop.is_set():
            account = await load_account(self.account_id)
            if account.status != "active" or account.config.mode != "polling":
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
                log.exception("telegram account %s: polling failed", self.account_id)
                await self._pause(stop, None)

    async def _pause(self, stop: asyncio.Event, retry_after: float | None) -> None:
        self.failures += 1
        delay = retry_after if retry_after is not None else min(BACKOFF_MAX, 2.0**self.failures)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)


async def polling_accounts() -> list[uuid.UUID]:
    """Active Telegram accounts whose config asks for polling."""
    from unionline.channel.tables import ChannelAccountRecord as Record

    rows = await Record.select(Record.id, Record.config).where(
        (Record.channel == "telegram") & (Record.status == "active")
    )
    configs = [
        (row["id"], msgspec.json.decode(row["config"] or "{}", type=BotConfig)) for row in rows
    ]
    return [account_id for account_id, config in configs if config.mode == "polling"]


async def run_pollers(stop: asyncio.Event) -> None:
    """Poll every polling-mode account until ``stop``; accounts added later are picked up."""
    tasks: dict[uuid.UUID, asyncio.Task[None]] = {}
    try:
        while not stop.is_set():
            try:
                wanted = await polling_accounts()
            except Exception as exc:  # the database away (a restart): keep what runs, list later
                log.warning("telegram: listing accounts failed: %s: %s", type(exc).__name__, exc)
                wanted = list(tasks)
            for account_id in wanted:
                task = tasks.get(account_id)
                if task is None or task.done():
                    tasks[account_id] = asyncio.create_task(Poller(account_id).run(stop))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RESCAN_SECONDS)
    finally:
        for task in tasks.values():  # a getUpdates may wait poll_timeout seconds: do not wait
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
