"""Helpers of the console browser tests: a seeded app under uvicorn, the reference channel as
the member's side, and small waiting helpers.

``running_site`` starts the app (SQLite, or PostgreSQL when ``UNIONLINE_TEST_DATABASE_URL`` is
set) and seeds an organization with a reference-channel account, operators A (operator) and
B (supervisor), a member whose web contact point is the reference sender ``100001``, and an
earlier appeal of that member on the phone channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from channel_support import REF, SECRET, message

from unionline.channel import reference
from unionline.settings import Settings
from unionline.testing.server import serve
from unionline.testing.support import in_ci

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "password-123"
SENDER = "100001"  # the seeded member's reference-channel id
MEMBER_NAME = "Соколова Мария Ивановна"
UI_TIMEOUT_MS = 15_000


def require_browser() -> None:
    """Skip without Chromium or Playwright on a developer machine; fail under ``CI=true``."""
    problem = None
    if not Path(CHROMIUM).is_file():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing (pip install playwright)"
    if problem:
        if in_ci():
            pytest.fail(f"{problem}; under CI=true a missing browser is a failure")
        pytest.skip(problem)


@dataclass
class Operator:
    id: str
    login: str
    name: str


@dataclass
class Site:
    """The running app and what was seeded into it."""

    base: str
    client: httpx.AsyncClient
    admin: dict[str, str]
    organization_id: str
    account_id: uuid.UUID
    member_id: str
    a: Operator
    b: Operator
    updates: list[int] = field(default_factory=lambda: [0])

    async def inbound(self, text: str, sender: str = SENDER, name: str = "Мария Соколова") -> None:
        """A member's message through the reference channel's signed webhook."""
        self.updates[0] += 1
        await self._post(message(f"u{self.updates[0]}", sender, text, name))

    async def receipt(self, external_id: str, status: str) -> None:
        """The provider reports a message of ours delivered or read."""
        self.updates[0] += 1
        payload = {
            "update_id": f"u{self.updates[0]}",
            "type": "receipt",
            "message_id": external_id,
            "status": status,
        }
        await self._post(payload)

    async def _post(self, payload: dict[str, Any]) -> None:
        body, headers = reference.signed(SECRET, payload)
        response = await self.client.post(
            f"/channels/reference/{self.account_id}/inbound", content=body, headers=headers
        )
        assert response.status_code == 200, response.text

    def sent(self) -> list[reference.SentMessage]:
        """What the reference provider received from the app."""
        return list(reference.provider(self.account_id).sent)

    async def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.client.request(method, path, headers=self.admin, **kwargs)
        assert 200 <= response.status_code < 300, response.text
        return response.json() if response.content else None


async def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


async def seed(base: str, client: httpx.AsyncClient) -> Site:
    from unionline.access import Grant
    from unionline.operators.services import create_operator, create_token

    admin_id = await create_operator("admin", PASSWORD, grants=[Grant("admin", None)])
    admin = {"Authorization": f"Bearer {await create_token(admin_id, 'browser tests')}"}

    async def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        return await _created(await client.post(path, headers=admin, json=body))

    org = await post(
        "/api/organizations/",
        {"name": "Первичная профорганизация завода", "code": "ZAVOD", "kind": "primary"},
    )
    account = await post(
        "/api/channel-accounts/",
        {
            "organization_id": org["id"],
            "channel": "reference",
            "name": "Reference",
            "config": REF.account_config(),
            "secrets": REF.account_secrets(),
        },
    )
    people = []
    for login, name, role in (
        ("anna", "Анна Орлова", "operator"),
        ("boris", "Борис Ким", "supervisor"),
    ):
        grants = [{"role": role, "organization_id": org["id"]}]
        body = {"login": login, "password": PASSWORD, "name": name, "grants": grants}
        people.append(Operator((await post("/api/operators/", body))["id"], login, name))
    member = await post(
        "/api/members/",
        {
            "organization_id": org["id"],
            "full_name": MEMBER_NAME,
            "status": "member",
            "card_number": "77-1024",
            "employer": "Завод «Прогресс»",
            "position": "Инженер",
            "contacts": [
                {"kind": "web", "address": f"ref-{SENDER}"},
                {"kind": "phone", "address": "+7 912 345-67-89"},
                {"kind": "email", "address": "maria@example.org"},
            ],
        },
    )
    # An earlier appeal on another channel, for the member card's history.
    await post(
        "/api/appeals/",
        {
            "organization_id": org["id"],
            "member_id": member["id"],
            "subject": "Звонок: вопрос о премии",
            "channel": "phone",
        },
    )
    return Site(
        base=base,
        client=client,
        admin=admin,
        organization_id=org["id"],
        account_id=uuid.UUID(account["id"]),
        member_id=member["id"],
        a=people[0],
        b=people[1],
    )


@contextlib.asynccontextmanager
async def running_site(
    settings: Settings, extra_plugins: dict[str, object] | None = None
) -> AsyncIterator[Site]:
    """The app under uvicorn on a free port, seeded (see the module docstring)."""
    require_browser()
    from unionline.app import create_app

    app = create_app(settings, migrate=True, extra_plugins=extra_plugins)
    async with serve(app) as base, httpx.AsyncClient(base_url=base, timeout=30) as client:
        yield await seed(base, client)


async def wait_for(check: Callable[[], Any], what: str, attempts: int = 150) -> Any:
    """Poll ``check()`` until it returns something truthy (a bounded wait, not a timing assert)."""
    for _ in range(attempts):
        value = check()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


async def open_appeal(page: Any, text: str) -> None:
    """Click the list row showing ``text`` and wait for the member's message in the timeline.

    A live update may redraw the list between finding the row and the click landing (the click
    then hits a row that is gone): the click is repeated, a bounded number of times."""
    from playwright.async_api import expect

    message = page.locator(".timeline .message-in", has_text=text).first
    for attempt in range(5):
        row = page.locator(".appeal-row", has_text=text).first
        await expect(row).to_be_visible()
        await row.locator("a").click()
        try:
            await expect(message).to_be_visible(timeout=UI_TIMEOUT_MS // 3)
            return
        except AssertionError:
            if attempt == 4:
                raise


async def fits(page: Any) -> bool:
    """Nothing sticks out sideways (no horizontal scrolling at this width). Measured against the
    screen's width (``clientWidth``), not ``innerWidth``: a mobile context (``is_mobile``) widens
    its layout viewport to the widest content, so ``innerWidth`` grows with the overflow."""
    return bool(
        await page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
        )
    )


async def console_module(page: Any, name: str, expression: str) -> Any:
    """Evaluate ``expression`` with ``m`` bound to the console's ES module ``js/<name>.js``
    (the same instance the page uses)."""
    return await page.evaluate(
        f"async () => {{ const m = await import('/console/static/js/{name}.js'); "
        f"return {expression}; }}"
    )
