"""Serve the operator console UI: ``/console`` (the page), ``/console/static/…`` (its ES
modules and styles, no build step) and the plugins' console assets.

Plugins add browser code with ``register_console_assets``; the page asks
``/console/plugins.json`` which modules to import and loads each from
``/console/plugins/<plugin>/<file>``. Nothing here is part of the JSON API (not in the schema).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from litestar import MediaType, Response, get
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File
from litestar.static_files import create_static_files_router

from unionline.runtime import current

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
    ]
    return Response(assets, media_type=MediaType.JSON)


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
    return [console_page, console_plugin_assets, console_plugin_file, static]
