"""Condition evaluation against a reference evaluator, and safe patterns against ``re``."""

from __future__ import annotations

import re
import uuid

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionline.errors import Invalid
from unionline.robots import safe_regex
from unionline.robots.conditions import Facts, check, evaluate, leaf_results
from unionline.robots.schemas import (
    AllOf,
    AllOfLeaves,
    AnyOf,
    AnyOfLeaves,
    BusinessHours,
    ChannelIs,
    Condition,
    MemberIs,
    NotLeaf,
    NotOf,
    OrganizationIs,
    PriorityIs,
    QueueIs,
    StatusIs,
    TagsAre,
    TextMatches,
)

ORGS = [uuid.UUID(int=n) for n in range(1, 6)]
QUEUES = [uuid.UUID(int=100 + n) for n in range(3)]
CHANNELS = ["telegram", "vk", "mail", "web"]
STATUSES = ["new", "open", "waiting", "resolved", "closed"]
PRIORITIES = ["low", "normal", "high", "urgent"]
TAGS = ["vip", "VIP", "зарплата", "отпуск", "срочно"]
WORDS = ["зарплата", "Зарплата", "отпуск", "увольнение", "hello", "", "123", "ОТПУСК"]
MEMBER_FIELDS = ["status", "employer", "custom.shift"]
MEMBER_OPS = ["equals", "not_equals", "contains", "in", "not_in", "is_empty", "is_set"]
MEMBER_VALUES = ["member", "applicant", "Завод", "завод №1", "", "  "]


# -- the reference: each rule of the documentation, written out plainly ----------------------


def reference(cond: Condition | None, f: Facts) -> bool:
    if cond is None:
        return True
    kind = cond.__struct_config__.tag
    if kind == "all":
        result = True
        for child in cond.conditions:
            result = result and reference(child, f)
        return result
    if kind == "any":
        result = False
        for child in cond.conditions:
            result = result or reference(child, f)
        return result
    if kind == "not":
        return not reference(cond.condition, f)
    if kind in ("channel", "queue", "status"):
        have = {"channel": f.channel, "queue": f.queue_id, "status": f.status}[kind]
        return (have in cond.values) == (cond.op == "in")
    if kind == "organization":
        if cond.subtree:
            inside = any(org in f.organization_path for org in cond.values)
        else:
            inside = f.organization_id in cond.values
        return inside == (cond.op == "in")
    if kind == "priority":
        if cond.op == "in":
            return f.priority in cond.values
        if cond.op == "not_in":
            return f.priority not in cond.values
        if f.priority not in PRIORITIES:
            return False
        here, bound = PRIORITIES.index(f.priority), PRIORITIES.index(cond.values[0])
        return here >= bound if cond.op == "at_least" else here <= bound
    if kind == "tags":
        have = [t.lower() for t in f.tags]
        hits = [t for t in cond.values if t.lower() in have]
        if cond.op == "any":
            return len(hits) > 0
        if cond.op == "none":
            return len(hits) == 0
        return len(hits) == len(cond.values)
    if kind == "member":
        value = f.member.get(cond.field, "")
        if cond.op == "is_empty":
            return value.strip() == ""
        if cond.op == "is_set":
            return value.strip() != ""
        if cond.op == "equals":
            return value.lower() == cond.value.lower()
        if cond.op == "not_equals":
            return value.lower() != cond.value.lower()
        if cond.op == "contains":
            return cond.value.lower() in value.lower()
        listed = value.lower() in [v.lower() for v in cond.values]
        return listed if cond.op == "in" else not listed
    if kind == "text":
        texts = {"message": [f.message], "subject": [f.subject], "any": [f.message, f.subject]}
        flags = 0 if cond.case_sensitive else re.IGNORECASE
        if cond.op in ("contains", "not_contains"):
            found = any(re.search(re.escape(cond.value), t, flags) for t in texts[cond.source])
        else:
            found = any(re.search(cond.value, t, flags) for t in texts[cond.source])
        return found == (cond.op in ("contains", "matches"))
    if kind == "business_hours":
        return f.in_business_hours == (cond.op == "within")
    raise AssertionError(kind)


