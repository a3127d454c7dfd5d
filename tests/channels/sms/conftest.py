"""Fixtures for the SMS channel tests: the SMS.ru and SMSC.ru stand-ins served on loopback,
and the loopback SMSC for SMPP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from standins.smpp_smsc import SmscStandin as SmppSmsc
from standins.sms_http import SmscStandin, SmsRuStandin

from unionline.testing import serve


@pytest.fixture
async def smsru() -> AsyncIterator[SmsRuStandin]:
    standin = SmsRuStandin()
    async with serve(standin.app()) as base_url:
        standin.base_url = base_url
        yield standin


@pytest.fixture
async def smsc() -> AsyncIterator[SmscStandin]:
    standin = SmscStandin()
    async with serve(standin.app()) as base_url:
        standin.base_url = base_url
        yield standin


@pytest.fixture
async def smpp() -> AsyncIterator[SmppSmsc]:
    standin = await SmppSmsc().start()
    yield standin
    await standin.stop()
