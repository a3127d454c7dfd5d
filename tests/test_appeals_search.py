"""Full-text search over appeal subjects and messages: Russian morphology on PostgreSQL,
stemmed prefixes on SQLite (FTS5); ё = е; exact numbers; scoped like every list."""

from __future__ import annotations

from appeals_support import inbound, make_member, make_org

from unionline.appeals import services
from unionline.appeals.search import AppealFilter
from unionline.testing import AppHarness


async def _numbers(q: str, **filters) -> list[str]:
    page = await services.list_appeals(None, AppealFilter(q=q, **filters))
    return sorted(a.number for a in page.items)


async def test_search_subjects_and_messages(unionline_app: AppHarness, on_postgres: bool) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    vacation, _ = await inbound(org, member, "Отпуск\nКогда дадут отпуск?")
    salary, _ = await inbound(org, member, "Зарплата задерживается", channel="email")
    tree, _ = await inbound(org, member, "Ёлка для детей", channel="web")
    english, _ = await inbound(org, member, "Vacation schedule", channel="vk")
    await services.add_reply(None, salary.id, "Разберёмся с бухгалтерией")
    await services.add_note(None, salary.id, "Позвонить главному бухгалтеру")
    await services.set_status(None, vacation.id, "waiting")
    v, s, t, e = vacation.number, salary.number, tree.number, english.number

    assert await _numbers("отпуска") == [v]  # another form of the word
    assert await _numbers("ОТПУСКОМ") == [v]
    assert await _numbers("зарплаты") == [s]
    assert await _numbers("бухгалтерия") == [s]  # found in the reply and in the note
    assert await _numbers("елка") == [t] and await _numbers("ёлки") == [t]
    assert await _numbers("vacations") == [e]
    assert await _numbers("отпуск задерживается") == []  # every word must match
    assert await _numbers(s.lower()) == [s]  # an exact number
    assert await _numbers("отпуск", status=["waiting"]) == [v]
    assert await _numbers("отпуск", status=["new"]) == []
    assert await _numbers("waiting") == []  # status entries are not searched
    for odd in (
        '"',
        "*",
        "отпуск*",
        "NOT OR AND",
        "-отпуск",
        "(",
        "'; DROP TABLE x; --",
        "??",
        "\x00",
    ):
        await services.list_appeals(None, AppealFilter(q=odd))  # never an error
    if on_postgres:
        assert await _numbers("отп") == []  # PostgreSQL matches whole words
    else:
        assert await _numbers("отп") == [v]  # SQLite matches prefixes


async def test_search_follows_merges_and_edits(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    source, _ = await inbound(org, member, "Больничный лист не оплачен")
    target = await services.create_appeal(
        None, organization_id=org, member_id=member, subject="Справка о доходах", channel="phone"
    )
    await services.merge(None, source.id, target.id)
    # the merged source keeps its subject; the moved message is found on the target
    assert await _numbers("оплачен") == sorted([source.number, target.number])
    assert await _numbers("больничного", status=["new", "open"]) == [target.number]
    from unionline.appeals.schemas import AppealUpdate

    await services.update_appeal(None, target.id, AppealUpdate(subject="Пособие по уходу"))
    assert await _numbers("справка") == []
    assert await _numbers("пособия") == [target.number]
