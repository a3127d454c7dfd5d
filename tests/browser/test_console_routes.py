"""How the console UI is served (no browser needed): the page with its security headers, the
ES modules, and plugins' console assets — listed, served, and never outside their folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from unionline import hookimpl
from unionline.registry import ConsoleAssetsRegistrar
from unionline.testing.support import running_app

STATIC = Path(__file__).resolve().parents[2] / "core" / "console" / "static"
# Ways to turn a string into markup or code; the console builds DOM nodes instead (js/dom.js).
HTML_SINKS = (
    r"\.(inner|outer)HTML\s*\+?=",
    r"insertAdjacentHTML\s*\(",
    r"document\.write",
    r"\beval\s*\(",
    r"new\s+Function\s*\(",
    r"createContextualFragment",
    r"DOMParser",
)


class AssetsPlugin:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def register_console_assets(self, register: ConsoleAssetsRegistrar) -> None:
        register(self.folder, "index.js")


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    folder = tmp_path / "assets"
    (folder / "lib").mkdir(parents=True)
    (folder / "index.js").write_text("export function setup(api) {}\n", encoding="utf-8")
    (folder / "lib" / "part.js").write_text("export const x = 1;\n", encoding="utf-8")
    (folder / ".secret.js").write_text("nope\n", encoding="utf-8")
    (folder / "notes.py").write_text("print('server code')\n", encoding="utf-8")
    (tmp_path / "outside.js").write_text("outside\n", encoding="utf-8")
    return folder


@pytest_asyncio.fixture(loop_scope="session")
async def client(unionline_settings: Any, assets: Path) -> Any:
    plugins = {"test.console_assets": AssetsPlugin(assets)}
    async with running_app(unionline_settings, migrate=True, extra_plugins=plugins) as h:
        yield h.client


async def test_page_is_served_with_a_strict_policy(client: Any) -> None:
    page = await client.get("/console")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<meta charset="utf-8">' in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


async def test_the_root_leads_to_the_console_and_there_is_an_icon(client: Any) -> None:
    root = await client.get("/", follow_redirects=False)
    assert root.status_code == 302 and root.headers["location"] == "/console"
    icon = await client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg") and icon.headers["x-content-type-options"] == "nosniff"
    page = await client.get("/console")
    assert '<link rel="icon" href="/console/static/favicon.svg"' in page.text
    assert (await client.get("/console/static/favicon.svg")).status_code == 200


async def test_every_module_is_served_as_javascript(client: Any) -> None:
    modules = sorted(STATIC.rglob("*.js"))
    assert len(modules) > 10
    for path in modules:
        url = "/console/static/" + path.relative_to(STATIC).as_posix()
        response = await client.get(url)
        assert response.status_code == 200, url
        assert "javascript" in response.headers["content-type"], url
    css = await client.get("/console/static/console.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]


def test_the_ui_never_uses_innerhtml_or_third_party_resources() -> None:
    """Member text must stay text; the console loads nothing from other hosts."""
    for path in [*STATIC.rglob("*.js"), *STATIC.rglob("*.html"), *STATIC.rglob("*.css")]:
        source = path.read_text(encoding="utf-8")
        for forbidden in HTML_SINKS:
            assert not re.search(forbidden, source), f"{path.name} matches {forbidden}"
        if path.name != "dom.js":
            assert ".srcdoc" not in source, f"{path.name}: srcdoc only via dom.sandboxedHtml"
        for scheme in ("http://", "https://", "//cdn", "@import url("):
            assert scheme not in source, f"{path.name} refers to {scheme}"


async def test_plugin_assets_are_listed_and_served(client: Any) -> None:
    listed = await client.get("/console/plugins.json")
    assert listed.status_code == 200
    entries = listed.json()
    assert {
        "plugin": "test.console_assets",
        "url": "/console/plugins/test.console_assets/index.js",
    } in entries
    # the core's own plugins ship console code the same way (core.robot_actions: the CSAT page)
    assert "core.robot_actions" in {e["plugin"] for e in entries}
    for listed_entry in entries:
        assert (await client.get(listed_entry["url"])).status_code == 200, listed_entry
    entry = await client.get("/console/plugins/test.console_assets/index.js")
    assert entry.status_code == 200 and "export function setup" in entry.text
    assert entry.headers["content-type"].startswith("text/javascript")  # module scripts need it
    nested = await client.get("/console/plugins/test.console_assets/lib/part.js")
    assert nested.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/console/plugins/test.console_assets/../outside.js",
        "/console/plugins/test.console_assets/%2e%2e/outside.js",
        "/console/plugins/test.console_assets/lib/%2e%2e/%2e%2e/outside.js",
        "/console/plugins/test.console_assets/.secret.js",
        "/console/plugins/test.console_assets/notes.py",
        "/console/plugins/test.console_assets/missing.js",
        "/console/plugins/no.such.plugin/index.js",
    ],
)
async def test_plugin_assets_never_leave_their_folder(client: Any, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404, (path, response.text)
    assert "outside" not in response.text and "nope" not in response.text
