"""The only module that touches ``pm.hook``: a typed facade and the async caller.

pluggy has no async hooks, so run-time hooks are called here: implementations run in pluggy's
order (last registered first, ``tryfirst``/``trylast`` honoured), ``async def`` results are
awaited, ``firstresult`` hooks stop at the first non-None result, and ``on_event`` is isolated.
"""

from __future__ import annotations

import inspect
import logging
import time
from typing import TYPE_CHECKING, Any

from unionline.errors import PluginError
from unionline.registry import REGISTRARS, Registry

if TYPE_CHECKING:
    import uuid
    from datetime import datetime

    from litestar import Litestar, Request
    from pluggy import HookImpl

    from unionline.access import Actor
    from unionline.events import Event
    from unionline.plugin_host import PluginHost
    from unionline.runtime import Runtime
    from unionline.spi import (
        AppealSummary,
        IdentityClaim,
        OutboundDraft,
        RoutingDecision,
        RoutingHold,
        RoutingRequest,
    )

log = logging.getLogger("unionline.hooks")


class Hooks:
    """Typed entry points to every hook; see ``unionline.hookspecs`` for their meaning."""

    def __init__(self, host: PluginHost) -> None:
        self.host = host
        self._relay = host.pm.hook

    # -- registration ---------------------------------------------------------------------

    def register_all(self, registry: Registry, only: tuple[str, ...] | None = None) -> Registry:
        """Call every ``register_*`` hook with a registrar bound to each plugin, in order."""
        for hook_name, registrar in REGISTRARS.items():
            if only is not None and hook_name not in only:
                continue
            for impl in self._impls(hook_name):
                started = time.perf_counter()
                try:
                    impl.function(register=registrar(registry, impl.plugin_name))
                except PluginError:
                    raise
                except Exception as exc:
                    raise PluginError(
                        impl.plugin_name, f"{hook_name} failed: {type(exc).__name__}: {exc}"
                    ) from exc
                self._trace(impl, None, started)
        return registry

    # -- decisions ------------------------------------------------------------------------

    async def resolve_identity(self, claim: IdentityClaim) -> Any:
        return await self._first("resolve_identity", claim=claim)

    async def route_appeal(self, request: RoutingRequest) -> RoutingDecision | None:
        return await self._first("route_appeal", request=request)

    async def actor_from_request(self, request: Request[Any, Any, Any]) -> Actor | None:
        return await self._first("actor_from_request", request=request)

    async def claim_member_reply(self, appeal: AppealSummary, text: str) -> dict[str, Any] | None:
        return await self._first("claim_member_reply", appeal=appeal, text=text)

    async def routing_holds(
        self, operator_ids: list[uuid.UUID], at: datetime
    ) -> dict[uuid.UUID, RoutingHold]:
        """Every plugin's holds on ``operator_ids`` at ``at``, merged (the first one named wins)."""
        held: dict[uuid.UUID, RoutingHold] = {}
        if not operator_ids:
            return held
        for impl in self._impls("routing_holds"):
            found = await self._call(impl, operator_ids=list(operator_ids), at=at)
            for operator_id, hold in (found or {}).items():
                held.setdefault(operator_id, hold)
        return held

    # -- pipeline -------------------------------------------------------------------------

    async def before_message_send(self, draft: OutboundDraft) -> OutboundDraft:
        for impl in self._impls("before_message_send"):
            changed = await self._call(impl, draft=draft)
            if changed is not None:
                draft = changed
        return draft

    # -- lifecycle ------------------------------------------------------------------------

    async def runtime_started(self, runtime: Runtime) -> None:
        await self._start("runtime_started", runtime=runtime)

    async def startup(self, app: Litestar) -> None:
        await self._start("startup", app=app)

    async def _start(self, hook_name: str, **kwargs: Any) -> None:
        """Each implementation in order; the first failure stops it, naming the plugin."""
        for impl in self._impls(hook_name):
            try:
                await self._call(impl, **kwargs)
            except Exception as exc:
                raise PluginError(impl.plugin_name, f"{hook_name} failed: {exc!r}") from exc

    async def shutdown(self, app: Litestar) -> None:
        for impl in self._impls("shutdown"):
            try:
                await self._call(impl, app=app)
            except Exception:
                log.exception("plugin %r: shutdown failed", impl.plugin_name)

    # -- events ---------------------------------------------------------------------------

    async def on_event(self, event: Event) -> int:
        """Deliver ``event`` to every listener; returns how many of them failed."""
        failures = 0
        for impl in self._impls("on_event"):
            try:
                await self._call(impl, event=event)
            except Exception:
                failures += 1
                log.exception(
                    "plugin %r: on_event failed for %s #%s",
                    impl.plugin_name,
                    type(event).__name__,
                    event.id,
                )
        return failures

    async def appeal_merged(self, source: AppealSummary, target: AppealSummary) -> None:
        """Every implementation in order, in the caller's transaction; an exception propagates
        (the merge rolls back)."""
        for impl in self._impls("appeal_merged"):
            await self._call(impl, source=source, target=target)

    def implementers(self, hook_name: str) -> list[str]:
        """Plugin names implementing ``hook_name``, in call order."""
        return [impl.plugin_name for impl in self._impls(hook_name)]

    # -- the async caller -----------------------------------------------------------------

    def _impls(self, hook_name: str) -> list[HookImpl]:
        # pluggy stores implementations trylast-first and calls them in reverse; so do we.
        return list(reversed(getattr(self._relay, hook_name).get_hookimpls()))

    async def _first(self, hook_name: str, **kwargs: Any) -> Any:
        for impl in self._impls(hook_name):
            result = await self._call(impl, **kwargs)
            if result is not None:
                return result
        return None

    async def _call(self, impl: HookImpl, **kwargs: Any) -> Any:
        args = {name: kwargs[name] for name in impl.argnames}
        started = time.perf_counter()
        result = impl.function(**args)
        if inspect.isawaitable(result):
            result = await result
        self._trace(impl, result, started)
        return result

    def _trace(self, impl: HookImpl, result: Any, started: float) -> None:
        if self.host.trace:  # UNIONLINE_TRACE_HOOKS=1
            elapsed = (time.perf_counter() - started) * 1000
            log.info(
                "hook %s -> %s: %r (%.2f ms)",
                impl.function.__name__,
                impl.plugin_name,
                result,
                elapsed,
            )
