"""The console page of campaigns: «Рассылки» in the main bar (list, editor with the segment
builder, preview, test send, progress)."""

from __future__ import annotations

from unionline.registry import ConsolePage


def pages() -> list[ConsolePage]:
    return [
        ConsolePage(
            id="campaigns",
            section="work",
            title_ru="Рассылки",
            title_en="Campaigns",
            permission="campaigns.read",
            element="ul-campaigns-page",
            module="page.js",
            order=40,
        )
    ]
