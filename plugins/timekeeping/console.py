"""The console pages of timekeeping: «Рабочее время» in the main bar (my day, the team now,
absences and the team calendar, violations, the time sheet)."""

from __future__ import annotations

from unionline.registry import ConsolePage


def pages() -> list[ConsolePage]:
    return [
        ConsolePage(
            id="timekeeping",
            section="work",
            title_ru="Рабочее время",
            title_en="Work time",
            permission="timekeeping.use",
            element="ul-timekeeping-page",
            module="page.js",
            order=40,
        )
    ]
