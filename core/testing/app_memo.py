"""Litestar's per-app route work, made cheaper for test apps (installed by the pytest plugin).

Every test builds a Litestar app from the same controllers and handlers, and these steps of
that build repeated work whose result is known or needless:

* a controller's route handlers are deep-copied for each app (``Controller.get_route_handlers``)
  and copied again when its router is registered (``Router.get_route_handler_map``) — ~70 slots
  each, nearly all of them None, strings, functions or enum members, which ``copy`` returns as
  they are after its dispatch. :func:`copy_handler` makes the same copies without that
  dispatch (and plain lists, sets and dicts of such values anew, as deepcopy does); any other
  value is deep-copied as before.
* ``Router.register`` rebuilt the map of every route's handlers for each path it registered
  (quadratic in the app's routes); :func:`register` reads only the routes of that path.
* the routing trie was rebuilt and validated after each registration (~50 an app): it is built
  once, when ``Litestar.__init__`` has registered every route (a route registered later is
  added at once, as before).
* ``KwargsModel.create_for_signature_model`` (what a handler's route reads from a request) is
  a pure function of its arguments: memoized by their identities — a signature model that
  :mod:`unionline.testing.handler_memo` shares, the dependency providers the handler uses, the
  layered parameters — and by what it names in its warnings. The memo holds what its keys
  name, so an id is never reused; it takes no signature model made per app and no provider of
  a closure or a bound method (either could hold an app, Litestar's channels provider is
  ``lambda: self``), and repeats the warnings the first build gave.

* Litestar imports three optional packages on every build (``starlette``, ``opentelemetry``,
  ``pydantic_extra_types``): each one missing was a failed search of ``sys.path`` per app. One
  missing when the shortcuts are installed is marked missing in ``sys.modules`` (None: the
  import fails at once, with the same ``ModuleNotFoundError``).

Each app still gets its own handlers, routes, providers and routing trie
(tests/test_app_memo.py).
"""

from __future__ import annotations

import copy
import copyreg
import enum
import importlib.util
import sys
import types
import warnings
import weakref
from typing import Any

import litestar.controller
import litestar.router
from litestar import Litestar
from litestar._asgi.asgi_router import ASGIRouter
from litestar._kwargs.kwargs_model import (
    HandlerContext,
    KwargsModel,
    _resolve_connection_class,
)
from litestar.exceptions import ImproperlyConfiguredException
from litestar.handlers.base import BaseRouteHandler
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.router import Router
from litestar.routes import ASGIRoute, HTTPRoute, WebSocketRoute
from litestar.utils import find_index, join_paths, unique

from unionline.testing import handler_memo

_originals: dict[str, Any] = {}
_LIMIT = 20_000  # entries: a safety bound, far above the ~500 of an app with every plugin
_kwargs_models: dict[tuple[Any, ...], tuple[KwargsModel, tuple[Any, ...], object]] = {}

# What copy.deepcopy returns unchanged (its _deepcopy_atomic types), by exact type.
_ATOMIC_TYPES = frozenset(
    {
        type(None),
        type(Ellipsis),
        type(NotImplemented),
        int,
        float,
        bool,
        complex,
        bytes,
        str,
        types.CodeType,
        type,
        range,
        types.BuiltinFunctionType,
        types.FunctionType,
        weakref.ref,
        property,
    }
)
_atomic: dict[type, bool] = {}
_NEWOBJ = vars(copyreg)["__newobj__"]  # what object.__reduce_ex__ names to make an instance


def _is_atomic(kind: type) -> bool:
    """Whether ``copy.deepcopy`` returns a value of this type as it is."""
    known = _atomic.get(kind)
    if known is None:
        known = _atomic[kind] = (
            kind in _ATOMIC_TYPES
            or issubclass(kind, type)
            or (
                issubclass(kind, enum.Enum)
                and getattr(kind, "__deepcopy__", None) is enum.Enum.__deepcopy__
            )
        )
    return known


def _plain_state(value: Any, special: str) -> tuple[Any, Any] | None:
    """The ``(__dict__, slots)`` state ``copy`` would restore, for an object copied the plain
    way (``object.__reduce_ex__``, no ``special`` method, no ``__setstate__``); else None."""
    kind = type(value)
    if hasattr(kind, special) or hasattr(kind, "__setstate__"):
        return None
    reduced = value.__reduce_ex__(4)
    if (
        not isinstance(reduced, tuple)
        or len(reduced) != 5
        or reduced[0] is not _NEWOBJ
        or reduced[1] != (kind,)
        or reduced[3] is not None
        or reduced[4] is not None
    ):
        return None
    state = reduced[2]
    return state if isinstance(state, tuple) else (state, None)


