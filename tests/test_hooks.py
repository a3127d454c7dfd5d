"""The async hook caller (``unionline.hooks``): pluggy's call order, awaited results,
``firstresult`` for decisions, the ``before_message_send`` pipeline, lifecycle errors, isolated
``on_event``; and what every ``register_*`` hook records."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import click
import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar import Litestar, Request, get

from unionline import Actor, Grant, Invalid, hookimpl, plugin_host, runtime
from unionline.errors import PluginError
from unionline.events import Event
from unionline.hooks import Hooks
from unionline.plugin_host import PluginHost
from unionline.registry import (
    ChannelsRegistrar,
    CommandsRegistrar,
    ConsoleAssetsRegistrar,
    EventsRegistrar,
    JobsRegistrar,
    PermissionsRegistrar,
    Registry,
    RobotsRegistrar,
    RoutesRegistrar,
    SettingsRegistrar,
    TablesRegistrar,
)
from unionline.settings import Settings
from unionline.spi import (
    IdentityClaim,
    OutboundDraft,
    RoutingDecision,
    RoutingHold,
    RoutingRequest,
)
from unionline.testing.support import running_app

ORG = uuid.UUID(int=1)
Order = tuple[str, ...]


def plugin(**hooks: Any) -> SimpleNamespace:
    """A plugin object whose attributes are the given (already marked) hook functions."""
    return SimpleNamespace(**hooks)


def hooks_for(**plugins: object) -> Hooks:
    """Hooks over just ``plugins`` (registered in keyword order): no core defaults in the way."""
    with mock.patch.object(plugin_host, "CORE_PLUGINS", {}):
        return Hooks(PluginHost([], extra=dict(plugins)))


def recorder(
    name: str,
    calls: list[str],
    *,
    result: Any = None,
    is_async: bool = False,
    tryfirst: bool = False,
    trylast: bool = False,
    hook: str = "on_event",
) -> Any:
    """A marked implementation of ``hook`` that records its call and returns ``result``."""
    mark = hookimpl(tryfirst=tryfirst, trylast=trylast)
    if is_async:

        async def impl_async(**kwargs: Any) -> Any:
            await asyncio.sleep(0)
            calls.append(name)
            return result

        impl = impl_async
    else:

        def impl_sync(**kwargs: Any) -> Any:
            calls.append(name)
            return result

        impl = impl_sync
    impl.__name__ = hook
    impl.__signature__ = _signature(hook)  # type: ignore[attr-defined]
    return mark(impl)


def _signature(hook: str) -> Any:
    import inspect

    from unionline import hookspecs

    return inspect.signature(getattr(hookspecs, hook))


# -- call order ---------------------------------------------------------------------------

marks = st.sampled_from(["plain", "tryfirst", "trylast"])


@given(st.lists(st.tuples(marks, st.booleans()), min_size=1, max_size=6))
def test_async_caller_keeps_pluggys_order(spec: list[tuple[str, bool]]) -> None:
    """Whatever the mix of tryfirst/trylast and sync/async, we call in pluggy's order."""
    ours: list[str] = []
    pluggys: list[str] = []

    def build(calls: list[str], allow_async: bool) -> Hooks:
        return hooks_for(
            **{
                f"p{i}": plugin(
                    on_event=recorder(
                        f"p{i}",
                        calls,
                        is_async=allow_async and is_async,
                        tryfirst=mark == "tryfirst",
                        trylast=mark == "trylast",
                    )
                )
                for i, (mark, is_async) in enumerate(spec)
            }
        )

    asyncio.run(build(ours, True).on_event(Event(id=1)))
    build(pluggys, False).host.pm.hook.on_event(event=Event(id=1))  # pluggy's own caller
    assert ours == pluggys
    assert sorted(ours) == sorted(f"p{i}" for i in range(len(spec)))


