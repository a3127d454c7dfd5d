"""What the OpenAPI document says of the campaigns' routes is what they do (tests/
test_api_schema.py runs schemathesis over them; these are the cases it found)."""

from __future__ import annotations

import re

import msgspec
import pytest
from campaigns_support import World, campaign_body

from unionline.plugins.campaigns.schemas import LINK, Button
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")


async def test_the_segment_export_is_documented_as_csv_or_xlsx(
    unionline_app: AppHarness,
) -> None:
    document = unionline_app.app.openapi_schema.to_schema()
    answer = document["paths"]["/api/campaigns/segments/export"]["post"]["responses"]["200"]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert set(answer["content"]) == {"text/csv", xlsx}
    answered = {}
    for kind in ("csv", "xlsx"):
        exported = await unionline_app.client.post(
            "/api/campaigns/segments/export",
            headers=unionline_app.admin_headers,
            json={"format": kind},
        )
        assert exported.status_code == 200
        answered[kind] = exported.headers["content-type"]
    # One charset (the CSV's was named twice: "text/csv; charset=utf-8; charset=utf-8").
    assert answered == {"csv": "text/csv; charset=utf-8", "xlsx": xlsx}


def test_the_button_link_pattern_reads_the_same_in_a_clients_regex() -> None:
    """A client's regex (ECMA-262, no u flag) reads ``\\w`` as ASCII only, as Python's
    re.ASCII does: the pattern takes a link to a site named in Cyrillic either way."""
    for url in ("https://профсоюз.рф/программа?день=1#начало", "https://[::1]:8080/x"):
        assert re.fullmatch(LINK, url) and re.fullmatch(LINK, url, re.ASCII), url
    # \x1c: whitespace to Python's \s, not to ECMA's (schemathesis sent it in a link).
    for url in ("https://a@", "https://[", "https://host/a b", "https://h/\x01", "http://P\x1c"):
        assert not re.fullmatch(LINK, url) and not re.fullmatch(LINK, url, re.ASCII), url


def test_a_button_title_of_only_spaces_is_refused_by_either_reading() -> None:
    document = msgspec.json.schema(Button)["$defs"]["Button"]["properties"]["title"]
    ecma_space = (
        "[\\t\\n\\v\\f\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]"
    )
    ecma = document["pattern"].replace("\\s", ecma_space[1:-1])  # ECMA's \s, spelled out
    for title in ("\x1c", "\x85", " \ufeff ", "\t"):
        assert not re.fullmatch(document["pattern"], title), repr(title)
        assert not re.fullmatch(ecma, title), repr(title)
    assert re.fullmatch(ecma, "Программа") and re.fullmatch(document["pattern"], "Программа")


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("https://профсоюз.рф/программа", 201),
        ("https://a@", 400),  # no host: the schema's pattern refuses it
        ("https://[:::]/", 422),  # the pattern's shape, but no IPv6 address: the SDK refuses
        ("https://a\uff0fb/", 422),  # a letter that normalizes to "/" in the host
    ],
)
async def test_a_button_link_the_channels_would_refuse_is_refused_on_save(
    unionline_app: AppHarness, url: str, status: int
) -> None:
    w = await World(unionline_app).setup()
    body = campaign_body(w)
    body["variants"]["telegram"]["buttons"] = [{"title": "Программа", "url": url}]
    answer = await w.call("boss", "post", "/api/campaigns/", status, **body)
    if status != 201:
        assert answer["error"]["field"] == "variants.telegram.buttons[0].url", answer
