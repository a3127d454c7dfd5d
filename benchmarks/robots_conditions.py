"""Robot conditions: the safe pattern matcher (RE2) and the condition evaluator, per call.

* **typical pattern** — ``unionline.robots.safe_regex`` (RE2 on the text as it is) searching a
  member's message (about 600 characters of Russian text) for ``зарплат\\w*|отпуск``, ignoring
  case, matches/s. **Baseline**: Python's ``re.search`` of the same pattern on the same text
  (backtracking, unbounded in the worst case).
* **pattern with \\b** — the same for ``\\bзарплат\\w*|отпуск\\b``, which RE2 runs on the marked
  copy of the text (Python's Unicode ``\\b``; the marking is Python work per character).
  **Baseline**: ``re.search`` of it on the same text.
* **pathological pattern** — ``(a+)+b`` on a line of ``a``: the safe matcher's matches/s.
  **Baseline**: ``re.search`` on the same line, whose time doubles with each character (the
  line is 20 characters long for it to finish at all; the safe matcher gets 10,000).
* **conditions** — ``evaluate`` of a ten-leaf tree (channel, status, priority, tags, member,
  text contains, business hours), evaluations/s. **Baseline**: the same checks written as one
  hand-made Python expression.

N is 20,000 (2,000 with ``--quick``). Standalone: ``python -m benchmarks.robots_conditions``.
"""

from __future__ import annotations

import re
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

TYPICAL = "robot pattern (RE2), matches/s (vs re.search)"
BOUNDARY = "robot pattern with \\b (RE2, marked text), matches/s (vs re.search)"
PATHOLOGICAL = "robot pattern (a+)+b, 10k chars, matches/s (vs re on 20 chars)"
CONDITIONS = "robot conditions, 10 leaves, evaluations/s (vs hand-written check)"
TARGETS = {
    TYPICAL: ">= 0.5",
    BOUNDARY: ">= 0.1",
    PATHOLOGICAL: ">= 1",
    CONDITIONS: ">= 0.03",
}

TEXT = (
    "Здравствуйте! Пишу вам по поводу задержки заработной платы на нашем участке. "
    "Уже второй месяц премию выплачивают с опозданием, а в расчётном листке не указаны "
    "сверхурочные часы. Мастер говорит, что вопрос решается, но сроков никто не называет. "
    "Кроме того, хотел уточнить, как оформить перенос ежегодного отпуска на осень: "
    "руководитель против, а по графику отпуск стоит в июле. Подскажите, пожалуйста, "
    "какие документы нужны и можно ли профсоюзу вмешаться. С уважением, Иван Петров, "
    "слесарь-ремонтник, цех №3, табельный номер 77-1024."
)


def rate(n: int, call: Callable[[], object]) -> float:
    started = time.perf_counter()
    for _ in range(n):
        call()
    return n / (time.perf_counter() - started)


def _conditions() -> tuple[Callable[[], object], Callable[[], object]]:
    from unionline.robots.conditions import Facts, evaluate
    from unionline.robots.schemas import (
        AllOf,
        AnyOf,
        BusinessHours,
        ChannelIs,
        MemberIs,
        NotOf,
        PriorityIs,
        StatusIs,
        TagsAre,
        TextMatches,
    )

    facts = Facts(
        channel="telegram",
        organization_id=uuid.UUID(int=1),
        organization_path=(uuid.UUID(int=1),),
        status="new",
        priority="normal",
        tags=("зарплата",),
        member={"status": "member", "employer": "Завод"},
        message=TEXT,
        in_business_hours=True,
    )
    tree = AllOf(
        conditions=[
            ChannelIs(values=["telegram", "vk"]),
            StatusIs(values=["new", "open"]),
            PriorityIs(op="at_least", values=["normal"]),
            AnyOf(
                conditions=[
                    TagsAre(values=["зарплата"]),
                    TextMatches(value="зарплат"),
                ]
            ),
            MemberIs(field="status", value="member"),
            NotOf(condition=TagsAre(values=["спам"])),
            TextMatches(value="отпуск"),
            BusinessHours(),
            MemberIs(field="employer", op="contains", value="завод"),
        ]
    )

    def by_hand() -> bool:
        f = facts
        tags = {t.casefold() for t in f.tags}
        message = f.message.casefold()
        return (
            f.channel in ("telegram", "vk")
            and f.status in ("new", "open")
            and ("low", "normal", "high", "urgent").index(f.priority) >= 1
            and ("зарплата" in tags or "зарплат" in message)
            and f.member.get("status", "").casefold() == "member"
            and "спам" not in tags
            and "отпуск" in message
            and f.in_business_hours
            and "завод" in f.member.get("employer", "").casefold()
        )

    assert evaluate(tree, facts) is True and by_hand() is True
    return (lambda: evaluate(tree, facts)), by_hand


def _pattern(n: int, pattern: str, program: Any) -> tuple[float, float]:
    compiled = re.compile(pattern, re.IGNORECASE)
    assert program.search(TEXT) and compiled.search(TEXT)
    return rate(n, lambda: program.search(TEXT)), rate(n, lambda: compiled.search(TEXT))


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    from unionline.robots import safe_regex

    n = 2_000 if quick else 20_000
    typical, boundary = (
        _pattern(n, pattern, safe_regex.compile(pattern, True))
        for pattern in (r"зарплат\w*|отпуск", r"\bзарплат\w*|отпуск\b")
    )

    long_line, short_line = "a" * 10_000, "a" * 20
    bad = safe_regex.compile("(a+)+b")
    ours = rate(max(3, n // 2000), lambda: bad.search(long_line))
    theirs = rate(1, lambda: re.search("(a+)+b", short_line))

    evaluate, by_hand = _conditions()
    conditions = rate(n, evaluate), rate(n, by_hand)
    return [
        (TYPICAL, *typical, "matches/s"),
        (BOUNDARY, *boundary, "matches/s"),
        (PATHOLOGICAL, ours, theirs, "matches/s"),
        (CONDITIONS, *conditions, "evaluations/s"),
    ]


if __name__ == "__main__":
    for name, value, baseline, unit in run("--quick" in sys.argv):
        print(f"{name}: {value:,.0f} {unit} (baseline {baseline:,.0f}, x{value / baseline:.3f})")
