"""Litestar's per-handler signature work, done once per test process instead of once per app.

Every test app registers the same ~260 handler functions, and Litestar parses each one's
signature (``typing.get_type_hints``) and builds its msgspec signature model anew for every
app: half the cost of ``create_app``. Both are pure functions of their arguments, so the pytest
plugin memoizes them for the process (:func:`install`). Keys are the arguments' identities;
the memo holds the arguments, so an identity is never reused for something else. A handler of
a new function, a new namespace value or another dependency set is parsed as before.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from litestar._signature.model import SignatureModel
from litestar.utils.signature import ParsedSignature

_parsed: dict[tuple[Any, ...], tuple[ParsedSignature, object]] = {}
_models: dict[tuple[Any, ...], tuple[type[SignatureModel], object]] = {}
_originals: dict[str, Any] = {}
_shared: dict[int, type[SignatureModel]] = {}  # the models in _models, by id


def _identity(fn: Any) -> Any:
    """What a signature depends on, as a key; None when ``fn`` cannot be one.

    A method: its function and class, not its instance (each app makes its own controller
    instances). A function: its code, names, annotations and defaults, not the function object
    (Litestar makes an OPTIONS handler closure per route per app). Values by identity.
    """
    if inspect.ismethod(fn):
        kind = type(fn.__self__)
        if "<locals>" in kind.__qualname__:
            return None  # a class made per app (the metrics controller): a key per app
        function = _identity(fn.__func__)
        return None if function is None else (function, kind)
    if inspect.isfunction(fn):
        return (
            fn.__code__,
            fn.__module__,
            fn.__qualname__,
            tuple((name, id(value)) for name, value in fn.__annotations__.items()),
            tuple(id(value) for value in fn.__defaults__ or ()),
            tuple((name, id(value)) for name, value in (fn.__kwdefaults__ or {}).items()),
        )
    try:
        hash(fn)
    except TypeError:
        return None
    return fn


def _keepsake(fn: Any) -> tuple[Any, ...]:
    """What keeps the ids in ``fn``'s key (``_identity``) its own: its annotations' and
    defaults' values — not the function, which may be a closure over what an app holds (a
    provider ``lambda: held.text``: kept, it kept the first app's object for good)."""
    function = getattr(fn, "__func__", fn)
    return (
        tuple(getattr(function, "__annotations__", {}).values()),
        getattr(function, "__defaults__", None),
        dict(getattr(function, "__kwdefaults__", None) or {}),
    )


def _callable_key(value: Any) -> Any:
    """A type decoder as a key: a ``functools.partial`` by what it calls with what (a plugin
    makes its decoders anew per app)."""
    if isinstance(value, functools.partial):
        return (value.func, value.args, tuple(sorted(value.keywords.items())))
    return value


def _from_fn(cls: Any, fn: Any, signature_namespace: dict[str, Any]) -> Any:
    parse = _originals["from_fn"].__func__
    identity = _identity(fn)
    if cls is not ParsedSignature or identity is None:
        return parse(cls, fn, signature_namespace)
    key = (identity, tuple((name, id(value)) for name, value in signature_namespace.items()))
    hit = _parsed.get(key)
    if hit is None:
        # What the key's ids are of stays with the result, so the ids stay theirs (not the
        # function: a closure or a method's instance can hold its app).
        kept = (_keepsake(fn), dict(signature_namespace))
        hit = _parsed[key] = (parse(cls, fn, signature_namespace), kept)
    return hit[0]


def _create(
    cls: Any,
    dependency_name_set: set[str],
    fn: Any,
    parsed_signature: ParsedSignature,
    type_decoders: Any,
    data_dto: Any = None,
) -> Any:
    create = _originals["create"].__func__
    arguments = (dependency_name_set, fn, parsed_signature, type_decoders, data_dto)
    identity = _identity(fn)
    if cls is not SignatureModel or identity is None:
        return create(cls, *arguments)
    decoders = tuple(tuple(map(_callable_key, pair)) for pair in type_decoders or ())
    key = (identity, id(parsed_signature), frozenset(dependency_name_set), decoders, data_dto)
    try:
        hit = _models.get(key)
    except TypeError:  # a decoder that cannot be a key: no memo for it
        return create(cls, *arguments)
    if hit is None:
        hit = _models[key] = (
            create(cls, *arguments),
            (_keepsake(fn), parsed_signature),
        )
        _shared[id(hit[0])] = hit[0]
    return hit[0]


def is_shared(model: Any) -> bool:
    """Whether ``model`` is a signature model this memo holds (shared between apps)."""
    return _shared.get(id(model)) is model


def install() -> None:
    """Memoize ``ParsedSignature.from_fn`` and ``SignatureModel.create`` for this process."""
    if _originals:
        return
    _originals["from_fn"] = ParsedSignature.__dict__["from_fn"]
    _originals["create"] = SignatureModel.__dict__["create"]
    # Litestar calls both as classmethods; the memo keeps their signatures.
    ParsedSignature.from_fn = classmethod(_from_fn)  # type: ignore[method-assign,assignment]
    SignatureModel.create = classmethod(_create)  # type: ignore[method-assign,assignment]


def uninstall() -> None:
    """Put Litestar's own functions back and forget what was memoized."""
    if not _originals:
        return
    ParsedSignature.from_fn = _originals.pop("from_fn")  # type: ignore[method-assign]
    SignatureModel.create = _originals.pop("create")  # type: ignore[method-assign]
    _parsed.clear()
    _models.clear()
    _shared.clear()
