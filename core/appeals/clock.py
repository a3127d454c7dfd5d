"""The appeals' notion of "now", replaceable in tests (reopen windows, SLA, year of numbers)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def _system() -> datetime:
    return datetime.now(UTC)


_clock: Clock = _system


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return _clock()


@contextlib.contextmanager
def use_clock(clock: Clock) -> Iterator[None]:
    """Make :func:`now` return ``clock()`` inside the block (process-wide: tests only)."""
    global _clock
    previous, _clock = _clock, clock
    try:
        yield
    finally:
        _clock = previous