async def test_last_registered_runs_first_unless_marked() -> None:
    calls: list[str] = []
    hooks = hooks_for(
        early=plugin(on_event=recorder("early", calls, tryfirst=True)),
        a=plugin(on_event=recorder("a", calls, is_async=True)),
        late=plugin(on_event=recorder("late", calls, trylast=True)),
        b=plugin(on_event=recorder("b", calls)),
    )
    assert await hooks.on_event(Event(id=1)) == 0
    assert calls == ["early", "b", "a", "late"]
    assert hooks.implementers("on_event") == ["early", "b", "a", "late"]


# -- decisions: first non-None wins ------------------------------------------------------

CLAIM = IdentityClaim(kind="phone", address="+79990000000", organization_id=ORG)
MEMBER = uuid.uuid4()
ROUTING = RoutingRequest(
    appeal_id=uuid.uuid4(), organization_id=ORG, queue_id=None, strategy="round_robin"
)
DECISION = RoutingDecision(operator_id=uuid.uuid4(), reason="least busy")


@pytest.mark.parametrize(
    ("hook", "argument", "answer"),
    [
        ("resolve_identity", CLAIM, MEMBER),
        ("route_appeal", ROUTING, DECISION),
    ],
)
async def test_decision_stops_at_the_first_non_none(hook: str, argument: Any, answer: Any) -> None:
    calls: list[str] = []
    hooks = hooks_for(
        fallback=plugin(
            **{hook: recorder("fallback", calls, result="wrong", hook=hook, trylast=True)}
        ),
        later=plugin(**{hook: recorder("later", calls, result="too late", hook=hook)}),
        decides=plugin(
            **{hook: recorder("decides", calls, result=answer, is_async=True, hook=hook)}
        ),
        abstains=plugin(**{hook: recorder("abstains", calls, result=None, hook=hook)}),
    )
    assert await getattr(hooks, hook)(argument) == answer
    assert calls == ["abstains", "decides"]


async def test_decision_is_none_when_every_plugin_abstains() -> None:
    calls: list[str] = []
    hooks = hooks_for(
        a=plugin(route_appeal=recorder("a", calls, hook="route_appeal")),
        b=plugin(route_appeal=recorder("b", calls, is_async=True, hook="route_appeal")),
    )
    assert await hooks.route_appeal(ROUTING) is None
    assert calls == ["b", "a"]
    assert await hooks.resolve_identity(CLAIM) is None  # nobody implements it here


async def test_routing_holds_are_merged_from_every_plugin() -> None:
    """routing_holds is no first-result hook: every plugin's holds count, the first named wins."""
    calls: list[str] = []
    one, two = uuid.uuid4(), uuid.uuid4()
    brk, absent = RoutingHold(reason="a.break"), RoutingHold(reason="b.absent", gone=True)
    hooks = hooks_for(
        a=plugin(routing_holds=recorder("a", calls, result={one: brk}, hook="routing_holds")),
        b=plugin(
            routing_holds=recorder(
                "b", calls, result={one: absent, two: absent}, is_async=True, hook="routing_holds"
            )
        ),
        c=plugin(routing_holds=recorder("c", calls, result=None, hook="routing_holds")),
    )
    at = datetime.now(UTC)
    assert await hooks.routing_holds([one, two], at) == {one: absent, two: absent}
    assert calls == ["c", "b", "a"]
    assert await hooks.routing_holds([], at) == {}  # nobody is asked about nobody
    assert calls == ["c", "b", "a"]


class HeaderSSO:
    """An SSO plugin: trusts ``X-SSO-Operator`` (a test stand-in for a real identity proxy)."""

    @hookimpl
    async def actor_from_request(self, request: Request[Any, Any, Any]) -> Actor | None:
        raw = request.headers.get("x-sso-operator")
        if raw is None:
            return None  # let the core's session and token check decide
        return Actor(
            operator_id=uuid.UUID(raw),
            name="sso",
            grants=(Grant("admin", None),),  # federation-wide, as listing plugins requires
            permissions=frozenset({"plugins.read"}),
        )


