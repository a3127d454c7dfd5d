"""The knowledge base's console: its pages and the element it puts beside an open appeal."""

from __future__ import annotations

from pathlib import Path

from unionline.registry import ConsoleAssetsRegistrar, ConsolePage


def register_console(register: ConsoleAssetsRegistrar, folder: Path) -> None:
    register(folder, "index.js")
    register.page(
        ConsolePage(
            id="knowledge",
            section="work",
            title_ru="База знаний",
            title_en="Knowledge base",
            permission="knowledge.read",
            element="ul-knowledge-page",
            module="page.js",
            order=40,
        )
    )