def _deep_value(value: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(value, memo)``, a plain list, set or dict of atomic values copied
    without its dispatch per item (as deepcopy does: a new container, the items kept)."""
    kind = type(value)
    if _is_atomic(kind):
        return value
    if id(value) not in memo:
        copied: Any = None
        if kind is list or kind is set:
            if all(_is_atomic(type(item)) for item in value):
                copied = kind(value)
        elif kind is dict and all(
            _is_atomic(type(k)) and _is_atomic(type(v)) for k, v in value.items()
        ):
            copied = dict(value)
        if copied is not None:
            memo[id(value)] = copied
            return copied
    return copy.deepcopy(value, memo)


def copy_handler(handler: Any, memo: dict[int, Any] | None = None, *, deep: bool = True) -> Any:
    """``copy.deepcopy(handler)`` (or ``copy.copy`` when not ``deep``) for a route handler,
    without deepcopy's dispatch for the values it keeps or makes anew as they are; anything
    but the plain slotted object Litestar's handlers are goes to ``copy``."""
    memo = {} if memo is None else memo
    state = _plain_state(handler, "__deepcopy__" if deep else "__copy__")
    if state is None:
        return copy.deepcopy(handler, memo) if deep else copy.copy(handler)
    dict_state, slot_state = state
    copied = _NEWOBJ(type(handler))  # as copy._reconstruct: kind.__new__(kind)
    if deep:
        memo[id(handler)] = copied
    if dict_state:
        copied.__dict__.update(copy.deepcopy(dict_state, memo) if deep else dict_state)
    for name, value in (slot_state or {}).items():
        setattr(copied, name, _deep_value(value, memo) if deep else value)
    return copied


def _deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """What ``litestar.controller`` calls ``deepcopy``: handlers by :func:`copy_handler`."""
    if isinstance(value, BaseRouteHandler):
        return copy_handler(value, memo)
    return copy.deepcopy(value, memo)


def _copy(value: Any) -> Any:
    """What ``litestar.router`` calls ``copy``: handlers by :func:`copy_handler`."""
    if isinstance(value, BaseRouteHandler):
        return copy_handler(value, deep=False)
    return copy.copy(value)


def _path_map(router: Router, path: str) -> dict[str, Any]:
    """``router.route_handler_method_map.get(path, {})``, reading only the routes of ``path``."""
    found: dict[str, Any] = {}
    for route in router.routes:
        if route.path != path:
            continue
        if isinstance(route, HTTPRoute):
            for route_handler in route.route_handlers:
                for method in route_handler.http_methods:
                    found[method] = route_handler
        else:
            kind = "websocket" if isinstance(route, WebSocketRoute) else "asgi"
            found[kind] = route.route_handler
    return found


def register(self: Router, value: Any) -> list[Any]:
    """Litestar 2's ``Router.register``, the existing handlers of a path read by :func:`_path_map`
    instead of the whole router's map per path."""
    validated_value = self._validate_registration_value(value)
    routes: list[Any] = []
    for route_path, handlers_map in self.get_route_handler_map(value=validated_value).items():
        path = join_paths([self.path, route_path])
        if http_handlers := unique(
            [handler for handler in handlers_map.values() if isinstance(handler, HTTPRouteHandler)]
        ):
            if existing_handlers := unique(
                [
                    handler
                    for handler in _path_map(self, path).values()
                    if isinstance(handler, HTTPRouteHandler)
                ]
            ):
                http_handlers.extend(existing_handlers)
                existing_route_index = find_index(self.routes, lambda x: x.path == path)  # noqa: B023
                if existing_route_index == -1:  # pragma: no cover - as Litestar's
                    raise ImproperlyConfiguredException("unable to find_index existing route index")
                route: Any = HTTPRoute(path=path, route_handlers=http_handlers)
                self.routes[existing_route_index] = route
            else:
                route = HTTPRoute(path=path, route_handlers=http_handlers)
                self.routes.append(route)
            routes.append(route)
        if websocket_handler := handlers_map.get("websocket"):
            route = WebSocketRoute(path=path, route_handler=websocket_handler)  # type: ignore[arg-type]
            self.routes.append(route)
            routes.append(route)
        if asgi_handler := handlers_map.get("asgi"):
            route = ASGIRoute(path=path, route_handler=asgi_handler)  # type: ignore[arg-type]
            self.routes.append(route)
            routes.append(route)
    return routes


def _used(signature_model: Any, dependencies: dict[str, Any]) -> dict[str, Any]:
    """The providers a handler's kwargs model takes: those its signature names, and theirs."""
    used: dict[str, Any] = {}
    pending = [signature_model]
    while pending:
        for name in pending.pop()._fields:
            provider = dependencies.get(name)
            if provider is not None and name not in used:
                used[name] = provider
                pending.append(provider.signature_model)
    return used


def _stable(provider: Any) -> bool:
    """A provider of a plain function or class: one made per app (Litestar's channels
    dependency, ``lambda: self``) or of a bound method could hold an app the memo would keep."""
    dependency = getattr(provider, "dependency", None)
    return not isinstance(dependency, types.MethodType) and not getattr(
        dependency, "__closure__", None
    )


def _create_kwargs_model(
    cls: Any,
    signature_model: Any,
    parsed_signature: Any,
    dependencies: dict[str, Any],
    path_parameters: set[str],
    layered_parameters: dict[str, Any],
    ctx: Any = None,
) -> Any:
    create = _originals["kwargs"].__func__
    if ctx is not None and not isinstance(ctx, HandlerContext):
        # As Litestar does first: the handler only names itself in messages.
        ctx = HandlerContext(
            handler=ctx.name or ctx.handler_name,
            paths=sorted(ctx.paths),
            connection_class=_resolve_connection_class(ctx),
        )
    arguments = (
        signature_model,
        parsed_signature,
        dependencies,
        path_parameters,
        layered_parameters,
        ctx,
    )
    used = _used(signature_model, dependencies) if cls is KwargsModel else {}
    if (
        cls is not KwargsModel
        or not handler_memo.is_shared(signature_model)
        or not all(map(_stable, used.values()))
    ):
        return create(cls, *arguments)
    context = (
        None
        if ctx is None
        else (ctx.handler, tuple(ctx.paths), tuple(ctx.dependencies), ctx.connection_class)
    )
    key = (
        id(signature_model),
        id(parsed_signature),
        frozenset(dependencies),  # every name is checked against the parameters
        tuple((name, id(provider)) for name, provider in used.items()),
        frozenset(path_parameters),
        tuple((name, id(field)) for name, field in layered_parameters.items()),
        context,
    )
    hit = _kwargs_models.get(key)
    if hit is None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = create(cls, *arguments)
        if len(_kwargs_models) >= _LIMIT:
            _kwargs_models.clear()
        kept = (signature_model, parsed_signature, used, dict(layered_parameters))
        hit = _kwargs_models[key] = (model, tuple(caught), kept)
    for warning in hit[1]:
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return hit[0]


_building: set[int] = set()  # ids of the apps whose Litestar.__init__ is running


def _init(self: Litestar, *args: Any, **kwargs: Any) -> None:
    """Litestar's ``__init__``, its routing trie built once when every route is registered
    (Litestar built it after each registration: ~50 times an app, each time validating the
    whole trie)."""
    _building.add(id(self))
    try:
        _originals["init"](self, *args, **kwargs)
    finally:
        _building.discard(id(self))
    self.asgi_router.construct_routing_trie()


def _construct_routing_trie(self: ASGIRouter) -> None:
    if id(self.app) not in _building:  # registered later (app.register): at once, as Litestar
        _originals["trie"](self)


OPTIONAL_IMPORTS = ("starlette", "opentelemetry", "pydantic_extra_types")
_missing: list[str] = []


def _mark_missing() -> None:
    """Mark each optional package that cannot be imported as missing (see above)."""
    for name in OPTIONAL_IMPORTS:
        if name not in sys.modules and importlib.util.find_spec(name) is None:
            sys.modules[name] = None  # type: ignore[assignment]
            _missing.append(name)


def install() -> None:
    """Put the shortcuts in place for this process (after :func:`handler_memo.install`)."""
    if _originals:
        return
    _originals["deepcopy"] = litestar.controller.deepcopy
    _originals["copy"] = litestar.router.copy
    _originals["register"] = Router.__dict__["register"]
    _originals["kwargs"] = KwargsModel.__dict__["create_for_signature_model"]
    _originals["init"] = Litestar.__dict__["__init__"]
    _originals["trie"] = ASGIRouter.__dict__["construct_routing_trie"]
    litestar.controller.deepcopy = _deepcopy  # type: ignore[assignment]
    litestar.router.copy = _copy  # type: ignore[assignment]
    Router.register = register  # type: ignore[method-assign]
    KwargsModel.create_for_signature_model = classmethod(_create_kwargs_model)  # type: ignore[method-assign,assignment]
    Litestar.__init__ = _init  # type: ignore[method-assign]
    ASGIRouter.construct_routing_trie = _construct_routing_trie  # type: ignore[method-assign]
    _mark_missing()


def uninstall() -> None:
    """Put Litestar's own functions back and forget what was memoized."""
    if not _originals:
        return
    litestar.controller.deepcopy = _originals.pop("deepcopy")
    litestar.router.copy = _originals.pop("copy")
    Router.register = _originals.pop("register")  # type: ignore[method-assign]
    KwargsModel.create_for_signature_model = _originals.pop("kwargs")  # type: ignore[method-assign]
    Litestar.__init__ = _originals.pop("init")  # type: ignore[method-assign]
    ASGIRouter.construct_routing_trie = _originals.pop("trie")  # type: ignore[method-assign]
    _kwargs_models.clear()
    for name in _missing:
        if name in sys.modules and sys.modules[name] is None:
            del sys.modules[name]
    _missing.clear()
