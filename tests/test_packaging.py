"""The distribution ships every package, and the built-in plugins are found where the host looks.

The heavy check (build the wheel, install it alone, import every module) is ``scripts/wheel-check``,
run by the test command; these tests catch the usual cause early: a folder setup.py would not ship.
"""

from __future__ import annotations

import importlib
import runpy
from pathlib import Path
from typing import Any

import pytest
import setuptools

from unionline.plugin_host import builtin_sources

ROOT = Path(__file__).resolve().parent.parent
ROOTS = {
    "unionline": "core",
    "unionline.plugins": "plugins",
    "unionline.channels": "channels",
    "unionline.widgets": "widgets",
}


def setup_arguments(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What setup.py hands to setuptools.setup(), computed from this checkout."""
    captured: dict[str, Any] = {}
    monkeypatch.setattr(setuptools, "setup", lambda **kwargs: captured.update(kwargs))
    monkeypatch.chdir(ROOT)
    runpy.run_path(str(ROOT / "setup.py"), run_name="__main__")
    return captured


def package_folders() -> dict[str, Path]:
    """Every folder with an __init__.py under the mapped folders, by import name."""
    found = {}
    for name, folder in ROOTS.items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            rel = init.parent.relative_to(base).parts
            if "__pycache__" not in rel:
                found[".".join((name, *rel))] = init.parent
    return found


def plugin_folders(folder: str) -> list[str]:
    base = ROOT / folder
    return sorted(
        p.name
        for p in base.iterdir()
        if (p / "__init__.py").is_file() and not p.name.startswith("_")
    )


def test_setup_maps_the_four_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    assert setup_arguments(monkeypatch)["package_dir"] == ROOTS


def test_every_package_folder_is_shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    packages = set(setup_arguments(monkeypatch)["packages"])
    missing = sorted(set(package_folders()) - packages)
    assert not missing, f"setup.py would leave out: {missing}"


def test_no_python_file_sits_outside_a_package() -> None:
    """A .py file in a folder without __init__.py is silently left out of the wheel."""
    stray = []
    for folder in ROOTS.values():
        base = ROOT / folder
        for path in base.rglob("*.py"):
            rel = path.relative_to(base)
            if "__pycache__" in rel.parts:
                continue
            parents = [base / Path(*rel.parts[:i]) for i in range(len(rel.parts))]
            if not all((p / "__init__.py").is_file() for p in parents):
                stray.append(str(path.relative_to(ROOT)))
    assert not stray, f"add __init__.py so these ship: {stray}"


@pytest.mark.parametrize("folder", ["plugins", "channels"])
def test_every_builtin_plugin_folder_imports(folder: str) -> None:
    failures = {}
    for name in plugin_folders(folder):
        module = f"unionline.{folder}.{name}"
        try:
            importlib.import_module(module)
        except Exception as exc:
            failures[module] = f"{type(exc).__name__}: {exc}"
    assert not failures, failures


def test_builtin_plugins_are_discovered_by_the_host() -> None:
    discovered = {(s.module, s.name) for s in builtin_sources()}
    expected = {
        (f"unionline.{folder}.{name}", name)
        for folder in ("plugins", "channels")
        for name in plugin_folders(folder)
    }
    assert discovered == expected


def test_plugin_packages_come_from_this_checkout() -> None:
    """The suite must test these folders, not a stale installed copy."""
    for name, folder in ROOTS.items():
        package = importlib.import_module(name)
        assert Path(package.__file__ or "").resolve().parent == ROOT / folder, name
