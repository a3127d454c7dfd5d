"""Fixtures of the console browser tests: a seeded app (``site``), Debian's Chromium driven by
Playwright (``browser``; never downloaded by Playwright) and signed-in pages (``login``).
See console_support.py for what is seeded."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from channel_support import REF
from console_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    UI_TIMEOUT_MS,
    Operator,
    Site,
    require_browser,
    running_site,
)
from pytest_asyncio import is_async_test

from unionline.settings import Settings
from unionline.testing.support import make_settings

Login = Callable[..., Awaitable[Any]]
HERE = Path(__file__).parent


@pytest.fixture(autouse=True)
def patient_expectations() -> None:
    """The machine may be busy: give live updates the same patience as page actions."""
    try:
        from playwright.async_api import expect
    except ImportError:  # the tests that need it skip (or fail under CI=true) on their own
        return
    expect.set_options(timeout=UI_TIMEOUT_MS)


@pytest.fixture
def browser_settings(
    request: pytest.FixtureRequest, unionline_database_url: str, tmp_path: Path
) -> Settings:
    marker = request.node.get_closest_marker("unionline_plugins")  # optional plugins to enable
    plugins = list(marker.args) if marker else []
    return REF.configure(make_settings(unionline_database_url, plugins=plugins), tmp_path)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run on the session's event loop, where the one shared Chromium lives."""
    session_loop = pytest.mark.asyncio(loop_scope="session")
    for item in items:
        if HERE in Path(item.path).parents and is_async_test(item):
            item.add_marker(session_loop, append=False)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def chromium() -> AsyncIterator[Any]:
    """One Chromium for the session (per pytest-xdist worker); tests get contexts of their own."""
    require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


class TestBrowser:
    """The shared Chromium as a test sees it: what the test opens is closed after it."""

    __test__ = False  # not a test class, whatever pytest's name pattern says

    def __init__(self, launched: Any) -> None:
        self._launched = launched
        self._contexts: list[Any] = []

    async def new_context(self, **options: Any) -> Any:
        context = await self._launched.new_context(**options)
        self._contexts.append(context)
        return context

    async def new_page(self, **options: Any) -> Any:
        return await (await self.new_context(**options)).new_page()

    async def close(self) -> None:
        for context in self._contexts:
            await context.close()
        self._contexts.clear()


@pytest_asyncio.fixture(loop_scope="session")
async def site(browser_settings: Settings) -> AsyncIterator[Site]:
    async with running_site(browser_settings) as seeded:
        yield seeded


@pytest_asyncio.fixture(loop_scope="session")
async def browser(chromium: Any, site: Site) -> AsyncIterator[TestBrowser]:
    opened = TestBrowser(chromium)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def login(browser: Any, site: Site) -> Login:
    """``await login(site.a, viewport=...)`` → a signed-in page in its own browser context;
    ``init_script`` runs in every document before the console's own code. The page records
    dialogs (``page.dialogs``, each dismissed) and uncaught errors (``page.console_errors``)."""

    async def sign_in(operator: Operator, init_script: str = "", **context_options: Any) -> Any:
        options = {"locale": "ru-RU", "viewport": {"width": 1280, "height": 820}}
        context = await browser.new_context(**{**options, **context_options})
        context.set_default_timeout(UI_TIMEOUT_MS)
        if init_script:
            await context.add_init_script(init_script)
        page = await context.new_page()
        page.dialogs = []
        page.on("dialog", _on_dialog(page))
        page.console_errors = []
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        await page.goto(f"{site.base}/console")
        await page.fill("#login-name", operator.login)
        await page.fill("#login-password", PASSWORD)
        await page.click("form.login-form button[type=submit]")
        await page.wait_for_selector(".connection[data-state=online]")
        return page

    return sign_in


def _on_dialog(page: Any) -> Callable[[Any], Awaitable[None]]:
    """Record every alert/confirm/prompt (tests assert there were none) and dismiss it."""

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
