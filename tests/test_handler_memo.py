"""The test plugin's memo of Litestar's handler signatures: shared where the inputs are the
same, parsed anew where anything the parse reads differs (unionline.testing.handler_memo)."""

from __future__ import annotations

import functools
import gc
import weakref
from typing import Any

from litestar._signature.model import SignatureModel
from litestar.utils.signature import ParsedSignature

from unionline.testing import handler_memo


def parse(fn: Any, namespace: dict[str, Any] | None = None) -> ParsedSignature:
    return ParsedSignature.from_fn(fn, namespace or {})


def make_handler(default: int) -> Any:
    async def handler(page: int = default) -> str:
        return str(page)

    return handler


class Controller:
    async def get(self, name: str) -> str:
        return name


def test_the_plugin_installed_the_memo() -> None:
    assert ParsedSignature.__dict__["from_fn"].__func__ is handler_memo._from_fn
    assert SignatureModel.__dict__["create"].__func__ is handler_memo._create


def test_the_same_function_and_namespace_are_parsed_once() -> None:
    first, second = make_handler(1), make_handler(1)
    assert parse(first) is parse(second)  # a closure made anew, the same code and default
    assert parse(Controller().get) is parse(Controller().get)  # each app's controller instance
    assert parse(Controller().get).parameters.keys() == {"name"}


def test_the_memo_keeps_no_controller_alive() -> None:
    # A controller holds its app (its owner): kept by the memo, every test's app would stay.
    controller = Controller()
    gone = weakref.ref(controller)
    SignatureModel.create(set(), controller.get, parse(controller.get), [])
    del controller
    gc.collect()
    assert gone() is None


def test_anything_the_parse_reads_makes_a_parse_of_its_own() -> None:
    one, two = parse(make_handler(1)), parse(make_handler(2))
    assert one is not two
    assert (one.parameters["page"].default, two.parameters["page"].default) == (1, 2)

    async def annotated(value: Wanted) -> None:  # noqa: F821 - resolved from the namespace
        return None

    as_int = parse(annotated, {"Wanted": int})
    as_str = parse(annotated, {"Wanted": str})
    assert (as_int.parameters["value"].annotation, as_str.parameters["value"].annotation) == (
        int,
        str,
    )


def test_signature_models_are_shared_for_equal_decoders_only() -> None:
    handler = make_handler(3)
    parsed = parse(handler)

    def decoder_of(flag: bool) -> list[tuple[Any, Any]]:
        return [(lambda kind: False, functools.partial(_decode, strict=flag))]

    model = SignatureModel.create(set(), handler, parsed, decoder_of(False))
    assert SignatureModel.create(set(), handler, parsed, decoder_of(False)) is not model  # lambda
    decoders = decoder_of(False)
    again = [(decoders[0][0], functools.partial(_decode, strict=False))]
    assert SignatureModel.create(set(), handler, parsed, decoders) is SignatureModel.create(
        set(), handler, parsed, again
    )
    assert SignatureModel.create({"actor"}, handler, parsed, decoders) is not SignatureModel.create(
        set(), handler, parsed, decoders
    )


def _decode(kind: Any, value: Any, strict: bool) -> Any:
    return value
