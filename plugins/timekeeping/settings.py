"""The «Рабочее время» settings form («Администрирование → Настройки»), over the config file's
``[timekeeping]`` section; read with ``workday.live_settings()``."""

from __future__ import annotations

from unionline.plugins.timekeeping.schemas import TimekeepingSettings
from unionline.registry import FieldLabel, SettingsForm

FORM = SettingsForm(
    kind=TimekeepingSettings,
    title_ru="Рабочее время",
    title_en="Work time",
    help_ru="Учёт рабочего дня, перерывов и отсутствий: когда закрывать незавершённый день, "
    "что считать опозданием и ранним уходом, кто согласует правки.",
    help_en="The workday, breaks and absences: when a day left open is closed, what counts as "
    "late or early, who approves changes.",
    labels={
        "grace_minutes": FieldLabel(
            "Закрывать незавершённый день через, мин после конца по графику",
            "Close a day left open, min after its planned end",
        ),
        "max_open_hours": FieldLabel(
            "Длительность дня без графика, ч", "Length of a day with no planned end, h"
        ),
        "late_minutes": FieldLabel("Опозданием считать позже, мин", "Late after, min"),
        "early_minutes": FieldLabel(
            "Ранним уходом считать раньше, мин", "Early finish before, min"
        ),
        "edits_need_approval": FieldLabel(
            "Правка прошедшего дня — с согласования руководителя",
            "A change of a past day needs the supervisor's approval",
        ),
        "close_every_seconds": FieldLabel(
            "Проверять незавершённые дни каждые, с", "Look for days left open every, s"
        ),
        "notify": FieldLabel(
            "Уведомлять о закрытых автоматически днях, заявках и решениях",
            "Notify of days closed automatically, requests and decisions",
        ),
        "routing_follows_workday": FieldLabel(
            "Обращения распределяются только в рабочее время сотрудника",
            "Appeals are routed only within a person's workday",
        ),
    },
    restart=frozenset({"close_every_seconds"}),
    order=60,
)
