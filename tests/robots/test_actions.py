"""The core robot actions on a real app: each acts once per step, within the rule's
organization, and changes nothing on a dry run."""

from __future__ import annotations

import uuid

import msgspec
import pytest
from actions_support import context, fixtures, member_writes, run, sent_texts, timeline
from appeals_support import make_org

from unionline.appeals.store import AppealRow
from unionline.errors import PermanentFailure

unionline_settings, env = fixtures()


async def test_send_message_renders_the_template_and_goes_out_once(env) -> None:
    h = env.harness
    row = await member_writes(env, "Здравствуйте, вопрос по отпуску")
    ctx = context(env, row["appeal_id"])
    params = {
        "text": {
            "ru": "{member.first_name}, ваше обращение {appeal.number} принято. {{ok}}",
            "en": "Your appeal {appeal.number} is received",
        }
    }
    first = await run("member.send_message", ctx, params)
    again = await run("member.send_message", ctx, params)  # the job system retried the step
    await h.settle()
    number = (
        await env.db.fetchone("SELECT number FROM appeal_appeal WHERE id = {}", row["appeal_id"])
    )["number"]
    assert sent_texts(env) == [f"[ППО] Сергеевна, ваше обращение {number} принято. {{ok}}"]
    assert first.data["entry_id"] == again.data["entry_id"]
    out = await timeline(env, row["appeal_id"], "message_out")
    assert len(out) == 1 and out[0]["author_id"] is None
    # A robot's message is no operator's response: the SLA clock and the status stay.
    appeal = await env.db.fetchone(
        "SELECT status, first_responded_at FROM appeal_appeal WHERE id = {}", row["appeal_id"]
    )
    assert appeal["status"] == "new" and appeal["first_responded_at"] is None


async def test_send_message_in_english_and_dry_run(env) -> None:
    h = env.harness
    row = await member_writes(env, "Hello")
    params = {"text": {"ru": "Принято: {appeal.number}", "en": "Received: {appeal.number}"}}
    preview = await run(
        "member.send_message", context(env, row["appeal_id"], dry_run=True, locale="en"), params
    )
    await h.settle()
    assert sent_texts(env) == [] and preview.data["dry_run"] is True
    assert preview.summary.startswith("(dry run) message “Received: PPO-")
    await run("member.send_message", context(env, row["appeal_id"], locale="en"), params)
    await h.settle()
    assert sent_texts(env)[0].startswith("[ППО] Received: PPO-")


def test_unknown_placeholder_is_refused_when_the_rule_is_saved() -> None:
    from unionline.robots.actions.member import MessageParams

    with pytest.raises(msgspec.ValidationError, match=r"unknown placeholder \{member\.passport\}"):
        msgspec.convert({"text": {"ru": "Паспорт: {member.passport}"}}, MessageParams)
    with pytest.raises(msgspec.ValidationError, match="lone brace"):
        msgspec.convert({"text": {"ru": "Скобка { без пары"}}, MessageParams)
    with pytest.raises(msgspec.ValidationError, match="surprise"):
        msgspec.convert({"text": {"ru": "x"}, "surprise": 1}, MessageParams)


async def test_note_is_written_once_per_step(env) -> None:
    row = await member_writes(env, "Нужна справка")
    ctx = context(env, row["appeal_id"], step=2)
    params = {"text": {"ru": "Проверить стаж {member.name}"}}
    assert (
        await run("appeal.add_note", context(env, row["appeal_id"], dry_run=True), params)
    ).data["dry_run"]
    await run("appeal.add_note", ctx, params)
    await run("appeal.add_note", ctx, params)
    notes = await timeline(env, row["appeal_id"], "note")
    assert [n["body"] for n in notes] == ["Проверить стаж Анна Сергеевна Иванова"]
    # Another step of the same execution is another note.
    await run(
        "appeal.add_note",
        context(env, row["appeal_id"], step=3, execution_id=ctx.execution_id),
        params,
    )
    assert len(await timeline(env, row["appeal_id"], "note")) == 2


