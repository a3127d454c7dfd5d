"""``unionline demo``: seeds a federation with three primary organizations (again without
duplicates), prints working logins, and its simulated members' signed webhook calls become
appeals routed to whoever is online."""

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
