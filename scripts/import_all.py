"""Import every module of the installed ``unionline`` package; fail on any error.

Run by ``scripts/wheel-check`` with ``python -I`` from an empty directory inside a virtualenv that
holds only the built wheel, so every module must come from the wheel. Also compares the installed
modules with the source tree (``core/``, ``plugins/``, ``channels/``, ``widgets/``), so a module
the wheel left out is reported by name even if nothing imports it.

Usage: import_all.py SOURCE_ROOT [--skip PACKAGE ...]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import pkgutil
import sys
import traceback
from pathlib import Path
from types import ModuleType

ROOTS = {
    "unionline": "core",
    "unionline.plugins": "plugins",
    "unionline.channels": "channels",
    "unionline.widgets": "widgets",
}
# Importing a __main__ module runs the CLI; it is checked for presence only.
NOT_IMPORTED = ("__main__",)


def source_modules(root: Path) -> set[str]:
    """Dotted names of every module the source tree ships (inside a package with __init__.py)."""
    names: set[str] = set()
    for package, folder in ROOTS.items():
        base = root / folder
        for path in base.rglob("*.py"):
            rel = path.relative_to(base)
            if "__pycache__" in rel.parts:
                continue
            if not all(
                (base / Path(*rel.parts[:i]) / "__init__.py").is_file()
                for i in range(len(rel.parts))
            ):
                continue  # not inside a package: setuptools does not ship it either
            parts = rel.with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            names.add(".".join((package, *parts)))
    return names


def skipped(name: str, skip: list[str]) -> bool:
    return any(name == s or name.startswith(s + ".") for s in skip)


def list_only(name: str, found: set[str]) -> None:
    """Record the modules of a skipped package without importing any of them."""
    spec = importlib.util.find_spec(name)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for info in pkgutil.iter_modules(locations, name + "."):
        found.add(info.name)
        if info.ispkg:
            list_only(info.name, found)


def walk(package: ModuleType, skip: list[str], found: set[str], errors: dict[str, str]) -> None:
    """Like pkgutil.walk_packages, but skips before importing and records every failure."""
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        found.add(info.name)
        if skipped(info.name, skip):
            if info.ispkg:
                list_only(info.name, found)
            continue
        if info.name.rsplit(".", 1)[-1] in NOT_IMPORTED:
            continue
        try:
            module = importlib.import_module(info.name)
        except BaseException:  # SystemExit from a module run at import is a failure too
            errors[info.name] = traceback.format_exc(limit=-3)
            continue
        if info.ispkg:
            walk(module, skip, found, errors)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("source_root", type=Path)
    parser.add_argument("--skip", action="append", default=[], help="package not imported")
    args = parser.parse_args()
    source_root = args.source_root.resolve()
    # unionline.asgi builds the app at import time: give it a throwaway configuration.
    os.environ.setdefault("UNIONLINE_SECRET_KEY", "import-check-only")
    os.environ.setdefault("UNIONLINE_DATABASE_URL", "sqlite:///import-check.sqlite3")

    import unionline

    location = Path(unionline.__file__).resolve()
    installed = Path(sys.prefix).resolve()
    if location.is_relative_to(source_root) or not location.is_relative_to(installed):
        print(f"unionline came from {location}, not from the wheel in {installed}", file=sys.stderr)
        return 1
    found: set[str] = {"unionline"}
    errors: dict[str, str] = {}
    walk(unionline, args.skip, found, errors)
    for name, text in sorted(errors.items()):
        print(f"FAILED to import {name}:\n{text}", file=sys.stderr)
    missing = sorted(source_modules(source_root) - found)
    for name in missing:
        print(f"MISSING from the wheel: {name}", file=sys.stderr)
    imported = len(found) - sum(skipped(n, args.skip) for n in found)
    print(
        f"{imported} modules imported from {location.parent}"
        + (f" (skipped {', '.join(args.skip)})" if args.skip else "")
    )
    return 1 if errors or missing else 0


if __name__ == "__main__":
    sys.exit(main())