async def test_status_priority_and_tags(env) -> None:
    row = await member_writes(env, "Вопрос")
    appeal_id = row["appeal_id"]

    async def appeal() -> AppealRow:
        from unionline.appeals.store import load

        return await load(uuid.UUID(str(appeal_id)))

    await run("appeal.set_status", context(env, appeal_id, dry_run=True), {"status": "waiting"})
    assert (await appeal()).status == "new"
    await run("appeal.set_status", context(env, appeal_id), {"status": "waiting"})
    await run("appeal.set_status", context(env, appeal_id), {"status": "waiting"})
    await run("appeal.set_priority", context(env, appeal_id), {"priority": "urgent"})
    await run("appeal.add_tags", context(env, appeal_id), {"tags": ["отпуск", "срочно"]})
    await run("appeal.add_tags", context(env, appeal_id), {"tags": ["отпуск"]})
    await run("appeal.remove_tags", context(env, appeal_id), {"tags": ["срочно"]})
    now = await appeal()
    assert (now.status, now.priority, now.tags) == ("waiting", "urgent", ["отпуск"])
    assert len(await timeline(env, appeal_id, "status_changed")) == 1
    with pytest.raises(PermanentFailure, match="cannot go from 'waiting' to 'new'"):
        await run("appeal.set_status", context(env, appeal_id), {"status": "new"})
    with pytest.raises(msgspec.ValidationError, match="status"):
        await run("appeal.set_status", context(env, appeal_id), {"status": "lost"})


async def test_actions_stay_inside_the_rules_organization(env) -> None:
    h = env.harness
    row = await member_writes(env, "Вопрос")
    other_org = await make_org(h, "OTH")
    outside = context(env, row["appeal_id"], organization_id=other_org)
    with pytest.raises(PermanentFailure, match="вне организации правила"):
        await run("appeal.set_priority", outside, {"priority": "high"})
    with pytest.raises(PermanentFailure, match="вне организации правила"):
        await run("member.send_message", outside, {"text": {"ru": "Привет"}})
    await h.settle()
    assert sent_texts(env) == []


async def test_assign_within_the_organization_only(env) -> None:
    h = env.harness
    row = await member_writes(env, "Вопрос")
    org = env.account.organization_id
    mine, _ = await h.create_operator("olga", "operator", org)
    other_org = await make_org(h, "OTH")
    stranger, _ = await h.create_operator("petr", "operator", other_org)
    with pytest.raises(PermanentFailure, match="не работает с обращениями этой организации"):
        await run("appeal.assign", context(env, row["appeal_id"]), {"operator_id": str(stranger)})
    await run("appeal.assign", context(env, row["appeal_id"]), {"operator_id": str(mine)})
    await run("appeal.assign", context(env, row["appeal_id"]), {"operator_id": str(mine)})
    assigned = await timeline(env, row["appeal_id"], "assigned")
    assert len(assigned) == 1 and assigned[0]["author_id"] is None


async def test_transfer_to_a_queue_of_the_organization(env) -> None:
    h = env.harness
    row = await member_writes(env, "Вопрос")
    org = env.account.organization_id
    other_org = await make_org(h, "OTH")

    async def queue(organization_id: uuid.UUID, name: str) -> str:
        r = await h.client.post(
            "/api/routing/queues/",
            headers=h.admin_headers,
            json={"organization_id": str(organization_id), "name": name},
        )
        assert r.status_code == 201, r.text
        return r.json()["id"]

    legal = await queue(org, "Юристы")
    foreign = await queue(other_org, "Чужая")
    with pytest.raises(PermanentFailure, match="нет в организации правила"):
        await run("appeal.transfer", context(env, row["appeal_id"]), {"queue_id": foreign})
    await run("appeal.transfer", context(env, row["appeal_id"]), {"queue_id": legal})
    got = await env.db.fetchone(
        "SELECT queue_id FROM appeal_appeal WHERE id = {}", row["appeal_id"]
    )
    assert str(got["queue_id"]) == legal


async def test_wait_and_stop() -> None:
    from unionline.robots.sdk import RobotContext

    ctx = RobotContext(
        rule_id=uuid.uuid4(), organization_id=uuid.uuid4(), execution_id=uuid.uuid4(), step=0
    )
    waited = await run("flow.wait", ctx, {"hours": 2})
    assert waited.wait_seconds == 7200 and waited.summary == "ожидание 2 ч"
    assert (await run("flow.stop", ctx, {})).stop is True
    with pytest.raises(msgspec.ValidationError, match="positive time"):
        await run("flow.wait", ctx, {})
    with pytest.raises(msgspec.ValidationError, match="90 days"):
        await run("flow.wait", ctx, {"days": 91})
