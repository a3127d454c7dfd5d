"""Screenshots of the browser tests: test artifacts under ``var/artifacts/<folder>/`` (or
``UNIONLINE_ADMIN_SCREENSHOTS``), and, when ``UNIONLINE_DOC_SCREENSHOTS=1``, the pictures of the
guides (``docs/img/admin/*.png``, at most 150 KB each) regenerated from the running product."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "img" / "admin"
DOC_LIMIT = 150 * 1024


def artifacts(folder: str = "admin") -> Path:
    """Where a test's screenshots go (kept after the run, outside the repository)."""
    chosen = os.environ.get("UNIONLINE_ADMIN_SCREENSHOTS")
    path = Path(chosen) if chosen else ROOT / "var" / "artifacts" / folder
    path.mkdir(parents=True, exist_ok=True)
    return path


def for_docs() -> bool:
    return os.environ.get("UNIONLINE_DOC_SCREENSHOTS") == "1"


TOP = """() => {
    document.activeElement && document.activeElement.blur && document.activeElement.blur();
    window.scrollTo(0, 0);
    for (const el of document.querySelectorAll('.content, .content *')) {
        if (el.scrollTop) el.scrollTop = 0;
    }
}"""


# The height the page needs to show everything: the document, or a column scrolling inside it
# (the console's content column, the robots page) from its top to the end of its content.
HEIGHT = """() => Math.max(document.documentElement.scrollHeight, ...[...document.querySelectorAll(
    '.content, .content *')]
    .filter((el) => el.scrollHeight > el.clientHeight + 1
        && !['visible', 'hidden', 'clip'].includes(getComputedStyle(el).overflowY))
    .map((el) => Math.ceil(el.getBoundingClientRect().top + window.scrollY + el.scrollHeight)))"""


async def _whole(page: Any, shoot: Any) -> None:
    """Run ``shoot()`` with the viewport grown to the content's height (on a wide screen the
    console scrolls inside its content column), scrolled to the top, toasts hidden."""
    size = page.viewport_size
    height = await page.evaluate(HEIGHT)
    hide = await page.add_style_tag(content="#toasts { display: none !important; }")
    await page.set_viewport_size(
        {"width": size["width"], "height": min(max(height, size["height"]), 8000)}
    )
    await page.evaluate(TOP)
    try:
        await shoot()
    finally:
        await page.set_viewport_size(size)
        await hide.evaluate("(el) => el.remove()")


async def snap(page: Any, path: Path) -> None:
    """The whole page as one picture (a test artifact)."""
    await _whole(page, lambda: page.screenshot(path=path, full_page=True))


async def doc_shot(
    page: Any, name: str, selector: str | None = None, *, whole: bool = True
) -> None:
    """A guide's picture: the whole page (``whole``) or what the screen shows, or one element
    of it. Written only under ``UNIONLINE_DOC_SCREENSHOTS=1``; a picture over 150 KB fails the
    test, so the guide never grows a heavy one unnoticed."""
    if not for_docs():
        return
    DOCS.mkdir(parents=True, exist_ok=True)
    path = DOCS / f"{name}.png"

    async def shoot() -> None:
        if selector:
            await page.locator(selector).first.screenshot(path=path)
        else:
            await page.screenshot(path=path)

    if whole:
        await _whole(page, shoot)
    else:
        hide = await page.add_style_tag(content="#toasts { display: none !important; }")
        await shoot()
        await hide.evaluate("(el) => el.remove()")
    size = path.stat().st_size
    assert size <= DOC_LIMIT, f"docs/img/admin/{name}.png is {size // 1024} KB (limit 150 KB)"
