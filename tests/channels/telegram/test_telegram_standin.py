"""The stand-in's webhook pusher behaves as Telegram's: secret header, the same update retried
on a non-2xx answer, duplicates and concurrent redeliveries on demand."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from litestar import Litestar, Request, post
from standins.telegram import SECRET_HEADER, TelegramStandin


class Receiver:
    """A webhook endpoint that fails the first ``fail`` requests, then answers 200."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.seen: list[tuple[int, str | None]] = []
        self.in_flight = 0
        self.most_in_flight = 0

        @post("/hook", status_code=200)
        async def hook(request: Request[Any, Any, Any]) -> str:
            body = await request.json()
            self.seen.append((body["update_id"], request.headers.get(SECRET_HEADER)))
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            await asyncio.sleep(0.01)
            self.in_flight -= 1
            if self.fail:
                self.fail -= 1
                raise RuntimeError("receiver down")
            return ""

        self.app = Litestar([hook], debug=False, logging_config=None)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://receiver"
        )


async def _set_webhook(telegram: TelegramStandin, secret: str | None = "tok_1") -> None:
    params = {"url": "https://union.example/hook"} | ({"secret_token": secret} if secret else {})
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{telegram.base_url}/bot{telegram.bot.token}/setWebhook", json=params
        )
    assert answer.json() == {"ok": True, "result": True, "description": "Webhook was set"}


async def test_pusher_retries_the_same_update_until_2xx(telegram: TelegramStandin) -> None:
    await _set_webhook(telegram)
    update = telegram.bot.message("раз")
    receiver = Receiver(fail=2)
    async with receiver.client() as client:
        report = await telegram.bot.deliver_webhook(client)
    assert report.statuses() == [500, 500, 200]
    assert receiver.seen == [(update["update_id"], "tok_1")] * 3
    assert report.delivered == [update["update_id"]] and telegram.bot.pending() == []


async def test_pusher_gives_up_and_keeps_the_update(telegram: TelegramStandin) -> None:
    await _set_webhook(telegram, secret=None)
    telegram.bot.message("не доставлено")
    receiver = Receiver(fail=100)
    async with receiver.client() as client:
        report = await telegram.bot.deliver_webhook(client, max_attempts=3)
    assert report.statuses() == [500, 500, 500] and len(report.failed) == 1
    assert receiver.seen[0][1] is None  # no secret was set, so no header
    assert len(telegram.bot.pending()) == 1
    assert "500" in telegram.bot.webhook["last_error_message"]


async def test_pusher_duplicates_and_redelivers_concurrently(telegram: TelegramStandin) -> None:
    await _set_webhook(telegram)
    updates = [telegram.bot.message(f"сообщение {n}") for n in range(40)]
    receiver = Receiver()
    async with receiver.client() as client:
        report = await telegram.bot.deliver_webhook(
            client, concurrency=4, duplicates=0.3, concurrent_duplicates=0.3, seed=5
        )
    ids = [update_id for update_id, _ in receiver.seen]
    assert sorted(set(ids)) == sorted(u["update_id"] for u in updates)
    assert len(ids) > len(updates)  # some came more than once
    assert receiver.most_in_flight > 1
    assert sorted(report.delivered) == sorted(set(ids))


async def test_pusher_needs_a_webhook(telegram: TelegramStandin) -> None:
    with pytest.raises(RuntimeError, match="setWebhook"):
        await telegram.bot.deliver_webhook()
