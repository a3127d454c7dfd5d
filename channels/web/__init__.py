"""Web channel plugin (enable it as ``web``): the chat widget a union embeds on its site.

One channel account is one widget (``config``: allowed origins, texts, hours; ``secrets``: the
widget secret that signs member ids). Visitors talk over ``/widget/{key}/ws`` (resumable by
message number), upload files to ``/widget/{key}/files`` and load ``/widget/chat.js``.
Modules: ``channel`` (the channel type), ``tokens`` (visitor tokens, signed member ids),
``conversation`` (visitors and their messages), ``live`` (per-process fan-out to sockets),
``socket`` (one visitor connection), ``routes``, ``cleanup`` (the daily sweep of uploads never
sent). This module holds only hook implementations.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from unionline import hookimpl

if TYPE_CHECKING:
    from unionline import IdentityClaim
    from unionline.registry import (
        ChannelsRegistrar,
        EventsRegistrar,
        JobsRegistrar,
        RoutesRegistrar,
        TablesRegistrar,
    )


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.channels.web.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_channels(register: ChannelsRegistrar) -> None:
    from unionline.channels.web.channel import WebChannel

    register(WebChannel())


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.channels.web.events import ConversationChanged

    register(ConversationChanged)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.channels.web.cleanup import SWEEP

    SWEEP.register(register)


@hookimpl
async def startup(app: Any) -> None:
    """The daily sweep of uploads never sent is scheduled (once per day, whoever asks)."""
    from unionline.channels.web.cleanup import SWEEP

    await SWEEP.schedule()


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.channels.web import routes

    register(*routes.ROUTES)


@hookimpl
async def resolve_identity(claim: IdentityClaim) -> uuid.UUID | None:
    """A visitor the union's site vouched for (signed member id) is that member."""
    from unionline.channels.web.conversation import verified_member_of

    return await verified_member_of(claim)


@hookimpl
async def on_event(event: Any) -> None:
    """A member's erasure reaches the words they wrote and read in the widget."""
    if getattr(type(event), "__struct_config__", None) is None:
        return
    if type(event).__struct_config__.tag == "privacy.member_erased":
        from unionline.channels.web.conversation import erase_members

        await erase_members(list(event.member_ids))


@hookimpl
async def appeal_merged(source: Any, target: Any) -> None:
    from unionline.channels.web.conversation import follow_merge

    await follow_merge(source.id, target.id)


@hookimpl
async def shutdown(app: Any) -> None:
    from unionline.channels.web.live import stop_hub

    await stop_hub()
