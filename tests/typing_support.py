"""Typing notices end to end, shared by the messenger channels' tests: the app served over real
HTTP (the console is a websocket) with a channel account, and an operator's console client."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import httpx

from unionline.app import create_app
from unionline.settings import Settings
from unionline.testing.channel_contract import ChannelContract, ContractEnv
from unionline.testing.console import ConsoleClient, console_client
from unionline.testing.server import serve
from unionline.testing.support import AppHarness


@contextlib.asynccontextmanager
async def served(adapters: ChannelContract, settings: Settings) -> AsyncIterator[ContractEnv]:
    """The app under uvicorn with an organization and an account of ``adapters.channel``."""
    app = create_app(settings, migrate=True)
    async with serve(app) as base, httpx.AsyncClient(base_url=base, timeout=30) as client:
        harness = AppHarness(app, client)
        _, harness.admin_token = await harness.create_operator("admin", "admin", None)
        yield await adapters.create_env(harness)


@contextlib.asynccontextmanager
async def console(
    env: ContractEnv, login: str, organization_id: uuid.UUID
) -> AsyncIterator[ConsoleClient]:
    """A console of a new operator granted ``operator`` in ``organization_id``."""
    _, token = await env.harness.create_operator(login, "operator", organization_id)
    headers = {"Authorization": f"Bearer {token}"}
    async with console_client(str(env.harness.client.base_url), headers) as session:
        yield session


async def other_organization(env: ContractEnv) -> uuid.UUID:
    h = env.harness
    body = {"name": "Другая организация", "code": "OTHER", "kind": "primary"}
    created = await h.client.post("/api/organizations/", headers=h.admin_headers, json=body)
    assert created.status_code == 201, created.text
    return uuid.UUID(created.json()["id"])


async def set_account_status(env: ContractEnv, status: str) -> None:
    h = env.harness
    changed = await h.client.patch(
        f"/api/channel-accounts/{env.account.id}", headers=h.admin_headers, json={"status": status}
    )
    assert changed.status_code == 200, changed.text
