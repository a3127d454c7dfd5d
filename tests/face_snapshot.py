"""The public face as text, one line per thing a plugin can touch, kept in
``tests/plugin_face.txt``: each name of the face modules' ``__all__`` with its signature (a
function, a class's constructor), and each public method, property and constant of the face's
own classes. tests/test_architecture.py fails when the live face differs from the file: a change
to the face is a CHANGELOG.md entry, and then the file is refreshed with

    python tests/face_snapshot.py

which refuses to write while a changed name is not named in CHANGELOG.md's ``[Unreleased]``
section.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "plugin_face.txt"
CHANGELOG = ROOT / "CHANGELOG.md"
HEADER = (
    "# The public face (tests/face_snapshot.py): a change here is a CHANGELOG.md entry.\n"
    "# Refresh: python tests/face_snapshot.py\n"
)
_SIMPLE = (str, int, float, bool, type(None))


def face_lines(modules: Iterable[str]) -> list[str]:
    """The face of ``modules`` (their ``__all__``), one sorted line per thing."""
    lines: set[str] = set()
    for name in modules:
        module = importlib.import_module(name)
        for attr in module.__all__:
            lines.update(_describe(f"{name}.{attr}", getattr(module, attr)))
    return sorted(lines)


def differences(live: list[str], kept: list[str]) -> tuple[list[str], list[str]]:
    """(lines only in the live face, lines only in the snapshot)."""
    live_set, kept_set = set(live), set(kept)
    return sorted(live_set - kept_set), sorted(kept_set - live_set)


def read_snapshot(path: Path = SNAPSHOT) -> list[str]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def changed_names(added: list[str], removed: list[str]) -> list[str]:
    """The short names (``sql_where``, ``CalendarQuery``) of the changed lines."""
    return sorted({_key(line).rsplit(".", 1)[-1] for line in [*added, *removed]})


def unmentioned(names: Iterable[str], changelog: str) -> list[str]:
    """``names`` that CHANGELOG.md's ``[Unreleased]`` section does not name in backticks."""
    section = _unreleased(changelog)
    return [n for n in names if not re.search(rf"`[^`]*\b{re.escape(n)}\b[^`]*`", section)]


def failure_message(added: list[str], removed: list[str]) -> str:
    shown = [*(f"+ {line}" for line in added), *(f"- {line}" for line in removed)]
    return (
        "The public face changed (tests/plugin_face.txt is the face as last released or "
        "entered in the changelog):\n"
        + "\n".join(shown[:40])
        + "\nA change to the face is a CHANGELOG.md entry under [Unreleased] naming "
        + ", ".join(f"`{n}`" for n in changed_names(added, removed))
        + " (and a docs/plugin-api.md line); then refresh the snapshot: "
        "python tests/face_snapshot.py"
    )


def write(modules: Iterable[str], path: Path = SNAPSHOT, changelog: Path = CHANGELOG) -> None:
    """Refresh ``path`` from the live face; refuse while a changed name has no entry."""
    live = face_lines(modules)
    added, removed = differences(live, read_snapshot(path))
    missing = unmentioned(changed_names(added, removed), changelog.read_text(encoding="utf-8"))
    if missing:
        raise SystemExit(
            "CHANGELOG.md's [Unreleased] section does not name "
            + ", ".join(f"`{n}`" for n in missing)
            + ": add the entry first, then refresh the face snapshot"
        )
    path.write_text(HEADER + "".join(f"{line}\n" for line in live), encoding="utf-8")


def _key(line: str) -> str:
    return re.split(r"[ (:=]", line, maxsplit=1)[0]


def _unreleased(changelog: str) -> str:
    found = re.search(r"^## \[Unreleased\].*?(?=^## \[|\Z)", changelog, re.M | re.S)
    return found.group(0) if found else ""


def _describe(path: str, obj: Any) -> Iterator[str]:
    if inspect.ismodule(obj):
        yield f"{path}: module"
    elif inspect.isclass(obj):
        yield f"{path}{_signature(obj)}" if _own(obj) else f"{path}: class"
        if _own(obj):
            yield from _members(path, obj)
    elif callable(obj):
        yield f"{path}{_signature(obj)}" if _own(obj) else f"{path}: {type(obj).__name__}"
    else:
        yield f"{path} = {_value(obj)}"


def _members(path: str, cls: type) -> Iterator[str]:
    seen: set[str] = set()
    for klass in cls.__mro__:
        if not _own(klass):
            continue
        for name, member in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            if isinstance(member, property):
                yield f"{path}.{name}: property"
            elif isinstance(member, staticmethod | classmethod):
                yield f"{path}.{name}{_signature(member.__func__)}"
            elif inspect.isfunction(member):
                yield f"{path}.{name}{_signature(member)}"
            elif inspect.ismemberdescriptor(member):
                continue  # a Struct's field: in the constructor's signature
            elif isinstance(member, enum.Enum) or not callable(member):
                yield f"{path}.{name} = {_value(member)}"


def _own(obj: Any) -> bool:
    return str(getattr(obj, "__module__", "") or "").startswith("unionline")


def _signature(obj: Any) -> str:
    try:
        text = str(inspect.signature(obj))
    except (TypeError, ValueError):
        return ": callable"
    return re.sub(r" at 0x[0-9a-f]+", "", text)


def _value(obj: Any) -> str:
    if isinstance(obj, enum.Enum):
        return repr(obj.value)
    if isinstance(obj, _SIMPLE):
        return repr(obj)
    if isinstance(obj, tuple | frozenset | list) and all(isinstance(v, _SIMPLE) for v in obj):
        return repr(sorted(obj, key=repr) if isinstance(obj, frozenset) else obj)
    return type(obj).__name__


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tests"))
    from test_architecture import FACE_MODULES

    write(FACE_MODULES)
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}")
