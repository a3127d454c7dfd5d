"""Onboarding courses: ordered lessons, each an article (read as the staffer's organization sees
it) with an optional short quiz; progress per staffer; who completed what for the people who
run the courses (``knowledge.courses``). A course of an organization is for the staff of its
subtree; a course «для новых сотрудников» is offered at sign-in until completed."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from unionline import Actor, Invalid, NotFound, current, now, scope_for, subtree_ids
from unionline.plugins.knowledge import reading
from unionline.plugins.knowledge.articles import require
from unionline.plugins.knowledge.schemas import (
    CourseBrief,
    CourseCreate,
    CourseView,
    LessonAnswers,
    LessonResult,
    LessonView,
    QuizQuestion,
    StafferProgress,
)
from unionline.plugins.knowledge.text import tree
from unionline.plugins.knowledge.viewer import COURSES, Viewer, viewer_at, viewer_for
from unionline.rows import db_value


class CourseRow(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    title: str
    description: str
    for_new_operators: bool


class LessonRow(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    course_id: uuid.UUID
    position: int
    article_id: uuid.UUID
    quiz: list[QuizQuestion]


def checked_quiz(quiz: list[QuizQuestion], at: str) -> list[QuizQuestion]:
    """The quiz trimmed; a 422 naming the place (``{at}[j].question``, ``….options[k]``,
    ``….answer``) of what the schema cannot say: a blank question or option, one option twice,
    a right answer past the options."""
    kept = []
    for j, q in enumerate(quiz):
        question = q.question.strip()
        if not question:
            raise Invalid("a question needs its text", field=f"{at}[{j}].question")
        options = [o.strip() for o in q.options]
        for k, option in enumerate(options):
            if not option:
                raise Invalid("an option needs its text", field=f"{at}[{j}].options[{k}]")
            if option.casefold() in (x.casefold() for x in options[:k]):
                raise Invalid(
                    "the same option twice",
                    field=f"{at}[{j}].options[{k}]",
                    extra={"problem": "repeated"},
                )
        if q.answer >= len(options):
            raise Invalid("the right answer is not among the options", field=f"{at}[{j}].answer")
        kept.append(QuizQuestion(question=question, options=options, answer=q.answer))
    return kept


async def create(actor: Actor, data: CourseCreate) -> CourseRow:
    await require(actor, COURSES, data.organization_id)
    quizzes = [checked_quiz(x.quiz, f"lessons[{i}].quiz") for i, x in enumerate(data.lessons)]
    db = current().db
    course_id = uuid.uuid4()
    async with db.transaction():
        for i, lesson in enumerate(data.lessons):
            found = await db.fetchone(
                "SELECT family_id FROM knowledge_article WHERE id = {}", lesson.article_id
            )
            if found is None:
                raise Invalid("no such article", field=f"lessons[{i}].article_id")
        row = await db.fetch_one_as(
            CourseRow,
            "INSERT INTO knowledge_course (id, organization_id, title, description,"
            " for_new_operators, archived, created_at) VALUES ({}, {}, {}, {}, {}, {}, {})"
            " RETURNING id, organization_id, title, description, for_new_operators",
            course_id,
            data.organization_id,
            data.title.strip(),
            data.description,
            data.for_new_operators,
            False,
            now(),
        )
        for position, (lesson, quiz) in enumerate(zip(data.lessons, quizzes, strict=True)):
            await db.execute(
                "INSERT INTO knowledge_lesson (id, course_id, position, article_id, quiz)"
                " VALUES ({}, {}, {}, {}, {})",
                uuid.uuid4(),
                course_id,
                position,
                lesson.article_id,
                db_value(msgspec.to_builtins(quiz)),
            )
    assert row is not None
    return row


async def _courses_for(viewer: Viewer) -> list[CourseRow]:
    """The courses of the organizations on the viewer's line (a course is for its subtree)."""
    line = list(viewer.line)
    if not line:
        return []
    return await current().db.fetch_as(
        CourseRow,
        "SELECT id, organization_id, title, description, for_new_operators FROM knowledge_course"
        f" WHERE NOT archived AND organization_id IN ({', '.join('{}' for _ in line)})"
        " ORDER BY created_at, id",
        *line,
    )


async def _lessons(course_id: uuid.UUID) -> list[LessonRow]:
    return await current().db.fetch_as(
        LessonRow,
        "SELECT id, course_id, position, article_id, quiz FROM knowledge_lesson"
        " WHERE course_id = {} ORDER BY position",
        course_id,
    )


async def _done(operator_id: uuid.UUID, course_ids: list[uuid.UUID]) -> dict[str, int | None]:
    """The caller's completed lessons (lesson id -> quiz score)."""
    if not course_ids:
        return {}
    rows = await current().db.fetch(
        "SELECT lesson_id, score FROM knowledge_progress WHERE operator_id = {}"
        f" AND course_id IN ({', '.join('{}' for _ in course_ids)})",
        operator_id,
        *course_ids,
    )
    return {str(r["lesson_id"]): r["score"] for r in rows}


