"""Condition evaluation: a pure function of a condition tree and the facts of one execution.

The engine gathers :class:`Facts` once per execution (appeal, member, message, clock) and asks
:func:`evaluate`; the dry run asks :func:`failed_leaves` which leaves did not hold. Nothing here
touches the database, so the tests compare it with a reference evaluator under hypothesis.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import msgspec

from unionline.errors import Invalid
from unionline.robots import safe_regex
from unionline.robots.schemas import (
    BusinessHours,
    ChannelIs,
    Condition,
    ConditionResult,
    Leaf,
    MemberIs,
    Middle,
    OrganizationIs,
    PriorityIs,
    QueueIs,
    StatusIs,
    TagsAre,
    TextMatches,
)

Node = Condition | Middle  # any node of the tree, at any depth

PRIORITY_ORDER = {"low": 0, "normal": 1, "high": 2, "urgent": 3}


class Facts(msgspec.Struct, kw_only=True):
    """What conditions look at, gathered once per execution."""

    channel: str = ""
    organization_id: uuid.UUID | None = None
    organization_path: tuple[uuid.UUID, ...] = ()  # from the root down to the organization
    queue_id: uuid.UUID | None = None
    status: str = ""
    priority: str = ""
    tags: tuple[str, ...] = ()
    member: dict[str, str] = msgspec.field(default_factory=dict)  # "status", "custom.x", ...
    message: str = ""  # the text of the triggering message, if any
    subject: str = ""
    in_business_hours: bool = False


def kind(node: Node) -> str:
    return str(node.__struct_config__.tag)


def evaluate(condition: Node | None, facts: Facts) -> bool:
    """Whether ``condition`` holds for ``facts`` (no condition always holds)."""
    if condition is None:
        return True
    group = kind(condition)
    if group == "all":
        return all(evaluate(c, facts) for c in condition.conditions)  # type: ignore[union-attr]
    if group == "any":
        return any(evaluate(c, facts) for c in condition.conditions)  # type: ignore[union-attr]
    if group == "not":
        return not evaluate(condition.condition, facts)  # type: ignore[union-attr]
    return _leaf(condition, facts)  # type: ignore[arg-type]


def _leaf(condition: Leaf, facts: Facts) -> bool:
    if isinstance(condition, ChannelIs):
        return _member_of(facts.channel in condition.values, condition.op)
    if isinstance(condition, OrganizationIs):
        return _member_of(_in_organizations(condition, facts), condition.op)
    if isinstance(condition, QueueIs):
        return _member_of(facts.queue_id in condition.values, condition.op)
    if isinstance(condition, StatusIs):
        return _member_of(facts.status in condition.values, condition.op)
    if isinstance(condition, PriorityIs):
        return _priority(condition, facts.priority)
    if isinstance(condition, TagsAre):
        return _tags(condition, facts.tags)
    if isinstance(condition, MemberIs):
        return _member_field(condition, facts.member.get(condition.field, ""))
    if isinstance(condition, TextMatches):
        return _text(condition, facts)
    if isinstance(condition, BusinessHours):
        return facts.in_business_hours == (condition.op == "within")
    raise TypeError(f"unknown condition {condition!r}")


def _member_of(found: bool, op: str) -> bool:
    return found if op == "in" else not found


def _in_organizations(condition: OrganizationIs, facts: Facts) -> bool:
    wanted = set(condition.values)
    if condition.subtree:
        return bool(wanted.intersection(facts.organization_path))
    return facts.organization_id in wanted


def _priority(condition: PriorityIs, priority: str) -> bool:
    if condition.op in ("in", "not_in"):
        return _member_of(priority in condition.values, condition.op)
    if priority not in PRIORITY_ORDER:
        return False
    rank, bound = PRIORITY_ORDER[priority], PRIORITY_ORDER[condition.values[0]]
    return rank >= bound if condition.op == "at_least" else rank <= bound


def _tags(condition: TagsAre, tags: tuple[str, ...]) -> bool:
    have = {t.casefold() for t in tags}
    wanted = {t.casefold() for t in condition.values}
    if condition.op == "all":
        return wanted <= have
    found = bool(wanted & have)
    return found if condition.op == "any" else not found


def _member_field(condition: MemberIs, value: str) -> bool:
    op = condition.op
    if op == "is_empty":
        return not value.strip()
    if op == "is_set":
        return bool(value.strip())
    folded = value.casefold()
    if op in ("in", "not_in"):
        return _member_of(folded in {v.casefold() for v in condition.values}, op)
    if op == "contains":
        return condition.value.casefold() in folded
    equal = folded == condition.value.casefold()
    return equal if op == "equals" else not equal


def _text(condition: TextMatches, facts: Facts) -> bool:
    texts = {
        "message": (facts.message,),
        "subject": (facts.subject,),
        "any": (facts.message, facts.subject),
    }[condition.source]
    negated = condition.op.startswith("not_")
    if condition.op.endswith("contains"):
        needle = condition.value if condition.case_sensitive else condition.value.casefold()
        found = any(needle in (t if condition.case_sensitive else t.casefold()) for t in texts)
    else:
        program = safe_regex.compile(condition.value, not condition.case_sensitive)
        found = any(program.search(t) for t in texts)
    return not found if negated else found


# -- explaining and checking ----------------------------------------------------------------


GROUPS = ("all", "any", "not")


def walk(condition: Node | None, path: str = "conditions") -> Iterator[tuple[str, Node]]:
    """Every node of the tree with its path (``conditions.conditions[1].condition``)."""
    if condition is None:
        return
    yield path, condition
    if kind(condition) in ("all", "any"):
        for n, child in enumerate(condition.conditions):  # type: ignore[union-attr]
            yield from walk(child, f"{path}.conditions[{n}]")
    elif kind(condition) == "not":
        yield from walk(condition.condition, f"{path}.condition")  # type: ignore[union-attr]


def leaf_results(condition: Node | None, facts: Facts) -> list[ConditionResult]:
    """Each leaf condition with whether it held on its own (for the dry run)."""
    return [
        ConditionResult(path=path, kind=kind(node), passed=_leaf(node, facts))  # type: ignore[arg-type]
        for path, node in walk(condition)
        if kind(node) not in GROUPS
    ]


def check(condition: Node | None, prefix: str = "conditions") -> None:
    """Raise Invalid (422 naming the field) for a pattern outside the safe subset."""
    for path, node in walk(condition, prefix):
        if isinstance(node, TextMatches) and node.op.endswith("matches"):
            try:
                safe_regex.compile(node.value, not node.case_sensitive)
            except safe_regex.UnsafePattern as exc:
                raise Invalid(f"{path}.value: {exc}", field=f"{path}.value") from None
