"""Core plugin: appeal tables, settings, permissions, events and routes."""

from __future__ import annotations

from unionline.appeals.config import AppealSettings
from unionline.appeals.events import APPEAL_EVENTS
from unionline.appeals.member_merge import count_member_appeals, move_member_history
from unionline.appeals.piccolo_app import APP_CONFIG
from unionline.hookspecs import hookimpl
from unionline.members.merge import register_merge_count, register_merge_step
from unionline.registry import (
    EventsRegistrar,
    PermissionsRegistrar,
    RoutesRegistrar,
    SettingsRegistrar,
    TablesRegistrar,
)

# Appeals and their timelines follow a member into the member they are merged with.
register_merge_step(move_member_history)
register_merge_count("appeals", count_member_appeals)


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    register("appeals", AppealSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    register(*APPEAL_EVENTS)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.appeals.bulk import bulk_action
    from unionline.appeals.routes import AppealController

    register(AppealController, bulk_action)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    staff = ("admin", "supervisor", "operator")
    register(
        "appeals.read",
        "See appeals, their timelines and search them",
        ("admin", "supervisor", "operator", "observer"),
    )
    register("appeals.reply", "Reply to members and write internal notes", staff)
    register(
        "appeals.manage",
        "Create appeals; change status, priority, tags and fields; "
        "link; claim, release or hand on one's own appeals",
        staff,
    )
    register("appeals.assign", "Assign and reassign anyone's appeals", ("admin", "supervisor"))
    register("appeals.merge", "Merge appeals", ("admin", "supervisor"))
