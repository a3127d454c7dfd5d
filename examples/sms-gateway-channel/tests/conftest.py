"""Fixtures: the gateway stand-in, served on a loopback port for the test.

Everything else (``unionline_app``, ``unionline_settings``, the ``ChannelContract`` fixtures)
comes from Unionline's pytest plugin, ``unionline.testing``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from smsgw_standin import GatewayStandin

from unionline.testing import serve


@pytest.fixture
async def gateway() -> AsyncIterator[GatewayStandin]:
    standin = GatewayStandin()
    async with serve(standin.app()) as base_url:
        standin.base_url = base_url
        yield standin
