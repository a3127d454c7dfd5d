"""Import boundaries of the design, checked statically over the source tree.

1. Core (``core/`` = ``unionline.*``) never imports ``unionline.plugins`` or ``unionline.channels``.
2. First-party plugins (``plugins/``, ``channels/``) import only the public API, exactly as a
   third party would: :data:`PUBLIC_API`, plus their own package.

Only import statements are checked (``import x``, ``from x import y``, relative forms resolved),
wherever they appear — inside functions and ``if TYPE_CHECKING:`` blocks too.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"core": "unionline", "plugins": "unionline.plugins", "channels": "unionline.channels"}
FIRST_PARTY_PLUGINS = ("unionline.plugins", "unionline.channels")

# What plugins may import from unionline. "x" allows exactly module x; "x.*" allows x and every
# sub-module. Extend this when a module becomes part of the documented SDK.
PUBLIC_API: tuple[str, ...] = (
    "unionline",
    "unionline.hookspecs",
    "unionline.registry",
    "unionline.errors",
    "unionline.events",
    "unionline.jobs",
    "unionline.web",
    "unionline.access",
    "unionline.spi",
    "unionline.cli",  # booted/config_of/run_async for plugin commands (docs/writing-plugins.md)
    "unionline.channel.*",
    "unionline.robots.sdk",  # RobotAction and friends (docs/robots.md)
    "unionline.privacy.sections",  # a plugin's personal data in exports and erasures
    "unionline.text",  # Text, TextQuery, without_nul: input text without NUL (docs/api.md)
    "unionline.testing.*",
)


def is_public(module: str) -> bool:
    for entry in PUBLIC_API:
        if entry.endswith(".*"):
            base = entry[:-2]
            if module == base or module.startswith(base + "."):
                return True
        elif module == entry:
            return True
    return False


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def imported_modules(source: str, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in ``source``; relative imports resolved.

    ``from a import b`` yields ``a.b`` as well as ``a``: ``b`` may be a sub-module, and checking
    the longer name is what catches ``from unionline import plugins``.
    """
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package_parts[: len(package_parts) - node.level + 1]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            if node.module:
                yield node.lineno, base
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{base}.{alias.name}"


def core_violation(importer: str, imported: str) -> str | None:
    for package in FIRST_PARTY_PLUGINS:
        if within(imported, package):
            return f"core module imports the plugin package {imported}"
    return None


def plugin_violation(importer: str, imported: str) -> str | None:
    if not within(imported, "unionline"):
        return None  # third-party libraries and the standard library are fine
    own = owning_plugin(importer)
    if own and within(imported, own):
        return None
    if is_public(imported) or _names_public_attribute(imported):
        return None
    return f"plugin imports {imported}, which is not public API (see PUBLIC_API)"


def _names_public_attribute(imported: str) -> bool:
    """``from unionline import hookimpl`` yields ``unionline.hookimpl``: an attribute of a public
    module, not a module of its own. Modules are told apart from attributes by the source tree."""
    parent = imported.rpartition(".")[0]
    return is_public(parent) and not is_module(imported)


def is_module(name: str) -> bool:
    """Whether ``name`` is a module or package of this source tree."""
    for folder, package in sorted(FOLDERS.items(), key=lambda item: -len(item[1])):
        if within(name, package):
            rel = name[len(package) + 1 :].split(".") if name != package else []
            path = ROOT.joinpath(folder, *rel)
            return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()
    return False


def owning_plugin(module: str) -> str | None:
    """``unionline.plugins.tasks.routes`` belongs to the plugin ``unionline.plugins.tasks``."""
    for package in FIRST_PARTY_PLUGINS:
        if within(module, package):
            rest = module[len(package) + 1 :].split(".")
            return f"{package}.{rest[0]}" if rest[0] else None
    return None


