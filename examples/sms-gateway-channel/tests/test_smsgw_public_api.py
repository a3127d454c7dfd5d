"""This package is built on Unionline's public API only, exactly as a third party would:
every ``unionline`` import names one of the documented public modules."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
PUBLIC = {
    "unionline",
    "unionline.channel",
    "unionline.testing",
    "unionline.testing.channel_contract",
}


def unionline_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        found |= {n for n in names if n == "unionline" or n.startswith("unionline.")}
    return found


def test_only_public_modules_are_imported() -> None:
    files = sorted((PACKAGE / "unionline_smsgw").glob("*.py")) + sorted(
        (PACKAGE / "tests").glob("*.py")
    )
    assert len(files) > 8
    private = {f"{f.relative_to(PACKAGE)}: {m}" for f in files for m in unionline_imports(f)} - {
        f"{f.relative_to(PACKAGE)}: {m}" for f in files for m in PUBLIC
    }
    assert private == set()
