"""The satisfaction survey end to end through the reference channel: an appeal is resolved,
the member is asked on their channel, answers "5", the rating is stored without reopening the
appeal, a supervisor adds their own rating, and both show in the per-operator report."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
import pytest
from actions_support import context, fixtures, member_writes, sent_texts, timeline
from appeals_support import bearer, make_org

from unionline.plugins.satisfaction.rating import parse
from unionline.robots import templates

# An optional plugin: enabled here, as the starter config does.
pytestmark = pytest.mark.unionline_plugins("satisfaction")
unionline_settings, env = fixtures()


async def resolve(env: Any, appeal_id: Any, token: str) -> None:
    h = env.harness
    r = await h.client.post(
        f"/api/appeals/{appeal_id}/status", headers=bearer(token), json={"status": "resolved"}
    )
    assert r.status_code == 200, r.text


async def survey(env: Any, appeal_id: Any, **options: Any) -> Any:
    """What the rule made from the ``satisfaction_survey`` template runs on resolve."""
    return await run_survey(context(env, appeal_id, **options))


async def run_survey(ctx: Any, params: dict | None = None) -> Any:
    from unionline.plugins.satisfaction.robot import Survey

    action = Survey()
    return await action.run(ctx, msgspec.convert(params or {}, action.params))


async def status(env: Any, appeal_id: Any) -> str:
    row = await env.db.fetchone("SELECT status FROM appeal_appeal WHERE id = {}", appeal_id)
    return row["status"]


async def staff(env: Any) -> tuple[uuid.UUID, str, str]:
    h = env.harness
    org = env.account.organization_id
    olga, olga_token = await h.create_operator("olga", "operator", org)
    await h.runtime.db.execute(
        "UPDATE operator_operator SET name = {} WHERE id = {}", "Ольга Смирнова", olga
    )
    _, boss_token = await h.create_operator("boss", "supervisor", org)
    return olga, olga_token, boss_token


async def test_member_rates_five_and_it_is_reported(env) -> None:
    h = env.harness
    olga, olga_token, boss_token = await staff(env)
    rule = msgspec.to_builtins(templates.rule("satisfaction_survey", env.account.organization_id))
    r = await h.client.post("/api/robots/rules", headers=bearer(boss_token), json=rule)
    assert r.status_code == 201, r.text
    row = await member_writes(env, "Как оформить материальную помощь?")
    appeal_id = row["appeal_id"]
    r = await h.client.post(
        f"/api/appeals/{appeal_id}/assign",
        headers=bearer(boss_token),
        json={"operator_id": str(olga)},
    )
    assert r.status_code == 200, r.text
    await resolve(env, appeal_id, olga_token)  # the rule asks the member
    await h.settle()
    [question] = sent_texts(env)
    assert "Оцените, пожалуйста, ответ по обращению PPO-" in question and "от 1 до 5" in question

    await member_writes(env, "5")
    await h.settle()
    assert await status(env, appeal_id) == "resolved"  # a rating does not reopen
    [answer] = [e for e in await timeline(env, appeal_id, "message_in") if e["body"] == "5"]
    view = (
        await h.client.get(f"/api/satisfaction/appeals/{appeal_id}", headers=bearer(boss_token))
    ).json()
    assert (view["member_rating"], view["awaiting"], view["operator_id"]) == (5, False, str(olga))

    r = await h.client.put(
        f"/api/satisfaction/appeals/{appeal_id}/supervisor-rating",
        headers=bearer(boss_token),
        json={"rating": 4, "comment": "Долго"},
    )
    assert r.status_code == 200, r.text
    report = (await h.client.get("/api/satisfaction/report", headers=bearer(boss_token))).json()
    [line] = report["operators"]
    assert line["operator_name"] == "Ольга Смирнова"
    assert (line["member_ratings"], line["member_average"]) == (1, 5.0)
    assert (line["supervisor_ratings"], line["supervisor_average"]) == (1, 4.0)
    org = env.account.organization_id
    for query, count in (
        ({"since": "2020-01-01T00:00:00+03:00"}, 1),
        ({"since": "2999-01-01T00:00:00+03:00"}, 0),
        ({"until": "2020-01-01T00:00:00Z"}, 0),
        ({"organization_id": str(org)}, 1),
        ({"organization_id": str(await make_org(h, "SIB"))}, 0),
    ):
        r = await h.client.get("/api/satisfaction/report", headers=h.admin_headers, params=query)
        assert r.status_code == 200, r.text
        assert len(r.json()["operators"]) == count, query
    assert answer is not None


async def test_an_ordinary_message_reopens_and_ends_the_wait(env) -> None:
    h = env.harness
    _, olga_token, boss_token = await staff(env)
    row = await member_writes(env, "Вопрос о стаже")
    appeal_id = row["appeal_id"]
    await resolve(env, appeal_id, olga_token)
    await survey(env, appeal_id)
    await member_writes(env, "5 дней жду справку, где она?")
    assert await status(env, appeal_id) == "open"
    await resolve(env, appeal_id, olga_token)
    await member_writes(env, "5")  # the survey no longer waits: this reopens as usual
    assert await status(env, appeal_id) == "open"
    view = (
        await h.client.get(f"/api/satisfaction/appeals/{appeal_id}", headers=bearer(boss_token))
    ).json()
    assert view["member_rating"] is None and view["awaiting"] is False


async def test_survey_is_sent_once_and_only_for_resolved_appeals(env) -> None:
    h = env.harness
    _, olga_token, _ = await staff(env)
    row = await member_writes(env, "Вопрос")
    appeal_id = row["appeal_id"]
    skipped = await survey(env, appeal_id)
    assert "не решено" in skipped.summary
    await resolve(env, appeal_id, olga_token)
    ctx = context(env, appeal_id)
    await run_survey(ctx)
    await run_survey(ctx)  # retried step
    await run_survey(context(env, appeal_id))  # another firing for the same resolution
    preview = await survey(env, appeal_id, dry_run=True)
    await h.settle()
    assert len(sent_texts(env)) == 1 and preview.data["dry_run"] is True
    await member_writes(env, "⭐⭐⭐⭐")
    again = await survey(env, appeal_id)  # resolved again later: not asked twice
    assert again.summary == "уже оценено: 4"


async def test_an_expired_survey_takes_no_rating(env) -> None:
    from appeals_support import FakeClock

    from unionline.appeals import clock

    _, olga_token, _ = await staff(env)
    row = await member_writes(env, "Вопрос")
    appeal_id = row["appeal_id"]
    await resolve(env, appeal_id, olga_token)
    fake = FakeClock(clock.now())
    with clock.use_clock(fake):
        await run_survey(context(env, appeal_id), {"expires_hours": 1})
        fake.advance(hours=2)
        await member_writes(env, "5")
    assert await status(env, appeal_id) == "open"


async def test_supervisor_rating_needs_permission_scope_and_a_finished_appeal(env) -> None:
    h = env.harness
    _, olga_token, boss_token = await staff(env)
    row = await member_writes(env, "Вопрос")
    appeal_id = row["appeal_id"]
    url = f"/api/satisfaction/appeals/{appeal_id}/supervisor-rating"
    r = await h.client.put(url, headers=bearer(boss_token), json={"rating": 5})
    assert r.status_code == 409 and r.json()["error"]["extra"]["status"] == "new"
    await resolve(env, appeal_id, olga_token)
    r = await h.client.put(url, headers=bearer(olga_token), json={"rating": 5})
    assert r.status_code == 403
    for bad in ({"rating": 6}, {"rating": 0}, {"rating": 5, "extra": 1}):
        r = await h.client.put(url, headers=bearer(boss_token), json=bad)
        assert r.status_code == 400 or r.status_code == 422, r.text
    other = await make_org(h, "OTH")
    _, stranger = await h.create_operator("petr", "supervisor", other)
    r = await h.client.put(url, headers=bearer(stranger), json={"rating": 1})
    assert r.status_code == 404
    report = (await h.client.get("/api/satisfaction/report", headers=bearer(stranger))).json()
    assert report["operators"] == []
    r = await h.client.put(url, headers=bearer(boss_token), json={"rating": 2})
    assert r.json()["supervisor_rating"] == 2 and r.json()["member_rating"] is None
    r = await h.client.get("/api/satisfaction/report?since=2020-01-01", headers=h.admin_headers)
    assert r.status_code in (400, 422) and r.json()["error"]["field"] == "since"


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("5", 5),
        ("5!", 5),
        (" 4. ", 4),
        ("⭐5", 5),
        ("5⭐️", 5),
        ("⭐⭐⭐", 3),
        ("пять", 5),
        ("Пятёрка!", 5),
        ("оценка: 2", 2),
        ("4 из 5", 4),
        ("5/5", 5),
        ("one", 1),
        ("5 дней жду справку", None),
        ("10", None),
        ("0", None),
        ("спасибо", None),
        ("⭐⭐⭐⭐⭐⭐", None),
        ("", None),
    ],
)
def test_what_counts_as_a_rating(text: str, mark: int | None) -> None:
    assert parse(text) == mark


def test_the_hook_is_claim_member_reply() -> None:
    from unionline.plugins import satisfaction as plugin

    assert callable(plugin.claim_member_reply)
