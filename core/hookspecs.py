"""Every hook a Unionline plugin can implement, grouped by phase.

Hooks evolve only by addition. Registration hooks are called once at startup with a
``register`` object bound to the plugin (see :mod:`unionline.registry`); decision, pipeline,
lifecycle and event hooks are called at run time through :mod:`unionline.hooks`, which awaits
``async def`` implementations and keeps pluggy's call order (last registered first,
``tryfirst``/``trylast`` honoured).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import uuid
    from datetime import datetime

    from litestar import Litestar, Request

    from unionline.access import Actor
    from unionline.events import Event
    from unionline.registry import (
        ChannelsRegistrar,
        CommandsRegistrar,
        ConsoleAssetsRegistrar,
        EventsRegistrar,
        JobsRegistrar,
        PermissionsRegistrar,
        RobotsRegistrar,
        RoutesRegistrar,
        SettingsRegistrar,
        TablesRegistrar,
    )
    from unionline.runtime import Runtime
    from unionline.spi import (
        AppealSummary,
        IdentityClaim,
        OutboundDraft,
        RoutingHold,
        RoutingRequest,
    )

PROJECT = "unionline"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---------------------------------------------------------------------------------------------
# Registration: called once at startup, in plugin order, each with a `register` bound to it.
# ---------------------------------------------------------------------------------------------


@hookspec
def register_settings(register: SettingsRegistrar) -> None:
    """Add a section to the configuration file.

    Call ``register(section, StructType)``; the section is decoded (and validated) together
    with the core settings, and read back with ``settings.section(section, StructType)``.

    :param register: ``register(section: str, kind: type[msgspec.Struct])``.

    .. versionadded:: 0.1
    """


@hookspec
def register_tables(register: TablesRegistrar) -> None:
    """Add a piccolo app: its tables and its migrations folder.

    Enabling the plugin makes ``unionline migrate`` create its tables; disabling it leaves them
    untouched. Prefix table names with the app name (``hello_greeting``).

    :param register: ``register(app: piccolo.conf.apps.AppConfig)``.

    .. versionadded:: 0.1
    """


@hookspec
def register_routes(register: RoutesRegistrar) -> None:
    """Add HTTP or websocket routes: Litestar handlers, controllers or routers.

    :param register: ``register(*handlers)``.

    .. versionadded:: 0.1
    """


@hookspec
def register_channels(register: ChannelsRegistrar) -> None:
    """Add a channel type (Telegram, mail, ...) built on the channel SDK.

    :param register: ``register(channel)``; ``channel.name`` must be unique.

    .. versionadded:: 0.1
    """


@hookspec
def register_robots(register: RobotsRegistrar) -> None:
    """Add robot actions that automation rules can run.

    :param register: ``register(action)``; ``action.name`` must be unique.

    .. versionadded:: 0.1
    """


@hookspec
def register_jobs(register: JobsRegistrar) -> None:
    """Add job types run from the outbox by the job executor.

    A job function is ``async def fn(ctx: JobContext, payload) -> None`` and must be
    idempotent: it may run more than once (use ``ctx.idempotency_key``). Raise
    ``unionline.NotReady`` to retry later and ``unionline.PermanentFailure`` to give up.

    :param register: ``register(name, function, *, payload=StructType, max_attempts=None)``.

    .. versionadded:: 0.1
    """


@hookspec
def register_events(register: EventsRegistrar) -> None:
    """Add event types (``class Greeted(unionline.Event, tag="hello.greeted")``).

    Registered events can be published, are stored in the event log and reach ``on_event``.

    :param register: ``register(*event_types)``.

    .. versionadded:: 0.1
    """


@hookspec
def register_permissions(register: PermissionsRegistrar) -> None:
    """Declare permissions and the built-in roles that hold them.

    :param register: ``register(code, description, roles=("admin",))``.

    .. versionadded:: 0.1
    """


@hookspec
def register_commands(register: CommandsRegistrar) -> None:
    """Add ``unionline`` sub-commands.

    :param register: ``register(command: click.Command)``.

    .. versionadded:: 0.1
    """


@hookspec
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    """Add browser code to the operator console (an ES module and its folder), its pages and
    its settings forms.

    ``register(directory, entry)`` serves the folder and imports ``entry`` after sign-in (None:
    nothing up front); ``register.page(ConsolePage(...))`` adds a page under «Администрирование»
    or in the main bar, whose module (in the folder) is imported when it is opened;
    ``register.settings(SettingsForm(...))`` adds a settings form generated from a msgspec
    Struct, read back with ``unionline.read_settings``.

    :param register: ``register(directory: pathlib.Path, entry: str | None = "index.js")``,
        ``register.page(page: ConsolePage)``, ``register.settings(form: SettingsForm)``.

    .. versionadded:: 0.1
    """


# ---------------------------------------------------------------------------------------------
# Decisions: first non-None result wins; core defaults are `trylast`. May be `async def`.
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def resolve_identity(claim: IdentityClaim) -> Any:
    """Return the id of the member who owns the contact point in ``claim``.

    Stops at first non-None result. The core default (``trylast``) finds the member by the
    normalized contact point, or creates a provisional member.

    :param claim: channel, contact kind and address, organization and profile hints.
    :return: the member's ``uuid.UUID``, or None to let the next implementation decide.

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def route_appeal(request: RoutingRequest) -> Any:
    """Choose the operator (or pool) an appeal goes to.

    Stops at first non-None result. Strategies are plugins; the core ones are ``trylast``.

    :param request: the appeal, its queue and the eligible operators.
    :return: a ``RoutingDecision``, or None to let the next strategy decide.

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def actor_from_request(request: Request[Any, Any, Any]) -> Actor | None:
    """Return who is making ``request`` (an operator session, an API token, SSO, ...).

    Stops at first non-None result. The core default (``trylast``) reads the session cookie
    and ``Authorization: Bearer`` API tokens.

    :param request: the incoming HTTP or websocket request.
    :return: an ``Actor``, or None when this plugin does not recognise the request.

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def claim_member_reply(appeal: AppealSummary, text: str) -> dict[str, Any] | None:
    """Claim a member's message to a resolved appeal as an answer the appeal awaits.

    Stops at first non-None result. Called inside the transaction that stores the message,
    when it would otherwise reopen the member's resolved appeal (or start a new one). Return a
    dict (empty is fine) to claim it: the message is stored on ``appeal``'s timeline with the
    dict merged into the entry's ``data``, and the appeal stays resolved. What the message
    means (a satisfaction rating, a confirmation) may be written in the same transaction: it
    commits together with the message. Return None to leave it to the usual rules.

    :param appeal: the member's resolved appeal the message would reopen.
    :param text: the message's text, as stored.
    :return: data for the stored entry, or None when the message is not yours.

    .. versionadded:: 0.1
    """


