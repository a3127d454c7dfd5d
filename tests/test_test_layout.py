"""The test tree collects as one suite: pytest imports test modules by their file name (no
``__init__.py`` in the test folders), so two modules of one name in two folders stop the whole
run at collection ("import file mismatch") — every test of CI, not just theirs."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_by_name(path: Path) -> bool:
    """A test module or a support module beside them (not a package's module, not conftest)."""
    if "node_modules" in path.parts or (path.parent / "__init__.py").exists():
        return False
    return path.name.startswith("test_") or path.name.endswith("_support.py")


def test_no_two_test_modules_share_a_file_name() -> None:
    places: defaultdict[str, list[str]] = defaultdict(list)
    for path in TESTS.rglob("*.py"):
        if _imported_by_name(path):
            places[path.name].append(str(path.relative_to(TESTS)))
    shared = {name: where for name, where in places.items() if len(where) > 1}
    assert not shared, f"rename one of each: {shared}"
