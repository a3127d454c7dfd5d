"""Serve the operator console UI: ``/console`` (the page), ``/console/static/…`` (its ES
modules and styles, no build step), ``/console/vocabulary.json`` (statuses, priorities and
their labels, from the server's one definition) and the plugins' console assets.

Plugins add browser code with ``register_console_assets``; the page asks
``/console/plugins.json`` which modules to import and loads each from
``/console/plugins/<plugin>/<file>``. ``/console/pages.json`` lists the console pages
(``register.page``) the signed-in operator may open. Nothing here is part of the JSON API (not
in the schema).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from litestar import MediaType, Response, get
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Redirect
from litestar.static_files import create_static_files_router

from unionline.access import Actor, scope_for
from unionline.console.vocabulary import Vocabulary, vocabulary
from unionline.registry import ConsolePage
from unionline.runtime import current
from unionline.web import CurrentActor

STATIC = Path(__file__).parent / "static"
# The console changes with each deployment; revalidating keeps a tab from mixing versions.
REVALIDATE = CacheControlHeader(no_cache=True)
# The page loads only its own modules and styles and talks only to its own origin; e-mail HTML
# in srcdoc iframes inherits this policy, so remote images (tracking pixels) stay blocked too.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-src 'self' about:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# What a plugin's console folder may serve, with the type a browser needs (module scripts
# must be JavaScript); hidden files and anything else answer 404.
SERVED_SUFFIXES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}


class PluginAsset(msgspec.Struct, kw_only=True):
    plugin: str
    url: str  # the ES module the console imports


class PageTitle(msgspec.Struct, kw_only=True):
    ru: str
    en: str


class PageView(msgspec.Struct, kw_only=True):
    """A console page the operator may open: ``#/<section>/<id>``."""

    id: str
    section: str  # "admin" or "work"
    plugin: str
    title: PageTitle
    element: str  # the custom element to mount
    url: str  # the ES module that defines it
    order: int


@get("/", include_in_schema=False)
async def root() -> Redirect:
    """The site's root is the console (a person opening the bare address lands somewhere)."""
    return Redirect("/console", status_code=302)


@get("/favicon.ico", include_in_schema=False, cache_control=REVALIDATE)
async def favicon() -> File:
    """The icon browsers ask for at the root; the console's page names the same SVG."""
    return File(
        STATIC / "favicon.svg",
        media_type="image/svg+xml",
        content_disposition_type="inline",
        headers={"X-Content-Type-Options": "nosniff"},
    )


@get("/console", include_in_schema=False, cache_control=REVALIDATE)
async def console_page() -> File:
    """The console's single page (login included); the rest is ES modules under /console/static."""
    return File(
        STATIC / "index.html",
        media_type="text/html",
        content_disposition_type="inline",
        headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"},
    )


@get("/console/plugins.json", include_in_schema=False, cache_control=REVALIDATE)
async def console_plugin_assets() -> Response[list[PluginAsset]]:
    """The ES modules that plugins registered for the console, in registration order."""
    assets = [
        PluginAsset(plugin=a.plugin, url=f"/console/plugins/{a.plugin}/{a.entry}")
        for a in current().registry.console_assets
        if a.entry is not None
    ]
    return Response(assets, media_type=MediaType.JSON)


@get("/console/pages.json", include_in_schema=False, cache_control=REVALIDATE)
async def console_pages(actor: CurrentActor) -> Response[list[PageView]]:
    """The console pages the signed-in operator holds the permission of, by section and order."""
    pages = sorted(
        [p for p in current().registry.console_pages.values() if await _may_open(actor, p)],
        key=lambda p: (p.section, p.order, p.title_ru),
    )
    views = [
        PageView(
            id=p.id,
            section=p.section,
            plugin=p.plugin,
            title=PageTitle(ru=p.title_ru, en=p.title_en),
            element=p.element,
            url=f"/console/plugins/{p.plugin}/{p.module.lstrip('/')}",
            order=p.order,
        )
        for p in pages
    ]
    return Response(views, media_type=MediaType.JSON)


@get("/console/vocabulary.json", include_in_schema=False, cache_control=REVALIDATE)
async def console_vocabulary() -> Response[Vocabulary]:
    """Appeal statuses (all, active, done, the moves between them), priorities, delivery
    statuses and their labels in every language; the console imports nothing else of them."""
    return Response(vocabulary(), media_type=MediaType.JSON)


@get("/console/plugins/{plugin:str}/{path:path}", include_in_schema=False, cache_control=REVALIDATE)
async def console_plugin_file(plugin: FromPath[str], path: FromPath[str]) -> File:
    """One file of a plugin's console assets (never outside its registered folder)."""
    for asset in current().registry.console_assets:
        if asset.plugin == plugin:
            target = _inside(asset.directory, path)
            return File(
                target,
                media_type=SERVED_SUFFIXES[target.suffix],
                content_disposition_type="inline",
                headers={"X-Content-Type-Options": "nosniff"},
            )
    raise NotFoundException(f"no console assets for plugin {plugin!r}")


async def _may_open(actor: Actor, page: ConsolePage) -> bool:
    if not actor.can(page.permission):
        return False
    return not page.federation_wide or (await scope_for(actor, page.permission)).everything


def _inside(directory: Path, relative: str) -> Path:
    base = directory.resolve()
    target = (base / relative.lstrip("/")).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        raise NotFoundException("no such console asset")
    hidden = any(part.startswith(".") for part in target.relative_to(base).parts)
    if hidden or target.suffix not in SERVED_SUFFIXES:
        raise NotFoundException("no such console asset")
    return target


def console_routes() -> list[Any]:
    """Every handler of the UI, for the console plugin's ``register_routes``."""
    static = create_static_files_router(
        path="/console/static",
        directories=[STATIC],
        name="console-static",
        cache_control=REVALIDATE,
        include_in_schema=False,
    )
    return [
        root,
        favicon,
        console_page,
        console_plugin_assets,
        console_pages,
        console_vocabulary,
        console_plugin_file,
        static,
    ]
