"""The test plugin's shortcuts in Litestar's app build (unionline.testing.app_memo): an app built
with them is the app built without, and every app keeps its own handlers, routes and providers."""

from __future__ import annotations

import copy
import gc
import subprocess
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Controller, Litestar, get, patch, post, put
from litestar._kwargs.kwargs_model import KwargsModel
from litestar.di import NamedDependency, Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.routes import HTTPRoute

from unionline.app import create_app
from unionline.testing import app_memo, make_settings

PLUGINS = ["campaigns", "tasks", "knowledge"]


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    return make_settings(f"sqlite:///{tmp_path / 'unionline.sqlite3'}", plugins=PLUGINS)


@pytest.fixture
def without_shortcuts() -> Iterator[None]:
    app_memo.uninstall()
    try:
        yield
    finally:
        app_memo.install()


def _kwargs_summary(model: KwargsModel) -> tuple[Any, ...]:
    def names(params: Any) -> list[str]:
        return sorted(p.field_name for p in params)

    return (
        names(model.expected_path_params),
        names(model.expected_query_params),
        names(model.expected_header_params),
        names(model.expected_cookie_params),
        sorted(model.expected_reserved_kwargs),
        [sorted(d.key for d in batch) for batch in model.dependency_batches],
        model.expected_form_data is not None,
        model.expected_msgpack_data is not None,
        model.is_data_optional,
        model.sequence_query_parameter_names,
    )


def fingerprint(app: Litestar) -> Any:
    """What an app routes, and how: routes and methods in order, each handler and what it reads
    from a request, the routing trie's paths and the OpenAPI document."""
    routes = []
    for route in app.routes:
        handlers: Any = None
        if isinstance(route, HTTPRoute):
            handlers = {
                method: (str(handler), _kwargs_summary(model))
                for method, (handler, model) in sorted(route.route_handler_map.items())
            }
        routes.append((type(route).__name__, route.path, sorted(route.methods), handlers))
    router = app.asgi_router
    return (
        routes,
        _trie(router.root_route_map_node),
        sorted(router._plain_routes),
        sorted(router.route_handler_index),
        # Paths only: Litestar also kept a route a later registration on its path replaced.
        {name: sorted({r.path for r in found}) for name, found in router.route_mapping.items()},
        app.openapi_schema.to_schema(),
    )


def _trie(node: Any) -> Any:
    """A routing trie node, its handlers by method (each the one its route maps the method to)
    and its children."""
    handlers = {}
    for method, (asgi_app, handler) in sorted(node.asgi_handlers.items()):
        assert asgi_app is not None
        handlers[method] = str(handler)
    return (
        node.path_template,
        handlers,
        {method: [p.name for p in found] for method, found in sorted(node.path_parameters.items())},
        (node.is_asgi, node.is_mount, node.is_path_param_node, node.is_path_type, node.is_static),
        {getattr(key, "__name__", key): _trie(child) for key, child in node.children.items()},
    )


def test_the_plugin_installed_the_shortcuts() -> None:
    assert (
        KwargsModel.__dict__["create_for_signature_model"].__func__ is app_memo._create_kwargs_model
    )
    from litestar.router import Router

    assert Router.__dict__["register"] is app_memo.register


def test_an_app_built_with_the_shortcuts_is_the_app_built_without(settings: Any) -> None:
    with_them = fingerprint(create_app(settings))
    create_app(settings)  # and from the memo
    again = fingerprint(create_app(settings))
    app_memo.uninstall()
    try:
        without = fingerprint(create_app(settings))
    finally:
        app_memo.install()
    assert with_them == without
    assert again == without


