"""The console pages of docflow: «Документы» in the main bar (на согласовании у меня, мои
документы, журналы, a card with its route timeline) and «Документооборот» in the admin area
(kinds, journals, templates, the process designer)."""

from __future__ import annotations

from unionline.plugins.docflow.settings import DocflowSettings
from unionline.registry import ConsolePage, FieldLabel, SettingsForm


def pages() -> list[ConsolePage]:
    return [
        ConsolePage(
            id="docflow",
            section="work",
            title_ru="Документы",
            title_en="Documents",
            permission="docflow.read",
            element="ul-docflow-page",
            module="page.js",
            order=25,
        ),
        ConsolePage(
            id="docflow-setup",
            section="admin",
            title_ru="Документооборот",
            title_en="Document flow",
            permission="docflow.manage",
            element="ul-docflow-setup",
            module="setup.js",
            order=60,
        ),
    ]


def settings_form() -> SettingsForm:
    return SettingsForm(
        kind=DocflowSettings,
        title_ru="Документооборот",
        title_en="Document flow",
        labels={
            "remind_days": FieldLabel(
                "Напоминать о сроке за, рабочих дней",
                "Remind before the deadline, working days",
                help_ru="0 — не напоминать",
                help_en="0: no reminder",
            )
        },
    )
