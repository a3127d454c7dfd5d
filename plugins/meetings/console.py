"""The console pages of meetings: «Календарь» in the main bar (day and week, mine or the
team's, with meetings and tasks' deadlines; a new meeting with free/busy)."""

from __future__ import annotations

from unionline.registry import ConsolePage


def pages() -> list[ConsolePage]:
    return [
        ConsolePage(
            id="meetings",
            section="work",
            title_ru="Календарь",
            title_en="Calendar",
            permission="meetings.read",
            element="ul-meetings-page",
            module="page.js",
            order=25,
        )
    ]