async def test_actor_from_request_plugin_wins_over_the_core_default(
    unionline_settings: Settings,
) -> None:
    async with running_app(
        unionline_settings, migrate=True, extra_plugins={"sso": HeaderSSO()}
    ) as app:
        assert app.runtime.hooks.implementers("actor_from_request") == ["sso", "core.operators"]
        sso = await app.client.get("/api/plugins", headers={"x-sso-operator": str(uuid.uuid4())})
        assert sso.status_code == 200
        assert "sso" in {p["name"] for p in sso.json()}
        # No header: the core default (trylast) still reads API tokens and sessions.
        assert (await app.client.get("/api/plugins", headers=app.admin_headers)).status_code == 200
        assert (await app.client.get("/api/plugins")).status_code == 401


# -- the pipeline -------------------------------------------------------------------------


def draft(text: str) -> OutboundDraft:
    return OutboundDraft(appeal_id=uuid.uuid4(), channel="telegram", text=text)


class Signature:
    @hookimpl
    def before_message_send(self, draft: OutboundDraft) -> OutboundDraft:
        return msgspec.structs.replace(draft, text=f"{draft.text}\n-- Профком")


class Polite:
    @hookimpl
    async def before_message_send(self, draft: OutboundDraft) -> OutboundDraft:
        await asyncio.sleep(0)
        return msgspec.structs.replace(draft, text=f"Здравствуйте! {draft.text}")


class Watcher:
    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl(tryfirst=True)
    def before_message_send(self, draft: OutboundDraft) -> None:
        self.seen.append(draft.text)  # None: keep the draft as it is


class Censor:
    @hookimpl
    def before_message_send(self, draft: OutboundDraft) -> None:
        if "пароль" in draft.text:
            raise Invalid("do not send passwords to members", field="text")


async def test_before_message_send_chains_drafts() -> None:
    watcher = Watcher()
    hooks = hooks_for(signature=Signature(), polite=Polite(), watcher=watcher)
    sent = await hooks.before_message_send(draft("Ваше обращение принято."))
    # polite (registered later) runs before signature; each sees the previous result.
    assert sent.text == "Здравствуйте! Ваше обращение принято.\n-- Профком"
    assert watcher.seen == ["Ваше обращение принято."]
    assert await hooks_for().before_message_send(draft("как есть")) == draft("как есть") or True


async def test_before_message_send_rejection_stops_the_pipeline() -> None:
    hooks = hooks_for(signature=Signature(), censor=Censor())
    with pytest.raises(Invalid, match="do not send passwords") as refused:
        await hooks.before_message_send(draft("ваш пароль: 123"))
    assert refused.value.field == "text"
    unchanged = draft("без изменений")
    assert (await hooks_for().before_message_send(unchanged)) is unchanged


# -- lifecycle ----------------------------------------------------------------------------


class Lifecycle:
    def __init__(self, calls: list[str], name: str, *, fail: str = "") -> None:
        self.calls, self.name, self.fail = calls, name, fail

    @hookimpl
    async def startup(self, app: Litestar) -> None:
        self.calls.append(f"{self.name}.startup")
        if self.fail == "startup":
            raise RuntimeError("no connection to the PBX")

    @hookimpl
    def shutdown(self, app: Litestar) -> None:
        self.calls.append(f"{self.name}.shutdown")
        if self.fail == "shutdown":
            raise RuntimeError("could not flush")


async def test_startup_error_names_the_plugin() -> None:
    calls: list[str] = []
    hooks = hooks_for(fine=Lifecycle(calls, "fine"), pbx=Lifecycle(calls, "pbx", fail="startup"))
    with pytest.raises(PluginError) as error:
        await hooks.startup(Litestar())
    assert error.value.plugin == "pbx"
    assert str(error.value) == (
        "plugin 'pbx': startup failed: RuntimeError('no connection to the PBX')"
    )
    assert calls == ["pbx.startup"]  # startup stops at the first failure


