"""Full-text search over appeal subjects and messages: Russian morphology on PostgreSQL,
stemmed prefixes on SQLite (FTS5); ё = е; exact numbers; scoped like every list."""

from __future__ import annotations

import pytest
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


async def test_search_pages_newest_first(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    numbers = []
    for i in range(3):  # three members: each message opens an appeal of its own
        member = await make_member(org, f"Член профсоюза {i}")
        appeal, _ = await inbound(org, member, f"Пособие по уходу, вопрос {i}")
        numbers.append(appeal.number)
    other = await make_member(org, "Другой член")
    await inbound(org, other, "Отпуск")
    first = await services.list_appeals(None, AppealFilter(q="пособия"), limit=2)
    assert [a.number for a in first.items] == numbers[:0:-1] and first.next_cursor
    rest = await services.list_appeals(
        None, AppealFilter(q="пособия"), cursor=first.next_cursor, limit=2
    )
    assert [a.number for a in rest.items] == numbers[:1] and rest.next_cursor is None


async def test_search_words_across_an_appeal(unionline_app: AppHarness, on_postgres: bool) -> None:
    """PostgreSQL searches an appeal as one document (number, subject, messages, notes); SQLite
    matches every word within one subject or message."""
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    appeal, _ = await inbound(org, member, "Отпуск не согласовали")
    await services.add_note(None, appeal.id, "Позвонить в бухгалтерию")
    assert await _numbers("отпуск бухгалтерия") == ([appeal.number] if on_postgres else [])
    assert await _numbers("отпуск согласовали") == [appeal.number]


async def test_search_follows_edited_and_deleted_messages(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    appeal, entry = await inbound(org, member, "Справка\nНужна справка о зарплате")
    _, second = await inbound(org, member, "Ещё вопрос про путёвку")
    db = h.runtime.db
    await db.execute("UPDATE appeal_timeline SET body = {} WHERE id = {}", "Про отпуск", entry.id)
    assert await _numbers("зарплаты") == []
    assert await _numbers("отпуска") == [appeal.number]
    await db.execute("DELETE FROM appeal_timeline WHERE id = {}", second.id)
    assert await _numbers("путёвки") == []
    assert await _numbers("справка") == [appeal.number]  # the subject stays


async def test_a_message_past_the_search_limit_is_still_stored(
    unionline_app: AppHarness, on_postgres: bool
) -> None:
    """A tsvector holds at most 1 MB: an appeal whose words would not fit keeps its document
    as it was, and the message is stored all the same."""
    if not on_postgres:
        pytest.skip("PostgreSQL only: a tsvector's limit (FTS5 has none)")
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    appeal, _ = await inbound(org, member, "Отпуск\nВопрос про отпуск")
    huge = " ".join(f"w{i:07x}" for i in range(130_000))  # ~1.2 MB of distinct words
    again, entry = await inbound(org, member, huge + " профком")
    assert again.id == appeal.id and len(entry.body) > 1_000_000
    assert await _numbers("отпуска") == [appeal.number]
    assert await _numbers("профком") == []  # not indexed: past the limit


async def test_search_within_an_organization(unionline_app: AppHarness) -> None:
    from unionline.operators.services import actor_for_token

    h = unionline_app
    first, second = await make_org(h, "PPO1"), await make_org(h, "PPO2")
    ours, _ = await inbound(first, await make_member(first), "Отпуск в июле")
    theirs, _ = await inbound(second, await make_member(second), "Отпуск в августе")
    assert await _numbers("отпуска") == sorted([ours.number, theirs.number])
    assert await _numbers("отпуска", organization_id=first) == [ours.number]
    _, token = await h.create_operator("second", "operator", second)
    actor = await actor_for_token(token)
    page = await services.list_appeals(actor, AppealFilter(q="отпуска"))
    assert [a.number for a in page.items] == [theirs.number]


HOSTILE = ["$q$", "$$", "{}", "{0}", "$q$) OR true --", "отпуск$q$; DROP TABLE x", "\\'", "\x00$"]


async def test_search_words_cannot_leave_their_constant(
    unionline_app: AppHarness, on_postgres: bool
) -> None:
    """PostgreSQL gets the words as a dollar-quoted constant (plans are made for them):
    whatever the text, the constant reads back as the text with its $, braces and NUL
    blanked, and a search with it is an ordinary search."""
    from unionline.appeals.search import pg_constant

    h = unionline_app
    org = await make_org(h, "PPO")
    vacation, _ = await inbound(org, await make_member(org), "Отпуск\nКогда дадут отпуск?")
    for text in HOSTILE:
        await services.list_appeals(None, AppealFilter(q=text))  # never an error
        if on_postgres:
            row = await h.runtime.db.fetchone(f"SELECT {pg_constant(text)} AS v")
            assert row is not None
            assert row["v"] == "".join(" " if c in "${}\x00" else c for c in text)
    assert await _numbers("отпуска$") == [vacation.number]
    assert await _numbers("{отпуском}") == [vacation.number]
