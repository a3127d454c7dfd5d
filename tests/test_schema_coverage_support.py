"""tests/schema_coverage_support.py: schemathesis's coverage cases, made when the test first
reads them, are the cases made at collection — the same ones in the same order."""

from __future__ import annotations

from typing import Any

import pytest
import schema_coverage_support
import schemathesis
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.hypothesis import builder
from schemathesis.pytest._test_builder import build_operation_test

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.2",
    "info": {"title": "items", "version": "1"},
    "paths": {
        "/items/{item_id}": {
            "post": {
                "parameters": [
                    {
                        "name": "item_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 3}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "name": {"type": "string", "maxLength": 5},
                                    "n": {"type": "integer", "minimum": 0, "maximum": 9},
                                    "kind": {"enum": ["a", "b"]},
                                },
                                "required": ["name"],
                            }
                        }
                    },
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


def built_test() -> Any:
    """The operation's test as schemathesis's pytest plugin builds it (a fresh schema each time:
    some cases are made once per operation)."""
    schema = schemathesis.openapi.from_dict(DOCUMENT)

    def test(case: Any) -> None: ...

    return build_operation_test(
        config=schema.config,
        operation=schema["/items/{item_id}"]["POST"],
        test_func=test,
        given_kwargs={},
        feedback=FeedbackSources(),
    )


def cases(test: Any) -> list[tuple[Any, ...]]:
    found = []
    for example in test.hypothesis_explicit_examples:
        case = example.kwargs["case"]
        description = case.meta.phase.data.description if case.meta else None
        found.append((case.path_parameters, case.query, case.body, case.media_type, description))
    return found


def test_deferred_coverage_cases_are_the_collected_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(builder, "add_coverage", schema_coverage_support.EAGER)
    eager = cases(built_test())
    assert len(eager) > 20  # the coverage phase made its cases

    monkeypatch.setattr(builder, "add_coverage", schema_coverage_support.lazy_add_coverage)
    test = built_test()
    examples = test.hypothesis_explicit_examples
    assert isinstance(examples, schema_coverage_support.LazyExamples)
    assert not examples.filled  # nothing enumerated at collection
    assert cases(test) == eager
    assert examples.filled and len(examples) == len(eager)
    # Hypothesis reads them backwards (it runs the last attached first)
    assert [e.kwargs["case"].body for e in reversed(examples)] == [c[2] for c in eager[::-1]]


def test_install_defers_the_coverage_phase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(builder, "add_coverage", schema_coverage_support.EAGER)
    schema_coverage_support.install()
    assert builder.add_coverage is schema_coverage_support.lazy_add_coverage
