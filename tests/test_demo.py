"""``unionline demo``: seeds a federation with three primary organizations (again without
duplicates), prints working logins, and its simulated members' signed webhook calls become
appeals routed to whoever is online — to the queue of their topic."""

from __future__ import annotations

import re
from pathlib import Path

from cli_runner import TEST_SECRET, run_cli
from routing_support import assignee, online, settle

from unionline import demo
from unionline.operators.tables import Operator
from unionline.runtime import current
from unionline.testing import AppHarness

LOGIN_LINE = re.compile(r"^\s+([a-z0-9-]+)\s+(\S+)\s+(?:admin|supervisor|operator)\s", re.M)


def test_seed_only_prints_logins_and_is_idempotent(tmp_path: Path) -> None:
    # Cheap password hashing, as make_settings gives in-process apps: 11 operators seeded twice
    # would otherwise pay production argon2 (64 MiB, t=3) each; what ships has its own test.
    env = {"UNIONLINE_SECRET_KEY": TEST_SECRET, "UNIONLINE_PASSWORD_HASHING": "fast-insecure"}
    first = run_cli("demo", "--seed-only", cwd=tmp_path, env=env, timeout=180)
    assert first.returncode == 0, first.stderr
    logins = dict(LOGIN_LINE.findall(first.stdout))
    assert len(logins) == 11 and {"demo-admin", "zavod-op1", "univ-chair"} <= set(logins)
    again = run_cli("demo", "--seed-only", cwd=tmp_path, env=env, timeout=180)
    assert again.returncode == 0, again.stderr
    passwords = dict(LOGIN_LINE.findall(again.stdout))
    assert set(passwords) == set(logins)  # the same people, with fresh passwords
    assert all(passwords[name] != logins[name] for name in logins)


async def test_the_demo_federation_routes_its_members_messages(unionline_app: AppHarness) -> None:
    h = unionline_app
    site = await demo.seed()
    orgs = await current().db.fetch("SELECT code, kind FROM organization_organization")
    assert sorted((o["kind"], o["code"]) for o in orgs) == [
        ("federation", "DEMO"), ("primary", "BOLN"), ("primary", "UNIV"), ("primary", "ZAVOD"),
    ]  # fmt: skip
    assert len(site.members) == 9
    login = next(x for x in site.logins if x.login == "zavod-op1")
    r = await h.client.post(
        "/api/auth/login", json={"login": login.login, "password": login.password}
    )
    assert r.status_code == 200, r.text
    row = await Operator.select(Operator.id).where(Operator.login == "zavod-op1").first()
    assert row is not None
    await online(row["id"])
    keys = await demo.signing_secrets(site)
    ivan = next(m for m in site.members if m.account == "demo-zavod")
    status = await demo.write_once(h.client, ivan, "Задерживают зарплату", keys[ivan.account])
    assert status == 200
    await settle(h)
    appeal = await current().db.fetchone(
        "SELECT id, number FROM appeal_appeal WHERE number LIKE 'ZAVOD-%'"
    )
    assert appeal is not None
    assert await assignee(appeal["id"]) == row["id"]
    anna = next(m for m in site.members if m.account == "demo-boln")
    forged = await demo.write_once(h.client, anna, "Подделка", "not-the-secret")
    assert forged == 403
    again = await demo.seed()  # a second run adds nothing
    assert len(again.members) == 9
    count = await current().db.fetchone("SELECT COUNT(*) AS n FROM organization_organization")
    assert count is not None and int(count["n"]) == 4


async def test_the_demo_routes_appeals_to_the_queues_of_their_topics(
    unionline_app: AppHarness,
) -> None:
    """Each primary organization has the queues a union office keeps; a robot rule sends a new
    appeal to its topic's queue by its words, «Правовая помощь» to the operator who is a lawyer,
    and what matches no topic stays in «Общая»."""
    h = unionline_app
    site = await demo.seed()
    await demo.seed()  # a second run adds no queue and no rule
    queues = await current().db.fetch(
        "SELECT q.name, q.is_default, q.strategy FROM routing_queue q"
        " JOIN organization_organization o ON o.id = q.organization_id WHERE o.code = 'ZAVOD'"
    )
    assert sorted((q["name"], bool(q["is_default"]), q["strategy"]) for q in queues) == [
        ("Общая", True, "least_busy"),
        ("Охрана труда", False, "least_busy"),
        ("Правовая помощь", False, "skills"),
        ("Членство и взносы", False, "least_busy"),
    ]
    rules = await current().db.fetchone("SELECT COUNT(*) AS n FROM robot_rule")
    assert rules is not None and int(rules["n"]) == 9  # three topics in three organizations
    ids = {}
    for login in ("zavod-op1", "zavod-op2"):
        row = await Operator.select(Operator.id).where(Operator.login == login).first()
        assert row is not None
        ids[login] = row["id"]
        await online(row["id"])
    keys = await demo.signing_secrets(site)
    asked = {
        "Задерживают зарплату второй месяц.": "Правовая помощь",
        "Не выдали спецодежду уже полгода.": "Охрана труда",
        "Как вступить в профсоюз? Какие нужны документы?": "Членство и взносы",
        "Когда собрание профсоюзной организации?": "Общая",
    }
    for n, text in enumerate(asked):  # each from someone new: a new appeal each
        writer = demo.DemoMember(sender=f"new-{n}", name="Гусев Роман", account="demo-zavod")
        assert await demo.write_once(h.client, writer, text, keys["demo-zavod"]) == 200
        await settle(h)
    rows = await current().db.fetch(
        "SELECT a.subject, q.name AS queue, a.assignee_id FROM appeal_appeal a"
        " JOIN routing_queue q ON q.id = a.queue_id"
    )
    found = {r["queue"]: r for r in rows}
    assert sorted(found) == sorted(asked.values()), rows
    assert found["Правовая помощь"]["assignee_id"] == ids["zavod-op1"]  # the lawyer


async def test_the_simulation_keeps_opening_new_appeals(unionline_app: AppHarness) -> None:
    """Most simulated messages come from someone writing for the first time: each makes a new
    appeal (a console that watches sees new rows, not only new messages in old ones)."""
    h = unionline_app
    site = await demo.seed()
    keys = await demo.signing_secrets(site)
    writers = [demo.writer(site, share=1.0) for _ in range(4)]
    assert len({w.sender for w in writers}) == 4 and all(" " in w.name for w in writers)
    for n, who in enumerate(writers):
        assert await demo.write_once(h.client, who, f"Вопрос {n}", keys[who.account]) == 200
    await settle(h)
    found = await current().db.fetchone("SELECT COUNT(*) AS n FROM appeal_appeal")
    assert found is not None and int(found["n"]) == 4
