"""The console pages of tasks: «Задачи» in the main bar (lists, kanban, timeline)."""

from __future__ import annotations

from unionline.registry import ConsolePage


def pages() -> list[ConsolePage]:
    return [
        ConsolePage(
            id="tasks",
            section="work",
            title_ru="Задачи",
            title_en="Tasks",
            permission="tasks.read",
            element="ul-tasks-page",
            module="page.js",
            order=20,
        )
    ]
