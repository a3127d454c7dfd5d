"""Every hook in ``unionline.hookspecs`` is documented in docs/plugin-hooks.md with its exact
signature, has a complete docstring, and is exercised by at least one test module
(the habit of datasette's ``tests/test_docs.py``)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from unionline import hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "plugin-hooks.md"
TESTS = Path(__file__).resolve().parent
KINDS = ("registration", "decision", "pipeline", "lifecycle", "event")
# A hook's section starts with its signature as a level-3 heading: ### `name(args) -> result`
HEADING = re.compile(r"^### `(?P<name>\w+)\((?P<args>.*)\) -> (?P<result>.+)`$", re.MULTILINE)


def hookspec_functions() -> dict[str, Any]:
    marker = f"{hookspecs.PROJECT}_spec"
    return {name: fn for name, fn in vars(hookspecs).items() if hasattr(fn, marker)}


def rendered(fn: Any) -> str:
    """The signature as the docs show it: annotations as written in hookspecs.py."""
    signature = inspect.signature(fn)  # annotations stay strings (postponed evaluation)
    args = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    return f"{fn.__name__}({args}) -> {signature.return_annotation}"


def documented() -> dict[str, tuple[str, str]]:
    """Hook name -> (signature as documented, the section's text)."""
    text = DOC.read_text(encoding="utf-8")
    matches = list(HEADING.finditer(text))
    sections: dict[str, tuple[str, str]] = {}
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        section = text[match.end() : end].split("\n## ", 1)[0]
        signature = f"{match['name']}({match['args']}) -> {match['result']}"
        sections[match["name"]] = (signature, section)
    return sections


HOOKS = sorted(hookspec_functions())


def test_there_are_hooks_to_check() -> None:
    assert len(HOOKS) >= 17 and "on_event" in HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_with_its_exact_signature(hook: str) -> None:
    docs = documented()
    assert hook in docs, f"{hook} is not documented in docs/plugin-hooks.md"
    assert docs[hook][0] == rendered(hookspec_functions()[hook])


@pytest.mark.parametrize("hook", HOOKS)
def test_documented_section_says_kind_when_and_shows_an_example(hook: str) -> None:
    section = documented()[hook][1]
    kind = re.search(r"^\*\*Kind:\*\* (\w+)", section, re.MULTILINE)
    assert kind and kind.group(1) in KINDS, f"{hook}: no **Kind:** line"
    assert re.search(r"^\*\*Called:\*\* \S", section, re.MULTILINE), f"{hook}: no **Called:**"
    assert f"def {hook}(" in section, f"{hook}: no example implementation"
    spec = hookspec_functions()[hook].unionline_spec
    if spec["firstresult"]:
        assert kind.group(1) == "decision" and "first non-None" in section


def test_no_documented_hook_is_missing_from_hookspecs() -> None:
    assert sorted(documented()) == HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_hookspec_docstring_is_complete(hook: str) -> None:
    fn = hookspec_functions()[hook]
    doc = inspect.getdoc(fn) or ""
    assert doc, f"{hook} has no docstring"
    assert ".. versionadded::" in doc
    for name in inspect.signature(fn).parameters:
        assert f":param {name}:" in doc, f"{hook}: :param {name}: is not documented"
    if fn.unionline_spec["firstresult"]:
        assert "Stops at first non-None result" in doc


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook: str) -> None:
    """Some test module other than this one names the hook."""
    pattern = re.compile(rf"\b{hook}\b")
    for path in sorted(TESTS.rglob("test_*.py")):
        if path.name != Path(__file__).name and pattern.search(path.read_text(encoding="utf-8")):
            return
    pytest.fail(f"no test under tests/ mentions {hook}")
