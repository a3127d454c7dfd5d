"""axe-core in the browser tests: the accessibility gate of the console and the widgets.

axe-core is an npm package (``tests/browser/package.json``, installed by ``scripts/test`` into
``tests/browser/node_modules``; never shipped). :func:`serious_violations` loads it into a page —
through the DevTools protocol, so the page's Content-Security-Policy needs no exception — and
answers the violations of impact ``critical`` or ``serious``, one readable line each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from unionline.testing.support import in_ci

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"

_RUN = """async ([include, exclude]) => {
    const context = include ? { include: [include], exclude } : { exclude };
    const result = await axe.run(context, { resultTypes: ["violations"] });
    return result.violations
        .filter((v) => ["critical", "serious"].includes(v.impact))
        .map((v) => `${v.impact} ${v.id} (${v.help}): ` + v.nodes.slice(0, 6)
            .map((n) => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\\s+/g, " "))
            .join(" | "));
}"""


def axe_source() -> str:
    """The axe-core script; skips (fails under ``CI=true``) when it is not installed."""
    if not AXE.is_file():
        problem = f"{AXE} is missing (cd tests/browser && npm ci; scripts/test does it)"
        if in_ci():
            pytest.fail(problem)
        pytest.skip(problem)
    return AXE.read_text(encoding="utf-8")


async def serious_violations(
    page: Any, include: str | None = None, exclude: list[list[str]] | None = None
) -> list[str]:
    """The critical and serious violations on ``page`` (within ``include``, a selector)."""
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.evaluate(axe_source())
    found = await page.evaluate(_RUN, [include, exclude or []])
    return list(found)
