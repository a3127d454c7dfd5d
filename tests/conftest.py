"""Shared fixtures: the ``unionline.testing`` plugin is loaded through its pytest11 entry point.

Run on PostgreSQL by setting ``UNIONLINE_TEST_DATABASE_URL`` (``scripts/test`` runs the suite on
both engines; see docs/testing.md for what runs where).
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from unionline.testing.support import postgres_server_url

settings.register_profile(
    "ci", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Each test builds an app (~16,000 objects, cyclic) and drops it: at CPython's default thresholds
# (700, 10, 10) that set off a full collection of the whole heap about twice a test, a quarter of
# a worker's CPU. Collecting less often costs ~10 % more memory (docs/testing.md).
gc.set_threshold(10_000, 20, 50)

BROWSER_TESTS = Path(__file__).parent / "browser"
# Channel plugins (ours and the example third party's) talk to their providers through the core's
# intake and outbox, which the core's own tests prove on both engines: their tests run once.
ONCE = (BROWSER_TESTS, Path(__file__).parent / "channels", Path(__file__).parents[1] / "examples")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes many seconds; scheduled first")
    config.addinivalue_line(
        "markers", "browser: drives Chromium; runs on the first engine only unless every_engine"
    )
    config.addinivalue_line(
        "markers",
        "first_engine: a browser or channel test: on the first engine only unless every_engine",
    )
    config.addinivalue_line(
        "markers",
        "every_engine: a browser or channel test that proves engine behaviour: runs on both",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parents = Path(item.path).parents
        if BROWSER_TESTS in parents:
            item.add_marker(pytest.mark.browser)
        if any(folder in parents for folder in ONCE):
            item.add_marker(pytest.mark.first_engine)
        if "on_postgres" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.database)  # it asks which engine: run it on each
        _name_the_operation(item)
    # The long ones first: under pytest-xdist a two-minute test handed out last keeps one core
    # busy while the other has nothing left to do.
    items.sort(key=lambda item: 0 if _long(item) else 1)


def _long(item: pytest.Item) -> bool:
    """Marked slow, or one of the tests pinned together on one worker (xdist_group)."""
    return item.get_closest_marker("slow") is not None or (
        item.get_closest_marker("xdist_group") is not None
    )


def _name_the_operation(item: pytest.Item) -> None:
    """schemathesis (4.x on pytest 9) gives every operation the test function's node id; put the
    operation back in it, so durations, failures and pytest-xdist's scheduling tell them apart."""
    if item.parent is not None and not item.nodeid.endswith(item.name):
        item._id = item.parent.id.child(item.name)  # pytest's structured id; pinned pytest


@pytest.fixture
def on_postgres() -> bool:
    return bool(postgres_server_url())