# -- generators -----------------------------------------------------------------------------


def subset(values: list, min_size: int = 1) -> st.SearchStrategy:
    return st.lists(st.sampled_from(values), min_size=min_size, max_size=3, unique=True)


SAFE_PATTERNS = ["зарплат", "^отпуск", r"\d+", r"увол\w+", "hello|123", "a?b*", r"\bотпуск\b"]
leaves = st.one_of(
    st.builds(ChannelIs, op=st.sampled_from(["in", "not_in"]), values=subset(CHANNELS)),
    st.builds(
        OrganizationIs,
        op=st.sampled_from(["in", "not_in"]),
        values=subset(ORGS),
        subtree=st.booleans(),
    ),
    st.builds(QueueIs, op=st.sampled_from(["in", "not_in"]), values=subset(QUEUES)),
    st.builds(StatusIs, op=st.sampled_from(["in", "not_in"]), values=subset(STATUSES)),
    st.builds(
        PriorityIs,
        op=st.sampled_from(["in", "not_in", "at_least", "at_most"]),
        values=subset(PRIORITIES),
    ),
    st.builds(TagsAre, op=st.sampled_from(["any", "all", "none"]), values=subset(TAGS)),
    st.builds(
        MemberIs,
        field=st.sampled_from(MEMBER_FIELDS),
        op=st.sampled_from(
            ["equals", "not_equals", "contains", "in", "not_in", "is_empty", "is_set"]
        ),
        value=st.sampled_from(MEMBER_VALUES),
        values=subset(MEMBER_VALUES, 0),
    ),
    st.builds(
        TextMatches,
        op=st.sampled_from(["contains", "not_contains"]),
        value=st.sampled_from([w for w in WORDS if w]),
        source=st.sampled_from(["message", "subject", "any"]),
        case_sensitive=st.booleans(),
    ),
    st.builds(
        TextMatches,
        op=st.sampled_from(["matches", "not_matches"]),
        value=st.sampled_from(SAFE_PATTERNS),
        source=st.sampled_from(["message", "subject", "any"]),
        case_sensitive=st.booleans(),
    ),
    st.builds(BusinessHours, op=st.sampled_from(["within", "outside"])),
)
not_leaves = st.builds(NotLeaf, condition=leaves)
inner = st.one_of(leaves, not_leaves)
middle = st.one_of(
    leaves,
    not_leaves,
    st.builds(AllOfLeaves, conditions=st.lists(inner, min_size=1, max_size=4)),
    st.builds(AnyOfLeaves, conditions=st.lists(inner, min_size=1, max_size=4)),
)
conditions = st.one_of(
    leaves,
    st.builds(AllOf, conditions=st.lists(middle, min_size=1, max_size=4)),
    st.builds(AnyOf, conditions=st.lists(middle, min_size=1, max_size=4)),
    st.builds(NotOf, condition=middle),
)


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    depth = draw(st.integers(1, len(ORGS)))
    path = tuple(ORGS[:depth])
    return Facts(
        channel=draw(st.sampled_from(CHANNELS)),
        organization_id=path[-1],
        organization_path=path,
        queue_id=draw(st.sampled_from([None, *QUEUES])),
        status=draw(st.sampled_from(STATUSES)),
        priority=draw(st.sampled_from(PRIORITIES)),
        tags=tuple(draw(subset(TAGS, 0))),
        member={f: draw(st.sampled_from(MEMBER_VALUES)) for f in draw(subset(MEMBER_FIELDS, 0))},
        message=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4))),
        subject=draw(st.sampled_from(WORDS)),
        in_business_hours=draw(st.booleans()),
    )


@given(conditions, facts())
def test_evaluate_agrees_with_the_reference(condition: Condition, f: Facts) -> None:
    assert evaluate(condition, f) == reference(condition, f)