async def mine(actor: Actor) -> list[CourseBrief]:
    viewer = await viewer_for(actor, None)
    courses = await _courses_for(viewer)
    done = await _done(actor.operator_id, [c.id for c in courses])
    briefs = []
    for course in courses:
        lessons = await _lessons(course.id)
        completed = sum(1 for lesson in lessons if str(lesson.id) in done)
        briefs.append(
            CourseBrief(
                id=course.id,
                organization_id=course.organization_id,
                title=course.title,
                description=course.description,
                lessons=len(lessons),
                completed=completed,
                offered=course.for_new_operators and completed < len(lessons),
            )
        )
    return briefs


async def _row(course_id: uuid.UUID) -> CourseRow | None:
    return await current().db.fetch_one_as(
        CourseRow,
        "SELECT id, organization_id, title, description, for_new_operators FROM knowledge_course"
        " WHERE id = {} AND NOT archived",
        course_id,
    )


async def _course(actor: Actor, course_id: uuid.UUID) -> tuple[CourseRow, Viewer]:
    """A course the actor takes (of an organization on their line; read as they see it) or
    runs (``knowledge.courses`` there; read as its organization sees it)."""
    course = await _row(course_id)
    if course is not None:
        if actor.can(COURSES) and (await scope_for(actor, COURSES)).allows(course.organization_id):
            return course, await viewer_at(course.organization_id)
        viewer = await viewer_for(actor, None)
        if course.organization_id in viewer.line:
            return course, viewer
    raise NotFound("course does not exist", field="course_id")


async def get(actor: Actor, course_id: uuid.UUID) -> CourseView:
    course, viewer = await _course(actor, course_id)
    lessons = await _lessons(course.id)
    done = await _done(actor.operator_id, [course.id])
    views = []
    for lesson in lessons:
        family = await current().db.fetchone(
            "SELECT family_id FROM knowledge_article WHERE id = {}", lesson.article_id
        )
        row = await reading.resolve(viewer, family["family_id"]) if family else None
        views.append(
            LessonView(
                id=lesson.id,
                position=lesson.position,
                article_id=row.id if row else lesson.article_id,
                title=row.published_title if row else "",
                tree=tree(row.published_html) if row else [],
                questions=[{"question": q.question, "options": q.options} for q in lesson.quiz],
                done=str(lesson.id) in done,
                score=done.get(str(lesson.id)),
            )
        )
    return CourseView(
        id=course.id,
        organization_id=course.organization_id,
        title=course.title,
        description=course.description,
        lessons=views,
    )


async def complete(
    actor: Actor, course_id: uuid.UUID, lesson_id: uuid.UUID, data: LessonAnswers
) -> LessonResult:
    """Mark a lesson read; with a quiz, only when every answer is right (the wrong ones are
    named, nothing is stored). Completing again keeps the first completion."""
    course, _ = await _course(actor, course_id)
    lesson = next((x for x in await _lessons(course.id) if x.id == lesson_id), None)
    if lesson is None:
        raise NotFound("lesson does not exist", field="lesson_id")
    answers = list(data.answers) + [-1] * (len(lesson.quiz) - len(data.answers))
    wrong = [i for i, q in enumerate(lesson.quiz) if answers[i] != q.answer]
    total = len(lesson.quiz)
    if not wrong:
        await current().db.execute(
            "INSERT INTO knowledge_progress (course_id, lesson_id, operator_id, score,"
            " completed_at) VALUES ({}, {}, {}, {}, {})"
            " ON CONFLICT (operator_id, lesson_id) DO NOTHING",
            course.id,
            lesson.id,
            actor.operator_id,
            total if total else None,
            now(),
        )
    return LessonResult(passed=not wrong, correct=total - len(wrong), total=total, wrong=wrong)


class _Staffer(msgspec.Struct, frozen=True, kw_only=True):
    operator_id: uuid.UUID
    name: str
    login: str
    completed: int
    last_at: datetime | None


async def progress(actor: Actor, course_id: uuid.UUID) -> list[StafferProgress]:
    """Everyone granted a role in the course's organization subtree, with what they did."""
    actor.require(COURSES)
    course = await _row(course_id)
    if course is None or not (await scope_for(actor, COURSES)).allows(course.organization_id):
        raise NotFound("course does not exist", field="course_id")
    lessons = len(await _lessons(course.id))
    orgs = sorted(await subtree_ids([course.organization_id]))
    rows = await current().db.fetch_as(
        _Staffer,
        "SELECT o.id AS operator_id, o.name, o.login,"
        " (SELECT COUNT(*) FROM knowledge_progress p WHERE p.operator_id = o.id"
        "  AND p.course_id = {}) AS completed,"
        " (SELECT MAX(p.completed_at) FROM knowledge_progress p WHERE p.operator_id = o.id"
        "  AND p.course_id = {}) AS last_at"
        " FROM operator_operator o WHERE o.is_active AND EXISTS (SELECT 1 FROM"
        " operator_role_grant g WHERE g.operator = o.id AND"
        f" g.organization_id IN ({', '.join('{}' for _ in orgs)}))"
        " ORDER BY o.name, o.login",
        course.id,
        course.id,
        *orgs,
    )
    return [
        StafferProgress(
            operator_id=r.operator_id,
            name=r.name,
            login=r.login,
            completed=r.completed,
            lessons=lessons,
            finished_at=r.last_at if lessons and r.completed >= lessons else None,
        )
        for r in rows
    ]