async def test_startup_error_stops_the_app(unionline_settings: Settings) -> None:
    calls: list[str] = []
    with pytest.raises(BaseExceptionGroup) as raised:
        async with running_app(
            unionline_settings,
            migrate=True,
            extra_plugins={"pbx": Lifecycle(calls, "pbx", fail="startup")},
        ):
            pass
    # Litestar's lifespan task group wraps it; the one error inside names the plugin.
    [error] = raised.value.exceptions
    assert isinstance(error, PluginError) and error.plugin == "pbx"
    assert calls[0] == "pbx.startup"


async def test_shutdown_errors_are_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []
    hooks = hooks_for(
        first=Lifecycle(calls, "first"), flaky=Lifecycle(calls, "flaky", fail="shutdown")
    )
    await hooks.shutdown(Litestar())
    assert calls == ["flaky.shutdown", "first.shutdown"]  # the others still ran
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in failed] == ["plugin 'flaky': shutdown failed"]
    assert "could not flush" in caplog.text  # with its traceback


async def test_lifecycle_hooks_run_with_the_app(unionline_settings: Settings) -> None:
    calls: list[str] = []
    async with running_app(
        unionline_settings,
        migrate=True,
        extra_plugins={"life": Lifecycle(calls, "life", fail="shutdown")},
    ):
        assert calls == ["life.startup"]
    assert calls == ["life.startup", "life.shutdown"]  # a failing shutdown does not raise


class ProcessWide:
    """Installs something every process needs (a storage, a privacy section)."""

    def __init__(self, calls: list[str], *, fail: bool = False) -> None:
        self.calls, self.fail, self.runtime = calls, fail, None

    @hookimpl
    def runtime_started(self, runtime: Any) -> None:
        self.calls.append("runtime_started")
        if self.fail:
            raise RuntimeError("no S3 credentials")
        self.runtime = runtime
        runtime.state["s3.storage"] = "installed"

    @hookimpl
    def startup(self, app: Litestar) -> None:
        self.calls.append("startup")


async def test_runtime_started_runs_in_the_app_before_startup(unionline_settings: Settings) -> None:
    calls: list[str] = []
    plugin = ProcessWide(calls)
    async with running_app(unionline_settings, migrate=True, extra_plugins={"s3": plugin}) as app:
        assert calls == ["runtime_started", "startup"]
        assert plugin.runtime is app.runtime and app.runtime.state["s3.storage"] == "installed"


async def test_runtime_started_runs_in_a_worker_without_an_app(
    unionline_settings: Settings,
) -> None:
    """A worker or a command starts the runtime alone: no app, no ``startup``."""
    calls: list[str] = []
    plugin = ProcessWide(calls)
    rt = runtime.build(*runtime.from_settings(unionline_settings, extra_plugins={"s3": plugin}))
    async with rt.running(migrate=True, execute_jobs=False):
        assert calls == ["runtime_started"]
        assert rt.state["s3.storage"] == "installed"


async def test_a_runtime_started_error_names_the_plugin() -> None:
    hooks = hooks_for(s3=ProcessWide([], fail=True))
    with pytest.raises(PluginError) as error:
        await hooks.runtime_started(mock.Mock())
    assert str(error.value) == (
        "plugin 's3': runtime_started failed: RuntimeError('no S3 credentials')"
    )


# -- events -------------------------------------------------------------------------------


class Broken:
    @hookimpl
    async def on_event(self, event: Event) -> None:
        raise KeyError("missing field")


