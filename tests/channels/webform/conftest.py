"""Fixtures of the webform tests: an app with the plugin on and a federation with a form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from webform_support import Federation, form_settings, make_federation

from unionline.settings import Settings
from unionline.testing.support import AppHarness


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return form_settings(unionline_settings, tmp_path, submissions_per_hour=5)


@pytest.fixture
async def site(unionline_app: AppHarness) -> AsyncIterator[Federation]:
    yield await make_federation(unionline_app)
