"""Browser tests of the operator console: a real app under uvicorn (SQLite, or PostgreSQL when
``UNIONLINE_TEST_DATABASE_URL`` is set) driven by Debian's Chromium through Playwright.

``site`` seeds an organization with a reference-channel account, operators A (operator) and
B (supervisor), and a member whose web contact point is the reference sender ``100001``.
Chromium is never downloaded by Playwright: without ``/usr/bin/chromium`` the tests skip on a
developer machine and fail under ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from channel_support import REF, message

from unionline.channel import reference
from unionline.settings import Settings
from unionline.testing.server import serve
from unionline.testing.support import in_ci, make_settings

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
UI_TIMEOUT_MS = 15_000


def _require_browser() -> None:
    problem = None
    if not (Path(CHROMIUM).is_file() or shutil.which("chromium")):
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
        body, headers = reference.signed(
            "reference-signing-secret-0123", message(f"u{self.updates[0]}", sender, text, name)
        )
        response = await self.client.post(
            f"/channels/reference/{self.account_id}/inbound", content=body, headers=headers
        )
        assert response.status_code == 200, response.text

    def sent(self) -> list[str]:
        """Texts the reference provider received from the app."""
        return [s.text for s in reference.provider(self.account_id).sent]

    async def appeals(self) -> list[dict[str, Any]]:
        response = await self.client.get("/api/appeals/", headers=self.admin)
        assert response.status_code == 200, response.text
        return list(response.json()["items"])


@pytest.fixture
def browser_settings(unionline_database_url: str, tmp_path: Path) -> Settings:
    return REF.configure(make_settings(unionline_database_url), tmp_path)


async def _ok(response: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


async def _seed(base: str, client: httpx.AsyncClient) -> Site:
    from unionline.access import Grant
    from unionline.operators.services import create_operator, create_token

    admin_id = await create_operator("admin", PASSWORD, grants=[Grant("admin", None)])
    admin = {"Authorization": f"Bearer {await create_token(admin_id, 'browser tests')}"}
    org = await _ok(
        await client.post(
            "/api/organizations/",
            headers=admin,
            json={"name": "Первичная профорганизация завода", "code": "ZAVOD", "kind": "primary"},
        )
    )
    account = await _ok(
        await client.post(
            "/api/channel-accounts/",
            headers=admin,
            json={
                "organization_id": org["id"],
                "channel": "reference",
                "name": "Reference",
                "config": REF.account_config(),
                "secrets": REF.account_secrets(),
            },
        )
    )
    people = []
    for login, name, role in (
        ("anna", "Анна Орлова", "operator"),
        ("boris", "Борис Ким", "supervisor"),
    ):
        created = await _ok(
            await client.post(
                "/api/operators/",
                headers=admin,
                json={
                    "login": login,
                    "password": PASSWORD,
                    "name": name,
                    "grants": [{"role": role, "organization_id": org["id"]}],
                },
            )
        )
        people.append(Operator(created["id"], login, name))
    member = await _ok(
        await client.post(
            "/api/members/",
            headers=admin,
            json={
                "organization_id": org["id"],
                "full_name": "Соколова Мария Ивановна",
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
    )
    # An earlier appeal on another channel, for the member card's history.
    await _ok(
        await client.post(
            "/api/appeals/",
            headers=admin,
            json={
                "organization_id": org["id"],
                "member_id": member["id"],
                "subject": "Звонок: вопрос о премии",
                "channel": "phone",
            },
        )
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


@pytest.fixture
async def site(browser_settings: Settings) -> AsyncIterator[Site]:
    _require_browser()
    from unionline.app import create_app

    app = create_app(browser_settings, migrate=True)
    async with serve(app) as base, httpx.AsyncClient(base_url=base, timeout=30) as client:
        yield await _seed(base, client)


@pytest.fixture
async def browser(site: Site) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


Login = Callable[..., Awaitable[Any]]


@pytest.fixture
def login(browser: Any, site: Site) -> Login:
    """``await login(site.a, viewport=...)`` → a signed-in page (its own browser context)."""

    async def sign_in(operator: Operator, **context_options: Any) -> Any:
        options = {"locale": "ru-RU", "viewport": {"width": 1280, "height": 820}}
        context = await browser.new_context(**{**options, **context_options})
        context.set_default_timeout(UI_TIMEOUT_MS)
        page = await context.new_page()
        page.dialogs = []  # type: ignore[attr-defined]
        page.on("dialog", _on_dialog(page))
        page.console_errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        await page.goto(f"{site.base}/console")
        await page.fill("#login-name", operator.login)
        await page.fill("#login-password", PASSWORD)
        await page.click("form.login-form button[type=submit]")
        await page.wait_for_selector(".connection[data-state=online]")
        return page

    return sign_in


def _on_dialog(page: Any) -> Callable[[Any], Awaitable[None]]:
    """Record every alert/confirm/prompt (a test asserts there were none) and dismiss it."""

    async def dismiss(dialog: Any) -> None:
        page.dialogs.append(dialog.message)
        await dialog.dismiss()

    return dismiss


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: ``UNIONLINE_SCREENSHOTS`` if set (to look at them), else tmp."""
    folder = Path(os.environ.get("UNIONLINE_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
