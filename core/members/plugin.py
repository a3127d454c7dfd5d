"""Core plugin: member tables, routes, permissions, events, import commands, identity default,
and the console's «Контакты» page."""

from __future__ import annotations

from pathlib import Path

from unionline.hookspecs import hookimpl
from unionline.members.events import MEMBER_EVENTS
from unionline.members.identity import resolve_identity
from unionline.members.piccolo_app import APP_CONFIG
from unionline.registry import (
    CommandsRegistrar,
    ConsoleAssetsRegistrar,
    ConsolePage,
    EventsRegistrar,
    PermissionsRegistrar,
    RoutesRegistrar,
    TablesRegistrar,
)

__all__ = ["resolve_identity"]  # the core default (trylast), registered with this module


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    register(APP_CONFIG)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.members.import_routes import ImportController
    from unionline.members.routes import MemberController

    register(MemberController, ImportController)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    register(*MEMBER_EVENTS)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register(
        "members.read",
        "See members and their contact points",
        ("admin", "supervisor", "operator", "observer"),
    )
    register(
        "members.write",
        "Create and change members and their contact points",
        ("admin", "supervisor", "operator"),
    )
    register("members.merge", "Merge duplicate members", ("admin", "supervisor"))
    register("members.import", "Bulk-import organizations and members", ("admin",))


@hookimpl
def register_commands(register: CommandsRegistrar) -> None:
    from unionline.members.cli import import_group

    register(import_group)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    register(Path(__file__).parent / "static", None)
    register.page(
        ConsolePage(
            id="contacts",
            section="work",
            title_ru="Контакты",
            title_en="Contacts",
            permission="members.read",
            element="ul-contacts",
            module="contacts.js",
            order=20,
        )
    )
