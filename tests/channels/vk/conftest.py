"""Fixtures for the VK channel tests: a VK API stand-in and a client bound to it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from standins.vk import VkStandin

from unionline.channels.vk.client import VkClient

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def payload() -> Callable[[str], dict]:
    """Load a recorded-shape VK event from ``fixtures/<name>.json``."""

    def load(name: str) -> dict:
        return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))

    return load


@pytest.fixture
def vk() -> Iterator[VkStandin]:
    with VkStandin() as standin:
        yield standin


@pytest.fixture
async def client(vk: VkStandin) -> AsyncIterator[VkClient]:
    community = vk.community
    async with VkClient(
        community.token, group_id=community.group_id, base_url=vk.base_url, timeout=5
    ) as c:
        yield c