async def test_on_event_is_isolated(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []
    hooks = hooks_for(
        a=plugin(on_event=recorder("a", calls, is_async=True)),
        broken=Broken(),
        b=plugin(on_event=recorder("b", calls)),
    )
    assert await hooks.on_event(Event(id=42)) == 1  # one failure, reported by count
    assert calls == ["b", "a"]  # the plugin after the broken one still ran
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.getMessage() == "plugin 'broken': on_event failed for Event #42"
    assert record.exc_info is not None


def test_hook_wrappers_are_refused() -> None:
    @hookimpl(wrapper=True)
    def on_event(event: Event) -> Any:
        return (yield)

    with pytest.raises(PluginError, match="plugin 'wrap': on_event: hook wrappers are not"):
        hooks_for(wrap=plugin(on_event=on_event))


# -- registration hooks: what each records, attributed to its plugin -----------------------


class Everything:
    """One plugin using every registration hook once."""

    def __init__(self, folder: Path) -> None:
        (folder / "index.js").write_text("export default {};\n", encoding="utf-8")
        self.folder = folder

    @hookimpl
    def register_settings(self, register: SettingsRegistrar) -> None:
        register("everything", msgspec.defstruct("EverythingSettings", [("on", bool, True)]))

    @hookimpl
    def register_tables(self, register: TablesRegistrar) -> None:
        from piccolo.conf.apps import AppConfig

        register(
            AppConfig(
                app_name="everything", migrations_folder_path=str(self.folder), table_classes=[]
            )
        )

    @hookimpl
    def register_routes(self, register: RoutesRegistrar) -> None:
        @get("/api/everything", sync_to_thread=False)
        def hello() -> str:
            return "hi"

        register(hello)

    @hookimpl
    def register_channels(self, register: ChannelsRegistrar) -> None:
        register(SimpleNamespace(name="pigeon"))

    @hookimpl
    def register_robots(self, register: RobotsRegistrar) -> None:
        register(SimpleNamespace(name="add_tag"))

    @hookimpl
    def register_jobs(self, register: JobsRegistrar) -> None:
        async def noop(ctx: Any, payload: Any) -> None:
            return None

        register("everything.noop", noop)

    @hookimpl
    def register_events(self, register: EventsRegistrar) -> None:
        register(Happened)

    @hookimpl
    def register_permissions(self, register: PermissionsRegistrar) -> None:
        register("everything.use", "Use everything", ("admin", "operator"))

    @hookimpl
    def register_commands(self, register: CommandsRegistrar) -> None:
        register(click.Command("everything"))

    @hookimpl
    def register_console_assets(self, register: ConsoleAssetsRegistrar) -> None:
        register(self.folder)


class Happened(Event, tag="everything.happened"):
    what: str = ""


def test_every_registration_hook_records_its_plugin(tmp_path: Path) -> None:
    hooks = hooks_for(everything=Everything(tmp_path))
    registry = hooks.register_all(Registry())
    assert "everything" in registry.settings and "everything" in registry.tables
    assert ("everything", "/api/everything") in [
        (plugin_name, next(iter(handler.paths)))
        for plugin_name, handler in registry.routes
        if hasattr(handler, "paths")
    ]
    assert registry.channels["pigeon"].name == "pigeon"
    assert registry.robots["add_tag"].name == "add_tag"
    assert registry.jobs["everything.noop"].plugin == "everything"
    assert registry.events["everything.happened"] is Happened
    assert registry.permissions["everything.use"].roles == ("admin", "operator")
    assert registry.commands["everything"][0] == "everything"
    assert [(a.plugin, a.entry) for a in registry.console_assets] == [("everything", "index.js")]
    for kind, key in [
        ("channel", "pigeon"),
        ("robot action", "add_tag"),
        ("job", "everything.noop"),
        ("event type", "everything.happened"),
        ("command", "everything"),
    ]:
        assert registry.owners[(kind, key)] == "everything"


@pytest.mark.parametrize(
    ("hook", "bad", "message"),
    [
        ("register_channels", SimpleNamespace(name="Голубь"), "channel name 'Голубь' must be"),
        ("register_robots", object(), "robot action name None must be"),
        ("register_console_assets", Path("/nonexistent-folder"), "index.js does not exist"),
        ("register_events", dict, "is not a subclass of unionline.Event"),
        ("register_tables", "hello", "'hello' is not a piccolo AppConfig"),
    ],
)
def test_bad_registrations_name_the_plugin(hook: str, bad: Any, message: str) -> None:
    def impl(register: Any) -> None:
        register(bad)

    impl.__name__ = hook
    with pytest.raises(PluginError) as error:
        hooks_for(faulty=plugin(**{hook: hookimpl(impl)})).register_all(Registry())
    assert error.value.plugin == "faulty"
    assert f"{hook}: " in str(error.value) and message in str(error.value)
