"""Long polling for bots without a public URL: ``getUpdates`` → store → confirm.

Telegram forgets updates once ``getUpdates`` is called with a higher ``offset``. We raise the
offset only after every update of the batch was stored (or judged unsupported), so a crash
between the two makes Telegram send the batch again, and the inbound dedup absorbs it.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, ClassVar

from unionline import ServiceError, UnsupportedUpdate
from unionline.channel import Poller, load_account, store_inbound
from unionline.channels.telegram.channel import client_for
from unionline.channels.telegram.errors import WebhookActive
from unionline.channels.telegram.settings import BotConfig, telegram_settings
from unionline.channels.telegram.setup import ALLOWED_UPDATES
from unionline.channels.telegram.types import Update
from unionline.channels.telegram.updates import answer_polled, decode_with_side_effects

log = logging.getLogger("unionline.channels.telegram.polling")


class TelegramPoller(Poller):
    """Polls one bot account; ``offset`` is the next update id to ask for."""

    channel: ClassVar[str] = "telegram"

    def __init__(self, account_id: uuid.UUID, *, timeout: int | None = None) -> None:
        super().__init__(account_id)
        self.timeout = telegram_settings().poll_timeout if timeout is None else timeout
        self.offset: int | None = None

    @classmethod
    def polls(cls, config: BotConfig) -> bool:
        return config.mode == "polling"

    async def poll_once(self) -> int:
        """One ``getUpdates`` round; returns how many updates it handled."""
        account = await load_account(self.account_id)
        async with client_for(account) as client:
            try:
                updates = await client.get_updates(
                    self.offset, timeout=self.timeout, allowed_updates=ALLOWED_UPDATES
                )
            except WebhookActive:
                log.warning("telegram account %s: deleting its webhook to poll", account.id)
                await client.delete_webhook()
                return 0
            for update in updates:
                await self._store(account, update)
                await answer_polled(client, update)  # a button press: stop its spinner
        if updates:  # confirmed with the next getUpdates, now that all of them are stored
            self.offset = max(u.update_id for u in updates) + 1
        return len(updates)

    async def _store(self, account: Any, update: Update) -> None:
        try:
            items = await decode_with_side_effects(update, account.config)
        except UnsupportedUpdate as exc:
            log.info("telegram account %s: unsupported update skipped: %s", account.id, exc)
            return
        except ServiceError as exc:  # malformed content: it would fail the same way forever
            log.warning("telegram account %s: update %s skipped: %s", account.id, update, exc)
            return
        if items:
            await store_inbound(account, items)
