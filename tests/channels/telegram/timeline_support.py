"""Posting recorded-shape updates through the real webhook endpoint and reading the timeline
the operator sees (``GET /api/appeals/{id}/timeline``, what the console reads)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from standins.telegram import TelegramStandin
from telegram_support import update_call

from unionline.testing.channel_contract import ContractEnv

FIXTURES = Path(__file__).parent / "fixtures"
MARIA = "411222333"


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


async def post(env: ContractEnv, update: dict[str, Any]) -> httpx.Response:
    response = await env.post(update_call(env.account, update))
    assert response.status_code == 200, response.text
    return response


async def entries(env: ContractEnv) -> list[dict[str, Any]]:
    """The account's member messages as the timeline API shows them, oldest first."""
    h, found = env.harness, []
    for appeal_id in dict.fromkeys(str(m["appeal_id"]) for m in await env.messages_in()):
        page = await h.client.get(f"/api/appeals/{appeal_id}/timeline", headers=h.admin_headers)
        assert page.status_code == 200, page.text
        found += [e for e in page.json()["items"] if e["kind"] == "message_in"]
    return sorted(found, key=lambda e: e["id"])


def files_of(update: dict[str, Any]) -> list[dict[str, Any]]:
    """Every file an update names (all photo sizes, thumbnails included)."""
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "file_id" in value and "file_unique_id" in value:
                found.append(value)
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(update)
    return found


def offer_files(telegram: TelegramStandin, update: dict[str, Any]) -> dict[str, bytes]:
    """Put the update's files on the stand-in; their contents by file id."""
    contents = {}
    for n, file in enumerate(files_of(update)):
        content = f"file {n} of update {update['update_id']}".encode()
        path = f"files/{file['file_unique_id']}"
        telegram.bot.register_file(
            file["file_id"], file["file_unique_id"], content, path, "application/octet-stream"
        )
        contents[file["file_id"]] = content
    return contents


async def deliver(env: ContractEnv, telegram: TelegramStandin, *names: str) -> list[dict]:
    """Post the fixtures ``names`` in order (with their files offered); the timeline after
    the fetch jobs ran."""
    for name in names:
        update = load(name)
        offer_files(telegram, update)
        await post(env, update)
    await env.harness.settle()
    return await entries(env)


async def download(env: ContractEnv, entry: dict[str, Any]) -> list[bytes]:
    h = env.harness
    return [
        (await h.client.get(a["url"], headers=h.admin_headers)).content
        for a in entry["data"]["attachments"]
    ]
