"""Core plugin: the channel SDK's tables, jobs, events, routes, settings, reference channel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from unionline.hookspecs import hookimpl
from unionline.registry import (
    ChannelsRegistrar,
    ConsoleAssetsRegistrar,
    ConsolePage,
    EventsRegistrar,
    JobsRegistrar,
    PermissionsRegistrar,
    RoutesRegistrar,
    SettingsRegistrar,
    TablesRegistrar,
)


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    from unionline.channel.config import ChannelsSettings

    register("channels", ChannelsSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.channel.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_channels(register: ChannelsRegistrar) -> None:
    from unionline.channel.reference import ReferenceChannel

    register(ReferenceChannel())


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.channel.attachments import FETCH_JOB, FetchAttachment, fetch
    from unionline.channel.cleanup import SWEEP
    from unionline.channel.outbound import DELIVER_JOB, JOB_ATTEMPTS, DeliverJob, deliver

    register(DELIVER_JOB, deliver, payload=DeliverJob, max_attempts=JOB_ATTEMPTS)
    register(FETCH_JOB, fetch, payload=FetchAttachment)
    SWEEP.register(register)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.channel.events import CHANNEL_EVENTS

    register(*CHANNEL_EVENTS)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register(
        "channels.read",
        "See the channel accounts of the granted organizations",
        ("admin", "supervisor"),
    )
    register("channels.manage", "Connect, change and disable channel accounts", ("admin",))


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.channel.reference import reference_inbound
    from unionline.channel.routes import (
        AttachmentController,
        ChannelAccountController,
        list_channel_plugins,
        list_channel_types,
    )

    register(
        ChannelAccountController,
        AttachmentController,
        list_channel_types,
        list_channel_plugins,
        reference_inbound,
    )


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    """«Каналы» (#/admin/channels): registered as a third party's page would be."""
    register(Path(__file__).parent / "static", None)
    register.page(
        ConsolePage(
            id="channels",
            section="admin",
            title_ru="Каналы",
            title_en="Channels",
            permission="channels.manage",
            element="ul-admin-channels",
            module="channels.js",
            order=30,
        )
    )


@hookimpl
def runtime_started(runtime: Any) -> None:
    """Replies of the appeals package go out through this SDK (its delivery port), in every
    process: a worker's jobs and a command reply too."""
    from unionline.appeals.ports import use_delivery
    from unionline.channel.outbound import ChannelDelivery

    use_delivery(ChannelDelivery())


@hookimpl
async def startup(app: Any) -> None:
    """Channels are checked; the daily sweep of unsent uploads is scheduled."""
    from unionline.channel.cleanup import SWEEP
    from unionline.channel.registered import check_channel
    from unionline.runtime import current

    registry = current().registry
    for name, channel in registry.channels.items():
        check_channel(registry.owners.get(("channel", name), "?"), channel)
    await SWEEP.schedule()


@hookimpl
async def on_event(event: Any) -> None:
    from unionline.events import JobDead

    if isinstance(event, JobDead):
        from unionline.channel.outbound import on_job_dead

        await on_job_dead(event.job_id, event.name, event.error)


@hookimpl
async def appeal_merged(source: Any, target: Any) -> None:
    from unionline.channel.merged import follow_merge

    await follow_merge(source, target)


@hookimpl
async def shutdown(app: Any) -> None:
    from unionline.channel.typing_notice import stop

    await stop()
