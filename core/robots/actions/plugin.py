"""Core plugin of the core actions: their settings sections, event, e-mail job, and the API
of the ready rule templates.

The actions themselves (:data:`unionline.robots.actions.CORE_ACTIONS`) are registered by the
robots engine's plugin with ``register_robots``, like any plugin's.
"""

from __future__ import annotations

from pathlib import Path

from unionline.hookspecs import hookimpl
from unionline.registry import (
    ConsoleAssetsRegistrar,
    EventsRegistrar,
    JobsRegistrar,
    RoutesRegistrar,
    SettingsRegistrar,
)


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    from unionline.robots.actions.settings import NotificationSettings, WebhookSettings

    register("notifications", NotificationSettings)
    register("webhooks", WebhookSettings)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.robots.actions.notify import OperatorsNotified

    register(OperatorsNotified)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.robots.actions.notify import MAIL_JOB, MailJob, send_mail

    register(MAIL_JOB, send_mail, payload=MailJob, max_attempts=8)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.robots.templates import RuleTemplatesController

    register(RuleTemplatesController)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    register(Path(__file__).parent / "static")  # the operators.notify toast
