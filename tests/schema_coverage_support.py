"""schemathesis's coverage phase, enumerated when an operation's test runs instead of when it is
collected.

schemathesis attaches the coverage phase's cases to each operation's test as Hypothesis explicit
examples while pytest collects the module: for the 319 operations of tests/test_api_schema.py
that is ~30 s of CPU in every process that collects the suite — both xdist workers of both
passes, and a developer running one test of another file — though one worker runs the module.
Here the cases are worked out the first time Hypothesis reads the test's explicit examples (as
it starts running it): the same cases, in the same order, in the process that runs them only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from schemathesis.generation.hypothesis import builder

EXAMPLES_ATTRIBUTE = "hypothesis_explicit_examples"  # where hypothesis.example puts them


class LazyExamples(list[Any]):
    """A test's explicit examples: those attached so far, then ``more()`` once first read."""

    def __init__(self, attached: list[Any], more: Callable[[], list[Any]]) -> None:
        super().__init__(attached)
        self._more: Callable[[], list[Any]] | None = more

    @property
    def filled(self) -> bool:
        return self._more is None

    def fill(self) -> None:
        if self._more is not None:
            more, self._more = self._more, None
            super().extend(more())

    def __iter__(self) -> Iterator[Any]:
        self.fill()
        return super().__iter__()

    def __reversed__(self) -> Iterator[Any]:
        self.fill()
        return super().__reversed__()

    def __len__(self) -> int:
        self.fill()
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self.fill()
        return super().__getitem__(index)


EAGER = builder.add_coverage


def lazy_add_coverage(test: Any, operation: Any, *args: Any, **kwargs: Any) -> Any:
    """``builder.add_coverage`` deferred: its cases are made on a stand-in function when first
    read and put after the examples attached before (Hypothesis runs them in reverse)."""

    def cases() -> list[Any]:
        def stand_in() -> None: ...

        EAGER(stand_in, operation, *args, **kwargs)
        unserializable = builder.UnserializablePayloadMark.get(stand_in)
        if unserializable is not None:
            builder.UnserializablePayloadMark.set(test, unserializable)
        return list(getattr(stand_in, EXAMPLES_ATTRIBUTE, []))

    setattr(test, EXAMPLES_ATTRIBUTE, LazyExamples(getattr(test, EXAMPLES_ATTRIBUTE, []), cases))
    return test


def install() -> None:
    """Make schemathesis's test builder defer the coverage phase (call before collection)."""
    builder.add_coverage = lazy_add_coverage
