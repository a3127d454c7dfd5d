"""The stand-in's Callback API pusher: VK's side of a callback server, retries included."""

from __future__ import annotations

import asyncio
import json
import random
from typing import TYPE_CHECKING

import httpx

from standins.vk import Attempt, CallbackReport

if TYPE_CHECKING:
    from standins.vk import StandinCommunity


def _target(url: str, own: bool) -> str:
    if own:
        return url
    parts = httpx.URL(url)
    return parts.raw_path.decode()


async def deliver(
    community: StandinCommunity,
    client: httpx.AsyncClient | None,
    *,
    max_attempts: int,
    concurrency: int,
    duplicates: float,
    concurrent_duplicates: float,
    secret: str | None,
    rng: random.Random,
) -> CallbackReport:
    with community.standin.lock:
        server = dict(community.callback)
    if not server["url"]:
        raise RuntimeError("no Callback API server is set: call set_callback_server first")
    report = CallbackReport()
    own = client is None
    http = client or httpx.AsyncClient(timeout=10)
    target = _target(server["url"], own)
    try:
        report.confirmed = server["confirmed"] or await _confirm(community, http, target, server)
        if not report.confirmed:
            return report
        await _events(
            community,
            http,
            target,
            report,
            max_attempts,
            concurrency,
            duplicates,
            concurrent_duplicates,
            server["secret"] if secret is None else secret,
            rng,
        )
    finally:
        if own:
            await http.aclose()
    return report


async def _confirm(
    community: StandinCommunity, http: httpx.AsyncClient, target: str, server: dict
) -> bool:
    body = {"type": "confirmation", "group_id": community.group_id}
    try:
        answer = await http.post(target, json=body)
    except httpx.HTTPError:
        return False
    confirmed = answer.status_code == 200 and answer.text == server["code"]
    with community.standin.lock:
        community.callback["confirmed"] = confirmed
    return confirmed


async def _events(
    community: StandinCommunity,
    http: httpx.AsyncClient,
    target: str,
    report: CallbackReport,
    max_attempts: int,
    concurrency: int,
    duplicates: float,
    concurrent_duplicates: float,
    secret: str,
    rng: random.Random,
) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def post_until_ok(event: dict) -> bool:
        body = json.dumps({**event, "secret": secret}, ensure_ascii=False).encode()
        for attempt in range(max_attempts):
            headers = {"Content-Type": "application/json"}
            if attempt:
                headers["X-Retry-Counter"] = str(attempt)
            try:
                answer = await http.post(target, content=body, headers=headers)
            except httpx.HTTPError as exc:
                report.attempts.append(Attempt(event["event_id"], None, repr(exc), attempt or None))
                continue
            report.attempts.append(
                Attempt(event["event_id"], answer.status_code, answer.text, attempt or None)
            )
            if answer.status_code == 200 and answer.text == "ok":
                return True
        return False

    async def one(event: dict, again: bool, twin: bool) -> None:
        async with gate:
            if twin:
                ok = any(await asyncio.gather(post_until_ok(event), post_until_ok(event)))
            else:
                ok = await post_until_ok(event)
            if ok and again:
                await post_until_ok(event)
        (report.delivered if ok else report.failed).append(event["event_id"])
        if ok:
            with community.standin.lock:
                community.callback_queue = [
                    e for e in community.callback_queue if e["event_id"] != event["event_id"]
                ]

    with community.standin.lock:
        queue = list(community.callback_queue)
    plan = [(e, rng.random() < duplicates, rng.random() < concurrent_duplicates) for e in queue]
    await asyncio.gather(*(one(*step) for step in plan))
