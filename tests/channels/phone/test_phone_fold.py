"""The call fold (channels/phone/model.py) as a property: whatever order a call's events arrive
in, and however many times each, the call they make is the same — for the providers' recorded
sequences (decoded by each adapter from the stand-in's signed webhooks) and for made-up events
that tie on time and ``seq``. A database answers a call's stored events in no set order, so
the fold must not depend on it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standins.phone_pbx import SCENARIOS, Keys, webhooks

from unionline.channel import InboundRequest
from unionline.channels.phone.adapters import adapter_for
from unionline.channels.phone.model import STEPS, CallEvent, fold
from unionline.channels.phone.settings import LineConfig, LineSecrets

NAMES = ("missed_ivr", "answered_recorded", "ringing", "busy_outbound", "answered_outbound")


def decoded(provider: str, name: str) -> list[CallEvent]:
    """A recorded call of ``provider`` as its adapter decodes it."""
    keys = Keys()
    line = SimpleNamespace(
        id="line-1",
        config=LineConfig(provider=provider, busy_codes=["1191"], api_url="http://pbx"),
        secrets=LineSecrets(api_key=keys.api_key, api_secret=keys.api_secret),
    )
    events: list[CallEvent] = []
    for hook in webhooks(provider, name, "line-1", keys, command="cmd-1", pbx_url="http://pbx"):
        parts = urlsplit(hook.path)
        request = InboundRequest(
            method=hook.method,
            path=parts.path,
            headers={k.lower(): v for k, v in hook.headers.items()},
            query=dict(parse_qsl(parts.query)),
            body=hook.body,
        )
        events += adapter_for(provider).decode(line, request)
    return events


RECORDED = {(p, n): decoded(p, n) for p in SCENARIOS for n in NAMES}


@st.composite
def arrivals(draw: Any, events: list[CallEvent]) -> list[CallEvent]:
    """``events`` in some order, each one to three times."""
    repeated = [e for e in events for _ in range(draw(st.integers(1, 3)))]
    return list(draw(st.permutations(repeated)))


@pytest.mark.parametrize(("provider", "name"), sorted(RECORDED))
@settings(max_examples=15)
@given(data=st.data())
def test_a_recorded_call_folds_the_same_in_any_order(
    provider: str, name: str, data: st.DataObject
) -> None:
    events = RECORDED[(provider, name)]
    assert events, f"{provider} {name}: nothing decoded"
    assert fold(data.draw(arrivals(events))) == fold(events)


EXTENSIONS = st.sampled_from(["", "101", "102"])


@st.composite
def made_up_call(draw: Any) -> list[CallEvent]:
    """Events of one call at a few instants and ranks, so that many tie."""
    count = draw(st.integers(1, 8))
    events = []
    for index in range(count):
        step = draw(st.sampled_from(STEPS))
        events.append(
            CallEvent(
                call="c1",
                key=f"k{index}",
                step=step,
                at=float(draw(st.integers(0, 3))),
                seq=draw(st.integers(0, 1)),
                direction=draw(st.sampled_from([None, "in", "out"])),
                member=draw(st.sampled_from(["", "79161234567", "79035550011"])),
                extension=draw(EXTENSIONS),
                location=draw(st.sampled_from(["", "ivr", "queue", "operator"])),
                disposition=draw(st.sampled_from([None, "answered", "busy", "no_answer"])),
                duration=draw(st.sampled_from([None, 0, 30])),
                recording=draw(st.sampled_from(["", "rec-1", "rec-2"])),
            )
        )
    return events


@settings(max_examples=200)
@given(data=st.data())
def test_any_call_folds_the_same_in_any_order_and_with_duplicates(data: st.DataObject) -> None:
    events = data.draw(made_up_call())
    assert fold(data.draw(arrivals(events))) == fold(events)
