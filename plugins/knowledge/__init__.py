"""Knowledge base (enable it as ``knowledge``): articles in Markdown of the federation and of
each organization, overrides of a federation's article for an organization's subtree (resolved
in one query), a revision per save with 409 on a stale save, review and scheduled publishing,
Russian full-text search on both engines, suggestions for the appeal an operator answers, and
onboarding courses. See docs/knowledge.md.

Modules: ``tables``/``piccolo_app`` and ``migrations`` (tables, the search index), ``schemas``,
``text`` (Markdown, sections, diffs), ``morphology`` (folding, stop words, stems), ``viewer``
(who reads from where: the override resolution), ``store``, ``index``, ``search``,
``articles`` (writing), ``reading``, ``categories``, ``suggestions``, ``drafts``, ``courses``,
``public`` (members' help), ``routes``, ``static/`` (the console). This module holds only hook
implementations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from unionline import Event, hookimpl

if TYPE_CHECKING:
    from unionline.registry import (
        ConsoleAssetsRegistrar,
        EventsRegistrar,
        JobsRegistrar,
        PermissionsRegistrar,
        RoutesRegistrar,
        TablesRegistrar,
    )

CONSOLE = Path(__file__).parent / "static"


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.plugins.knowledge.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.plugins.knowledge.schemas import ArticlePublished

    register(ArticlePublished)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.plugins.knowledge.jobs import PUBLISH_JOB, PublishPayload, run_publish

    register(PUBLISH_JOB, run_publish, payload=PublishPayload, max_attempts=10)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.plugins.knowledge.public import HANDLERS
    from unionline.plugins.knowledge.routes import ArticlesController, CoursesController

    register(ArticlesController)
    register(CoursesController)
    for handler in HANDLERS:
        register(handler)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    from unionline.plugins.knowledge.viewer import COURSES, PUBLISH, READ, WRITE

    everyone = ("admin", "supervisor", "operator", "observer")
    register(READ, "Read the knowledge base and get suggestions while answering", everyone)
    register(
        WRITE,
        "Write articles and overrides, send them to review",
        ("admin", "supervisor", "operator"),
    )
    register(PUBLISH, "Publish, schedule and archive articles", ("admin", "supervisor"))
    register(
        COURSES, "Manage onboarding courses and see who completed them", ("admin", "supervisor")
    )


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    from unionline.plugins.knowledge.console import register_console

    register_console(register, CONSOLE)


@hookimpl
async def on_event(event: Event) -> None:
    if type(event).__struct_config__.tag == "appeal.message_in":
        from unionline.plugins.knowledge.suggestions import on_message

        await on_message(event)
