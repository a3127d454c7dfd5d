"""Shared fixtures: the ``unionline.testing`` plugin is loaded through its pytest11 entry point.

Run on PostgreSQL by setting ``UNIONLINE_TEST_DATABASE_URL`` (``.ci/run`` runs the suite on
both engines).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def on_postgres() -> bool:
    return bool(os.environ.get("UNIONLINE_TEST_DATABASE_URL"))