def test_each_app_has_its_own_handlers_and_providers(settings: Any) -> None:
    first, second = create_app(settings), create_app(settings)

    def handlers(app: Litestar) -> list[Any]:
        return [
            h
            for r in app.routes
            if isinstance(r, HTTPRoute)
            for h, _ in r.route_handler_map.values()
        ]

    ours, theirs = handlers(first), handlers(second)
    assert len(ours) == len(theirs) > 200
    assert not {id(h) for h in ours} & {id(h) for h in theirs}
    assert not {id(h.opt) for h in ours} & {id(h.opt) for h in theirs}
    for app in (first, second):
        for route in app.routes:
            if not isinstance(route, HTTPRoute):
                continue
            for handler, model in route.route_handler_map.values():
                assert handler.owner is not None
                assert handler.ownership_layers[0] is app
                # A kwargs model calls exactly the providers this app resolves for the handler.
                resolved = {id(p) for p in handler.resolve_dependencies().values()}
                for batch in model.dependency_batches:
                    for dependency in batch:
                        assert id(dependency.provide) in resolved


def test_the_memo_keeps_no_app_alive(settings: Any) -> None:
    create_app(settings)  # the memo filled
    app = create_app(settings)
    gone = weakref.ref(app.state.runtime)  # held by the app (Litestar's app has no weakref)
    del app
    create_app(settings)  # a module's handler holds the last app it was registered on
    gc.collect()
    assert gone() is None


# A small app of its own: a controller's and two functions' handlers on one path (two
# controllers on one path are refused by Litestar itself: both bring an OPTIONS handler), a
# handler-level provider and one of a closure (as Litestar's channels plugin makes per app).


def provide_number() -> int:
    return 7


def provide_eight() -> int:
    return 8


class First(Controller):
    path = "/shared"

    @get("/", sync_to_thread=False)
    def read(self, number: NamedDependency[int]) -> int:
        return number


@post(
    "/shared",
    status_code=200,
    dependencies={"number": Provide(provide_eight, sync_to_thread=False)},
    sync_to_thread=False,
)
def write(number: NamedDependency[int]) -> int:
    return number


@put("/shared", sync_to_thread=False)
def replace(number: NamedDependency[int], mark: NamedDependency[str]) -> str:
    return f"{number}{mark}"


@patch("/shared", sync_to_thread=False)
def relabel(label: NamedDependency[str]) -> str:
    return label


class Holder:
    def __init__(self, text: str) -> None:
        self.text = text


class Label:
    def __init__(self, value: int) -> None:
        self.value = value

    def __call__(self) -> str:
        return f"label {self.value}"


def small_app(value: int, holder: Holder | None = None) -> Litestar:
    held = holder or Holder("!")
    return Litestar(
        route_handlers=[First, write, replace, relabel],
        dependencies={
            "number": Provide(provide_number, sync_to_thread=False),
            # Made per app: a callable object, and a closure.
            "label": Provide(Label(value), sync_to_thread=False),
            "mark": Provide(lambda: held.text, sync_to_thread=False),
        },
    )


def small_fingerprint(app: Litestar) -> Any:
    # The order of a route's handlers is Litestar's set order: not a property of the app.
    return [
        (route.path, sorted(route.methods), sorted(str(h) for h in route.route_handlers))
        for route in app.routes
    ]


def test_routes_of_one_path_from_several_layers_merge_as_litestar_merges(
    without_shortcuts: None,
) -> None:
    without = small_fingerprint(small_app(1))
    app_memo.install()
    assert small_fingerprint(small_app(1)) == without
    assert without[0] == (
        "/shared",
        ["GET", "OPTIONS", "PATCH", "POST", "PUT"],
        sorted(
            [
                *(f"test_app_memo.{n}" for n in ("First.read", "write", "replace", "relabel")),
                "litestar.routes.http.HTTPRoute.create_options_handler.<locals>.options_handler",
            ]
        ),
    )


def test_a_provider_made_per_app_is_each_apps_own() -> None:
    from litestar.testing import TestClient

    for value in (1, 2, 3):
        with TestClient(small_app(value, Holder(f"/{value}"))) as client:
            assert client.patch("/shared").text == f"label {value}"
            assert client.put("/shared").text == f"7/{value}"
            assert client.get("/shared").text == "7"
            assert client.post("/shared").text == "8"


def later() -> str:
    return "later"


