"""The phone tests' fixtures: a PBX stand-in, and an app with a line of the test's provider
(``provider`` is parametrised per test module or test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from phone_support import Phone, configure, make_phone
from standins.phone_pbx import PbxStandin


@pytest.fixture
def pbx() -> Iterator[PbxStandin]:
    with PbxStandin() as standin:
        yield standin


@pytest.fixture(params=["mango", "zadarma", "uis"])
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def unionline_settings(
    unionline_settings: Any, tmp_path: Path, provider: str, pbx: PbxStandin
) -> Any:
    return configure(unionline_settings, tmp_path, provider, pbx)


@pytest.fixture
async def phone(unionline_app: Any, provider: str, pbx: PbxStandin) -> Phone:
    return await make_phone(unionline_app, provider, pbx)
