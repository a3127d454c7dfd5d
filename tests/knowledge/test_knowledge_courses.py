"""A course's quizzes as the console writes them, on both engines: what the schema cannot say
(a blank question or option, the same option twice, a right answer past the options, an article
that does not exist) is a 422 naming the lesson's, question's and option's path, nothing
written; a good quiz is stored trimmed and taken."""

from __future__ import annotations

from typing import Any

import pytest
from knowledge_support import make_tree, publish, write

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("knowledge")

GOOD = {"question": "Как отвечать?", "options": ["Грубо", "Вежливо"], "answer": 1}


async def _course(h: AppHarness, org: str, lessons: list[dict[str, Any]]) -> Any:
    return await h.client.post(
        "/api/knowledge/courses/",
        json={"organization_id": org, "title": "Первая неделя", "lessons": lessons},
        headers=h.admin_headers,
    )


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ({**GOOD, "question": "   "}, "lessons[1].quiz[1].question"),
        ({**GOOD, "options": ["Грубо", " "]}, "lessons[1].quiz[1].options[1]"),
        ({**GOOD, "options": ["Вежливо", "вежливо "]}, "lessons[1].quiz[1].options[1]"),
        ({**GOOD, "answer": 2}, "lessons[1].quiz[1].answer"),
    ],
)
async def test_a_bad_quiz_is_refused_naming_its_place(
    unionline_app: AppHarness, question: dict[str, Any], field: str
) -> None:
    h = unionline_app
    tree = await make_tree(h)
    rules = await publish(
        h, h.admin_headers, await write(h, h.admin_headers, tree.root, "Устав", "Устав")
    )
    lesson = {"article_id": rules["id"]}
    r = await _course(h, str(tree.region), [lesson, {**lesson, "quiz": [GOOD, question]}])
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("invalid", field)
    assert await h.runtime.db.fetch("SELECT id FROM knowledge_course") == []


async def test_an_unknown_article_is_named_by_its_lesson(unionline_app: AppHarness) -> None:
    h = unionline_app
    tree = await make_tree(h)
    rules = await publish(
        h, h.admin_headers, await write(h, h.admin_headers, tree.root, "Устав", "Устав")
    )
    missing = "00000000-0000-4000-8000-000000000000"
    r = await _course(h, str(tree.region), [{"article_id": rules["id"]}, {"article_id": missing}])
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == "lessons[1].article_id"


async def test_a_quiz_is_stored_trimmed_and_taken(unionline_app: AppHarness) -> None:
    h = unionline_app
    tree = await make_tree(h)
    rules = await publish(
        h, h.admin_headers, await write(h, h.admin_headers, tree.root, "Устав", "Устав")
    )
    quiz = {"question": " Кто основа профсоюза? ", "options": [" Первичка", "Обком "], "answer": 0}
    r = await _course(h, str(tree.region), [{"article_id": rules["id"], "quiz": [quiz]}])
    assert r.status_code == 201, r.text
    course = r.json()
    [lesson] = course["lessons"]
    assert lesson["questions"] == [
        {"question": "Кто основа профсоюза?", "options": ["Первичка", "Обком"]}
    ]
    done = f"/api/knowledge/courses/{course['id']}/lessons/{lesson['id']}/complete"
    r = await h.client.post(done, json={"answers": [0]}, headers=h.admin_headers)
    assert r.json() == {"passed": True, "correct": 1, "total": 1, "wrong": []}
