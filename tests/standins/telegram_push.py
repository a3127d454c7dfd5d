"""The stand-in's webhook pusher: Telegram's side of a webhook, retries and redeliveries."""

from __future__ import annotations

import asyncio
import json
import random
import time
from typing import TYPE_CHECKING

import httpx

from standins.telegram import SECRET_HEADER, Attempt, WebhookReport, webhook_target
from standins.telegram_http import webhook_method

if TYPE_CHECKING:
    from standins.telegram import StandinBot


async def deliver(
    bot: StandinBot,
    client: httpx.AsyncClient | None,
    *,
    max_attempts: int,
    concurrency: int,
    duplicates: float,
    concurrent_duplicates: float,
    secret_token: str | None,
    retry_delay: float,
    rng: random.Random,
) -> WebhookReport:
    with bot.standin.lock:
        hook = dict(bot.webhook)
    if not hook.get("url"):
        raise RuntimeError("no webhook is set for this bot: call setWebhook first")
    secret = secret_token if secret_token is not None else hook.get("secret_token")
    headers = {"Content-Type": "application/json"}
    if secret:
        headers[SECRET_HEADER] = secret
    report = WebhookReport()
    own = client is None
    http = client or httpx.AsyncClient(timeout=10)
    target = hook["url"] if own else webhook_target(hook["url"])
    gate = asyncio.Semaphore(concurrency)

    async def post_until_ok(update: dict) -> bool:
        body = json.dumps(update, ensure_ascii=False).encode()
        for attempt in range(max_attempts):
            if attempt and retry_delay:
                await asyncio.sleep(retry_delay * attempt)
            try:
                answer = await http.post(target, content=body, headers=headers)
            except httpx.HTTPError as exc:
                report.attempts.append(Attempt(update["update_id"], None, repr(exc)))
                _note_error(bot, f"Connection failed: {type(exc).__name__}")
                continue
            report.attempts.append(Attempt(update["update_id"], answer.status_code))
            if 200 <= answer.status_code < 300:
                webhook_method(bot, answer.content)  # "a request in the answer to the webhook"
                return True
            _note_error(
                bot, f"Wrong response from the webhook: {answer.status_code} {answer.reason_phrase}"
            )
        return False

    async def one(update: dict, again: bool, twin: bool) -> None:
        async with gate:
            if twin:
                ok = any(await asyncio.gather(post_until_ok(update), post_until_ok(update)))
            else:
                ok = await post_until_ok(update)
            if ok and again:
                await post_until_ok(update)
        if ok:
            report.delivered.append(update["update_id"])
            bot.confirm({update["update_id"]})
        else:
            report.failed.append(update["update_id"])

    plan = [
        (u, rng.random() < duplicates, rng.random() < concurrent_duplicates) for u in bot.pending()
    ]
    try:
        await asyncio.gather(*(one(*step) for step in plan))
    finally:
        if own:
            await http.aclose()
    return report


def _note_error(bot: StandinBot, message: str) -> None:
    with bot.standin.lock:
        bot.webhook["last_error_date"] = int(time.time())
        bot.webhook["last_error_message"] = message