@given(conditions)
def test_conditions_survive_json(condition: Condition) -> None:
    """What the API stores and reads back is the same tree."""
    encoded = msgspec.json.encode(condition)
    assert msgspec.json.decode(encoded, type=Condition) == condition


def test_groups_nest_two_deep() -> None:
    """Deeper trees are refused by the type (the API answers 400 naming the place)."""
    deep = {
        "kind": "all",
        "conditions": [
            {
                "kind": "any",
                "conditions": [
                    {"kind": "all", "conditions": [{"kind": "status", "values": ["new"]}]}
                ],
            }
        ],
    }
    with pytest.raises(msgspec.ValidationError, match=r"conditions\[0\]\.conditions\[0\]"):
        msgspec.convert(deep, Condition)


@given(conditions, facts())
def test_a_leaf_that_failed_is_named(condition: Condition, f: Facts) -> None:
    """When an all-of tree fails, the dry run names at least one leaf that did not hold."""
    tree = AllOf(conditions=[condition])
    results = leaf_results(tree, f)
    assert all(r.path.startswith("conditions.conditions[0]") for r in results)
    if not evaluate(tree, f) and not _has_negation(condition):
        assert any(not r.passed for r in results)


def _has_negation(condition: Condition) -> bool:
    encoded = msgspec.json.encode(condition).decode()
    return '"kind":"not"' in encoded or '"op":"not_' in encoded or '"op":"none"' in encoded


# -- patterns -------------------------------------------------------------------------------

ATOMS = ["а", "б", "a", "b", "1", ".", r"\d", r"\w", r"\s", "[аб]", "[^a]", "[a-c]", "(?:аб)"]
QUANTIFIERS = ["", "", "*", "+", "?", "{2}", "{1,3}", "*?", "+?"]


@st.composite
def patterns(draw: st.DrawFn) -> str:
    def piece() -> str:
        atom = draw(st.sampled_from(ATOMS))
        if draw(st.integers(0, 5)) == 0:  # a group of pieces, maybe alternated
            inner = [draw(st.sampled_from(ATOMS)) for _ in range(draw(st.integers(1, 3)))]
            atom = "(" + "|".join(inner) + ")"
        return atom + draw(st.sampled_from(QUANTIFIERS))

    body = "".join(piece() for _ in range(draw(st.integers(1, 5))))
    prefix = draw(st.sampled_from(["", "^", r"\b", "(?i)"]))
    suffix = draw(st.sampled_from(["", "$", r"\b"]))
    return prefix + body + suffix


texts = st.text(alphabet="абвАБa bcABC1 2\n_", max_size=30)


@given(patterns(), texts)
def test_safe_patterns_agree_with_re(pattern: str, text: str) -> None:
    assert safe_regex.search(pattern, text) == bool(re.search(pattern, text))


@given(patterns(), texts)
def test_safe_patterns_ignore_case_like_re(pattern: str, text: str) -> None:
    ours = safe_regex.search(pattern, text, ignore_case=True)
    assert ours == bool(re.search(pattern, text, re.IGNORECASE))


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(а)\1", "backreferences"),
        ("(?=а)", "lookahead"),
        ("(?<!а)б", "lookbehind"),
        ("а{500}", "repeat counts"),
        ("[", "not a valid pattern"),
        ("а" * 201, "longer than"),
    ],
)
def test_unsafe_patterns_are_refused_naming_the_field(pattern: str, reason: str) -> None:
    tree = AnyOf(conditions=[StatusIs(values=["new"]), TextMatches(op="matches", value="x")])
    tree.conditions[1].value = pattern
    with pytest.raises(Invalid) as caught:
        check(tree)
    assert caught.value.field == "conditions.conditions[1].value"
    assert reason in caught.value.message


def test_catastrophic_pattern_is_answered() -> None:
    """``(a+)+b`` backtracks for ages in ``re``; here it is one pass over the text."""
    assert not safe_regex.search("(a+)+b", "a" * safe_regex.MAX_TEXT)
    assert safe_regex.search("(a+)+b", "a" * 5000 + "b")
