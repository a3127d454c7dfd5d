"""The event-log scrub an erasure applies: properties over arbitrary event-shaped JSON."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from unionline.privacy.event_log import LIST_KEYS, TEXT_KEYS, scrub

TOMBSTONE = "[удалено]"
KEYS = st.sampled_from(
    sorted(TEXT_KEYS | LIST_KEYS | {"kind", "body", "data", "id", "appeal_id", "status", "new"})
)
KINDS = st.sampled_from(["message_in", "message_out", "note", "status_changed", "assigned"])
SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
JSON = st.recursive(
    SCALARS | KINDS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=30,
)


def shape(value: Any) -> Any:
    """Keys and types, not contents."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


def personal_text(value: Any) -> list[str]:
    """Strings left where scrubbing must leave none."""
    found: list[str] = []
    if isinstance(value, list):
        for item in value:
            found += personal_text(item)
    elif isinstance(value, dict):
        content = value.get("kind") in ("message_in", "message_out", "note") and "body" in value
        for key, item in value.items():
            if key in TEXT_KEYS and isinstance(item, str) and item not in ("", TOMBSTONE):
                found.append(item)
            elif key in LIST_KEYS and isinstance(item, list):
                found += [s for s in item if isinstance(s, str) and s != TOMBSTONE]
            elif content and key == "body" and isinstance(item, str) and item != TOMBSTONE:
                found.append(item)
            elif content and key == "data" and isinstance(item, dict):
                found += [] if item == {"erased": True} else [repr(item)]
            else:
                found += personal_text(item)
    return found


@given(JSON)
def test_scrub_leaves_no_personal_text_and_is_idempotent(payload: Any) -> None:
    once = scrub(payload, TOMBSTONE)
    assert personal_text(once) == []
    assert scrub(once, TOMBSTONE) == once


@given(st.dictionaries(st.sampled_from(["id", "appeal_id", "status", "new", "tags"]), JSON))
def test_an_event_without_personal_keys_keeps_its_shape(payload: dict[str, Any]) -> None:
    """Ids, statuses and lifecycle entries survive; only text under the named keys changes."""
    once = scrub(payload, TOMBSTONE)
    assert once.keys() == payload.keys()
    for key in ("id", "appeal_id", "status", "new", "tags"):
        if key in payload and not isinstance(payload[key], dict | list):
            assert once[key] == payload[key]


def test_a_message_entry_loses_body_and_data_a_status_entry_keeps_them() -> None:
    event = {
        "preview": "Меня увольняют",
        "entry": {"kind": "message_in", "body": "Меня увольняют", "data": {"sender_name": "Иван"}},
        "appeal": {"subject": "Меня увольняют", "number": "PPO-2026-1", "status": "new"},
    }
    status = {"entry": {"kind": "status_changed", "body": "", "data": {"old": "new"}}}
    assert scrub(event, TOMBSTONE) == {
        "preview": TOMBSTONE,
        "entry": {"kind": "message_in", "body": TOMBSTONE, "data": {"erased": True}},
        "appeal": {"subject": TOMBSTONE, "number": "PPO-2026-1", "status": "new"},
    }
    assert scrub(status, TOMBSTONE) == status
    assert shape(scrub(event, TOMBSTONE)["appeal"]) == shape(event["appeal"])