@hookspec
def routing_holds(
    operator_ids: list[uuid.UUID], at: datetime
) -> dict[uuid.UUID, RoutingHold] | None:
    """Say which of ``operator_ids`` routing must hold back at ``at``, though they are online.

    Every implementation is called and the holds are merged: an operator held by any plugin
    gets no new appeals or offers (a workday finished or on a break, an approved absence).
    Called by the routing engine when it reads the candidates for an appeal and again under the
    operator's lock before it assigns or offers, so keep it to one indexed query. When a hold
    starts or ends, call ``unionline.routing_hold_changed(operator_id)`` in the transaction that
    changes it: routing then re-routes the operator's pending offers, or routes waiting appeals
    to them.

    :param operator_ids: online operators routing is about to consider.
    :param at: the moment (aware, UTC) routing decides for.
    :return: operator id -> ``unionline.RoutingHold`` for those held back, or None for none.

    .. versionadded:: 0.2
    """


# ---------------------------------------------------------------------------------------------
# Pipeline: every implementation sees (and may replace) the result of the one before.
# ---------------------------------------------------------------------------------------------


@hookspec
def before_message_send(draft: OutboundDraft) -> OutboundDraft | None:
    """Inspect or change a message before it is queued for sending to a member.

    Return a changed draft, or None to keep it. Raise a service error (``unionline.Invalid``,
    ``unionline.Forbidden``, ...) to refuse the message: nothing is queued and the operator
    sees its message. May be ``async def``.

    :param draft: text, attachments, appeal and channel of the outgoing message.

    .. versionadded:: 0.1
    """


# ---------------------------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------------------------


@hookspec
def runtime_started(runtime: Runtime) -> None:
    """Run in every process when its runtime starts: the web app, ``unionline worker`` and each
    command that boots the runtime — after the database and the event relay have started,
    before the job executor runs jobs and before ``startup``.

    For process-wide pieces that jobs need too: an attachment storage (``use_storage``), a
    personal-data section (``unionline.add_personal_data_section``). May be ``async def``. An
    exception stops the process and names the plugin.

    :param runtime: the Runtime being started (settings, database, registry, state).

    .. versionadded:: 0.1
    """


@hookspec
def startup(app: Litestar) -> None:
    """Run when the app starts, after migrations are checked and before requests are served.

    May be ``async def``. An exception stops startup and names the plugin.

    :param app: the Litestar application being started (``app.state.runtime`` is the Runtime).

    .. versionadded:: 0.1
    """


@hookspec
def shutdown(app: Litestar) -> None:
    """Run when the app stops. May be ``async def``; exceptions are logged, not raised.

    :param app: the Litestar application being stopped.

    .. versionadded:: 0.1
    """


# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------


@hookspec
def on_event(event: Event) -> None:
    """React to a domain event after the transaction that published it has committed.

    Called for every event (``isinstance`` to pick yours). Isolated: an exception is logged
    with the plugin's name and the other plugins still run. May be ``async def``; keep it
    short and enqueue a job for slow work.

    :param event: a typed event Struct whose ``id`` is its event-log id.

    .. versionadded:: 0.1
    """


@hookspec
def appeal_merged(source: AppealSummary, target: AppealSummary) -> None:
    """Move what your plugin keeps about ``source`` to ``target``: ``source`` was merged into it.

    Called for every implementation inside the merge transaction, after the core moved the
    source's messages and notes and closed it with ``merged_into_id``. What stays on the merged
    appeal is out of sight (it is closed; nobody works on it): a conversation's map to it, an
    open piece of work owed on it, a link to it. Write in the same transaction; an exception
    rolls the whole merge back and the operator sees it. May be ``async def``.

    :param source: the merged appeal, as it is after the merge (closed).
    :param target: the appeal it was merged into, as it is after the merge.

    .. versionadded:: 0.2
    """
