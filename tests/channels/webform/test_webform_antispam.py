"""What keeps bots and other sites out: render tokens, the honeypot, the hourly limit, origins."""

from __future__ import annotations

import httpx
import pytest
from webform_support import ORIGIN, SECRET, Federation, created

from unionline.channels.webform import tokens

pytestmark = pytest.mark.unionline_plugins("webform")


async def test_a_filled_honeypot_looks_accepted_but_stores_nothing(
    site: Federation, caplog: pytest.LogCaptureFixture
) -> None:
    answer = await created(await site.submit(website="http://spam.example"))
    assert answer["appeal_number"] is None
    assert answer["message"] == "Ваше обращение принято"
    assert await site.appeals() == []
    assert "honeypot" in caplog.text


async def test_missing_or_forged_render_token_is_refused(site: Federation) -> None:
    for token in ("", "garbage", "1700000000.abc.0000", f"{10**12}.x.{'0' * 64}"):
        answer = await site.submit(render_token=token)
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["field"] == "render_token"
    assert await site.appeals() == []
    # A genuine token of another form, or one signed with another secret.
    other_form = tokens.issue(SECRET, "00000000-0000-0000-0000-000000000000", now=0)
    other_secret = tokens.issue("another-secret-0123456789", site.account_id)
    for token in (other_form, other_secret):
        assert (await site.submit(render_token=token)).status_code == 403
    assert await site.appeals() == []


async def test_too_fast_and_expired_tokens_have_their_own_codes(site: Federation) -> None:
    fast = await site.submit(render_token=site.token(rendered_ago=0))
    assert fast.status_code == 422
    assert fast.json()["error"]["code"] == "too_fast"
    assert fast.json()["error"]["extra"]["retry_after"] >= 1
    old = await site.submit(render_token=site.token(rendered_ago=5 * 3600))
    assert old.status_code == 422
    assert old.json()["error"]["code"] == "token_expired"
    assert await site.appeals() == []
    # A token the server just handed out.
    form = await site.client.get(f"/channels/webform/{site.public_key}/form")
    token = form.json()["render_token"]
    stamp, nonce, signature = token.split(".")
    assert (await site.submit(render_token=token)).status_code == 422  # just rendered: too fast
    # The same token as if rendered a minute ago is not the server's any more: forged.
    moved = f"{int(stamp) - 60}.{nonce}.{signature}"
    assert (await site.submit(render_token=moved)).status_code == 403


async def test_the_hourly_limit_answers_429_with_retry_after(site: Federation) -> None:
    url = f"/channels/webform/{site.public_key}/submissions"
    for _ in range(5):  # submissions_per_hour = 5 in these tests
        last = site.values()
        await created(await site.client.post(url, json=last, headers={"Origin": ORIGIN}))
    # A retry of a stored submission still gets its number, though the hour is spent.
    retried = await created(await site.client.post(url, json=last, headers={"Origin": ORIGIN}))
    assert retried["duplicate"] is True
    refused = await site.submit()
    assert refused.status_code == 429, refused.text
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.headers["access-control-allow-origin"] == ORIGIN
    assert len(await site.appeals()) == 5
    # Another client address is counted on its own.
    transport = httpx.ASGITransport(app=site.h.app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as other:
        elsewhere = await other.post(
            f"/channels/webform/{site.public_key}/submissions",
            json=site.values(),
            headers={"Origin": ORIGIN},
        )
    assert elsewhere.status_code == 201, elsewhere.text


async def test_the_limit_counts_honeypot_hits_too(site: Federation) -> None:
    for _ in range(5):
        await created(await site.submit(website="spam"))
    assert (await site.submit()).status_code == 429


async def test_other_origins_are_refused_and_get_no_cors_headers(site: Federation) -> None:
    evil = {"Origin": "https://evil.example"}
    form = await site.client.get(f"/channels/webform/{site.public_key}/form", headers=evil)
    assert form.status_code == 403
    assert "access-control-allow-origin" not in form.headers
    answer = await site.submit(headers=evil)
    assert answer.status_code == 403 and answer.json()["error"]["field"] == "origin"
    assert await site.appeals() == []
    # The preflight of a JSON send is answered for allowed origins only.
    url = f"/channels/webform/{site.public_key}/submissions"
    ok = await site.client.options(
        url, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in ok.headers["access-control-allow-methods"]
    evil = await site.client.options(
        url, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert evil.status_code == 403 and "access-control-allow-origin" not in evil.headers