def check_source(
    source: str, module: str, is_package: bool, rule: Callable[[str, str], str | None]
) -> list[str]:
    problems = []
    reported: set[tuple[int, str]] = set()
    for line, imported in imported_modules(source, module, is_package):
        if (line, imported.rpartition(".")[0]) in reported:
            continue  # ``from bad import a, b``: ``bad`` is reported once, not each name
        problem = rule(module, imported)
        if problem:
            reported.add((line, imported))
            problems.append(f"{module}:{line}: {problem}")
    return problems


def python_files(folder: str) -> Iterator[tuple[Path, str, bool]]:
    """(path, dotted module name, is package) of every .py file under ``folder``."""
    base = ROOT / folder
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(base).with_suffix("")
        if "__pycache__" in rel.parts:
            continue
        is_package = rel.name == "__init__"
        parts = rel.parts[:-1] if is_package else rel.parts
        yield path, ".".join((FOLDERS[folder], *parts)), is_package


def check_folder(folder: str, rule: Callable[[str, str], str | None]) -> list[str]:
    problems = []
    for path, module, is_package in python_files(folder):
        problems += check_source(path.read_text(encoding="utf-8"), module, is_package, rule)
    return problems


def test_core_never_imports_plugins_or_channels() -> None:
    checked = list(python_files("core"))
    assert len(checked) > 10  # the walk really saw the core
    assert check_folder("core", core_violation) == []


@pytest.mark.parametrize("folder", ["plugins", "channels"])
def test_plugins_import_only_the_public_api(folder: str) -> None:
    assert check_folder(folder, plugin_violation) == []


# --- the checker itself ---


@pytest.mark.parametrize(
    "snippet",
    [
        "import unionline.plugins.tasks",
        "from unionline.channels.telegram import client",
        "from unionline import plugins",
        "from ..plugins import tasks",  # relative, from unionline.appeals.services
        "def later():\n    from unionline.channels import mail\n",
    ],
)
def test_core_checker_catches_plugin_imports(snippet: str) -> None:
    problems = check_source(snippet, "unionline.appeals.services", False, core_violation)
    assert problems and "unionline.appeals.services:" in problems[0]


def test_core_checker_allows_core_imports() -> None:
    snippet = "from unionline.db import Database\nfrom . import tables\nimport pluggy\n"
    assert check_source(snippet, "unionline.appeals.services", False, core_violation) == []
    # plugin_host finds built-in plugins by name at runtime; a string is not an import
    assert (
        check_source(
            'BUILTIN = ("unionline.plugins",)', "unionline.plugin_host", False, core_violation
        )
        == []
    )


@pytest.mark.parametrize(
    "snippet",
    [
        "from unionline.db import Database",
        "import unionline.operators.services",
        "from unionline import runtime",  # a core module reached through the package
        "from unionline import plugins",
        "from unionline.plugins.tasks import services",  # another plugin's internals
        "from ...channels.mail import parser",  # relative, still another plugin
    ],
)
def test_plugin_checker_catches_private_imports(snippet: str) -> None:
    problems = check_source(snippet, "unionline.plugins.docflow.routes", False, plugin_violation)
    assert problems, snippet


def test_plugin_checker_allows_public_api_and_own_package() -> None:
    snippet = "\n".join(
        [
            "from unionline import Event, hookimpl, Invalid",
            "import unionline",
            "from unionline.registry import TableRegistrar",
            "from unionline.web import CurrentActor",
            "from unionline.channel.base import Channel",
            "from unionline.testing import AppHarness",
            "from . import tables",
            "from .schemas import DocView",
            "from unionline.plugins.docflow.services import create",
            "import litestar",
        ]
    )
    assert check_source(snippet, "unionline.plugins.docflow.routes", False, plugin_violation) == []
    assert (
        check_source("from . import routes", "unionline.plugins.docflow", True, plugin_violation)
        == []
    )


def test_an_empty_plugin_folder_passes(tmp_path: Path) -> None:
    assert check_source("", "unionline.plugins", True, plugin_violation) == []
