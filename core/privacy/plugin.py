"""Core plugin: personal-data export and erasure."""

from __future__ import annotations

from unionline.hookspecs import hookimpl
from unionline.registry import EventsRegistrar, PermissionsRegistrar, RoutesRegistrar


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.privacy.routes import PrivacyController

    register(PrivacyController)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.privacy.erase import MemberErased

    register(MemberErased)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register(
        "privacy.manage", "Export and erase a member's personal data (152-FZ, GDPR)", ("admin",)
    )