def test_a_route_registered_after_the_build_is_routed() -> None:
    from litestar.testing import TestClient

    app = small_app(1)
    app.register(get("/later", sync_to_thread=False)(later))
    with TestClient(app) as client:
        assert client.get("/later").text == "later"
        assert client.get("/shared").text == "7"


def closure_provider_outlives_its_app() -> bool:
    """Whether an app's closure provider is still alive once the app is gone and the module's
    handlers belong to another app (what a memo keeping the provider would do)."""
    from litestar.testing import TestClient

    holder = Holder("!")
    gone = weakref.ref(holder)
    with TestClient(small_app(1, holder)) as client:
        assert client.put("/shared").text == "7!"
    del holder, client
    small_app(2)  # the module's handlers now belong to this app
    gc.collect()
    return gone() is not None


def test_the_memo_keeps_no_provider_of_a_closure() -> None:
    """Run in a fresh interpreter with the shortcuts installed as the test plugin installs them,
    so the closure is the first of its code the memo sees: handler_memo kept the first function
    of each code with its parsed signature (for the ids in its key), and so the first app's
    closure provider and what it held, for good. In one process this passed whenever an earlier
    test had made the first one (fresh-clone CI failed twice, when it ran first)."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import test_app_memo as t;"
        " from unionline.testing import handler_memo; handler_memo.install();"
        " t.app_memo.install(); print(t.closure_provider_outlives_its_app())"
    )
    answer = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert answer.stdout.strip().splitlines()[-1] == "False", answer.stderr


def test_a_handler_copy_is_deepcopys() -> None:
    fresh = [
        post(
            "/x",
            dependencies={"number": Provide(provide_eight, sync_to_thread=False)},
            sync_to_thread=False,
        )(write.fn),
        put("/x", sync_to_thread=False, opt={"a": [1]})(replace.fn),
    ]
    for handler in (First.read, *fresh):  # as a controller's (never registered) or new
        copied, deep = app_memo.copy_handler(handler), copy.deepcopy(handler)
        assert type(copied) is type(deep) is type(handler)
        for name in _slots(handler):
            mine, theirs = getattr(copied, name, None), getattr(deep, name, None)
            assert mine == theirs, name
            original = getattr(handler, name, None)
            # What deepcopy copied is copied, what it kept is kept.
            assert (mine is original) == (theirs is original), name
        shallow = app_memo.copy_handler(handler, deep=False)
        assert type(shallow) is type(handler)
        for name in _slots(handler):
            assert getattr(shallow, name, None) is getattr(handler, name, None), name
    assert fresh[1].opt["a"] == app_memo.copy_handler(fresh[1]).opt["a"] == [1]
    assert app_memo.copy_handler(fresh[1]).opt["a"] is not fresh[1].opt["a"]  # deep


def _slots(handler: BaseRouteHandler) -> set[str]:
    return {slot for kind in type(handler).__mro__ for slot in getattr(kind, "__slots__", ())}


def annotated_reserved(request: Any) -> None:  # untyped reserved kwarg: Litestar warns
    return None


def test_a_warning_of_the_first_build_is_given_by_every_build() -> None:
    handler = get("/warn", sync_to_thread=False)(annotated_reserved)
    for _ in range(2):
        with pytest.warns(DeprecationWarning, match="Reserved kwarg 'request'"):
            Litestar(route_handlers=[handler])


def test_an_optional_package_missing_fails_to_import_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    missing = list(app_memo._missing)  # those of the three not installed here
    for name in missing:
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(name)
    app_memo.uninstall()
    try:
        assert not any(name in sys.modules for name in missing)
        monkeypatch.setattr(app_memo, "OPTIONAL_IMPORTS", ("json", "no_such_package_here"))
        app_memo.install()
        assert sys.modules["json"] is not None  # one that is there is left alone
        assert sys.modules["no_such_package_here"] is None
    finally:
        app_memo.uninstall()
        monkeypatch.undo()
        app_memo.install()
    assert "no_such_package_here" not in sys.modules
    assert app_memo._missing == missing
