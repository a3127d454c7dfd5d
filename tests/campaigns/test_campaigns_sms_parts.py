"""A campaign's preview counts SMS parts as the send does: one counter on the server
(``unionline.channel.sms_parts``), not a copy of it. The copy the preview had missed form feed
among GSM's extension characters (so a text with one was UCS-2 to it) and divided the units by
153 or 67 where the send splits, never cutting an escape pair: «a»×152 + «€» + «a»×152 is 306
septets, two parts to the copy, three as sent."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from campaigns_support import World, campaign_body
from hypothesis import given, settings
from hypothesis import strategies as st
from standins.sms_http import SmscStandin

from unionline.channel import sms_parts as channel_sms_parts
from unionline.channels.sms import segments
from unionline.plugins.campaigns.render import sms_parts
from unionline.testing import AppHarness, serve

ESCAPES = "^{}[]~|€\\\f"
TRICKY = [*ESCAPES, "a", " ", "\n", "Ж", "🙂"]


def _as_sent(text: str) -> int:
    """Parts the SMPP client puts on the wire for ``text``."""
    return len(segments.encode(text, reference=1).parts)


@pytest.mark.parametrize(
    ("text", "parts", "units"),
    [
        ("", 0, 0),
        ("a" * 160, 1, 160),
        ("a" * 161, 2, 161),
        ("a" * 306, 2, 306),
        ("a" * 307, 3, 307),
        ("Ж" * 70, 1, 70),
        ("Ж" * 71, 2, 71),
        ("Ж" * 134, 2, 134),
        ("Ж" * 135, 3, 135),
        ("\f" * 80, 1, 160),  # form feed is GSM (escaped): the copy made it UCS-2, 2 parts
        ("a" * 152 + "€" + "a" * 152, 3, 306),  # the copy: 2 (306 / 153)
        (ESCAPES * 16, 3, 320),  # 76 pairs a part
        ("a" * 66 + "🙂" + "Ж" * 66, 3, 134),  # a surrogate pair is not cut: the copy said 2
    ],
)
def test_the_preview_counts_as_the_send(text: str, parts: int, units: int) -> None:
    assert sms_parts(text) == (parts, units)
    assert _as_sent(text) == parts == channel_sms_parts(text).count


@settings(max_examples=300)  # a pure count: cheap
@given(
    st.sampled_from(["a", "Ж", "€"]),
    st.integers(0, 320),
    st.text(alphabet=st.sampled_from(TRICKY), max_size=40),
    st.text(alphabet=st.sampled_from(TRICKY), max_size=8),
)
def test_the_preview_and_the_send_agree_on_any_text(
    filler: str, length: int, head: str, tail: str
) -> None:
    """Tricky characters around a run long enough to reach each part's boundary."""
    text = head + filler * length + tail
    parts, units = sms_parts(text)
    assert parts == _as_sent(text) == segments.count(text).count
    assert units == segments.count(text).units


@pytest.fixture
async def smsc() -> AsyncIterator[SmscStandin]:
    standin = SmscStandin()
    async with serve(standin.app()) as base_url:
        standin.base_url = base_url
        yield standin


@pytest.mark.unionline_plugins("campaigns", "sms")
async def test_a_text_the_preview_calls_three_parts_is_refused_at_two(
    unionline_app: AppHarness, smsc: SmscStandin
) -> None:
    """Through the API: the preview's count is the account's — two parts go, three do not."""
    w = await World(unionline_app).setup()
    config = {"login": smsc.login, "sender": "PROFKOM", "base_url": smsc.base_url}
    account = await w.call(
        "admin", "post", "/api/channel-accounts/", 201,
        organization_id=str(w.a), channel="smsc", name="SMS профкома",
        config={**config, "max_segments": 2}, secrets={"password": smsc.password},
    )  # fmt: skip

    def body(text: str) -> dict[str, object]:
        return campaign_body(
            w,
            channel_order=["sms"],
            accounts={"sms": account["id"]},
            variants={"sms": {"text": text}},
        )

    two = "a" * 306
    saved = await w.call("boss", "post", "/api/campaigns/", 201, **body(two))
    preview = await w.call("boss", "post", f"/api/campaigns/{saved['id']}/preview/sms")
    assert (preview["sms_parts"], preview["sms_chars"]) == (2, 306)
    three = "a" * 152 + "€" + "a" * 152  # 306 septets too, but three parts as sent
    refused = await w.call("boss", "put", f"/api/campaigns/{saved['id']}", 422, **body(three))
    assert refused["error"]["message"].startswith("Текст занимает 3 SMS (латиница)"), refused
