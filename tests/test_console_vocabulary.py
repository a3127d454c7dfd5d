"""The console's statuses, priorities and their labels come from the server's one definition
(``unionline.appeals.statuses``, ``unionline.appeals.delivery_statuses``); the browser code
keeps no copy of them."""

from __future__ import annotations

import re
from pathlib import Path

from unionline.appeals import delivery_statuses, statuses
from unionline.testing import AppHarness

STATIC = Path(__file__).resolve().parent.parent / "core" / "console" / "static"


async def test_the_console_gets_the_vocabulary_from_the_server(unionline_app: AppHarness) -> None:
    answer = await unionline_app.client.get("/console/vocabulary.json")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-cache"
    body = answer.json()
    assert body["statuses"] == ["new", "open", "waiting", "resolved", "closed"]
    assert body["active"] == list(statuses.ACTIVE)
    assert body["done"] == list(statuses.DONE)
    assert body["transitions"]["resolved"] == ["open", "closed"]
    assert body["transitions"]["closed"] == []
    assert body["priorities"] == list(statuses.PRIORITIES)
    assert body["delivery_statuses"] == list(delivery_statuses.DELIVERY_STATUSES)
    expected = {
        *(f"status.{s}" for s in statuses.STATUSES),
        *(f"priority.{p}" for p in statuses.PRIORITIES),
        *(f"delivery.{d}" for d in delivery_statuses.DELIVERY_STATUSES),
    }
    assert set(body["labels"]) == {"ru", "en"}
    for language, labels in body["labels"].items():
        assert set(labels) == expected, language
    assert body["labels"]["ru"]["status.waiting"] == "Ждём ответа"
    assert body["labels"]["en"]["delivery.failed"] == "Failed"


def test_the_browser_code_keeps_no_copy() -> None:
    """No status list and no status label written into the console's JavaScript or a
    first-party plugin's."""
    names = "|".join([*statuses.STATUSES, *delivery_statuses.DELIVERY_STATUSES])
    a_list = re.compile(rf'\[\s*"({names})"\s*,\s*"({names})"')  # ["new", "open", …
    a_label = re.compile(r'"(status|priority|delivery)\.[a-z_]+"\s*:')  # "status.new": "Новое"
    a_move = re.compile(r'\b(new|open|waiting|resolved)\s*:\s*\[\s*"')  # new: ["open", …
    plugins = STATIC.parents[2] / "plugins"  # first-party plugins' console code too
    files = sorted([*STATIC.rglob("*.js"), *plugins.rglob("*.js")])
    assert len(files) > 10 and any(path.is_relative_to(plugins) for path in files)
    copies = [
        f"{path}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if a_list.search(line) or a_label.search(line) or a_move.search(line)
    ]
    assert copies == []


def test_the_delivery_rank_only_moves_forward() -> None:
    advances = delivery_statuses.advances
    assert advances(None, "sent") and advances("queued", "failed")
    assert advances("sent", "delivered") and advances("delivered", "read")
    assert advances("unknown", "delivered") and advances("sent", "failed")
    assert not advances("read", "delivered")  # a "delivered" that arrives after its "read"
    assert not advances("sent", "unknown") and not advances("unknown", "sent")
    assert not advances("delivered", "failed")  # confirmed delivered: a late failure is stale
    assert not advances("failed", "delivered") and not advances("sent", "sent")
    assert not advances("sent", "bogus")


def test_the_servers_sql_names_the_active_statuses_through_one_constant() -> None:
    """Statements that list the active appeal statuses inline use ``statuses.ACTIVE_SQL``; no
    module of the core spells the list by hand (migrations, frozen in time, excepted)."""
    assert statuses.ACTIVE_SQL == "('new', 'open', 'waiting')"
    by_hand = re.compile(r"\('new',\s*'open',\s*'waiting'\)")
    core = STATIC.parents[1]
    copies = [
        f"{path}:{number}"
        for path in sorted(core.rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if by_hand.search(line)
    ]
    assert copies == []
