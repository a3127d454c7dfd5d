"""Import boundaries of the design, checked statically over the source tree.

1. Core (``core/`` = ``unionline.*``) never imports ``unionline.plugins`` or ``unionline.channels``.
2. First-party plugins and the examples (``plugins/``, ``channels/``, ``examples/``) build on the
   public face only, exactly as a third party would: of ``unionline`` they import the modules of
   :data:`FACE_MODULES` and from each only names of its ``__all__`` (no ORM tables of another
   app, no underscore names), plus their own package. docs/plugin-api.md lists the face; a test
   checks it names every module of :data:`FACE_MODULES` and every name of their ``__all__``,
   and nothing else.
3. No import cycle between packages, and no package imports a higher layer than its own (the
   layer table of docs/architecture.md, read from there).

Only import statements are checked (``import x``, ``from x import y``, relative forms resolved),
wherever they appear — inside functions and ``if TYPE_CHECKING:`` blocks too.
"""

from __future__ import annotations

import ast
import functools
import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import face_snapshot
import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"core": "unionline", "plugins": "unionline.plugins", "channels": "unionline.channels"}
FIRST_PARTY_PLUGINS = ("unionline.plugins", "unionline.channels")

# The public face: the only modules of ``unionline`` a first-party plugin imports, and from each
# only the names of its ``__all__``. A change here or to one of their ``__all__`` is a change to
# the documented API: docs/plugin-api.md and a CHANGELOG.md entry go with it.
FACE_MODULES: tuple[str, ...] = (
    "unionline",  # hooks, errors, events, jobs, the runtime, actors, the domains' services
    "unionline.registry",  # what the register_* hooks are handed
    "unionline.web",  # HTTP glue: the actor, errors as JSON, query times
    "unionline.rows",  # raw SQL rows decoded into Structs (Database.fetch_as)
    "unionline.channel",  # the channel SDK (docs/writing-channels.md)
    "unionline.robots.sdk",  # robot actions (docs/robots.md)
    "unionline.calendar",  # the working-day calendar (docs/calendar.md)
    "unionline.appeals.statuses",  # the appeal statuses, written once
    "unionline.testing",  # the pytest plugin and the channel contract suite
)
PLUGIN_FOLDERS = ("plugins", "channels", "examples")
API_DOC = ROOT / "docs" / "plugin-api.md"


@functools.cache
def face_names() -> dict[str, frozenset[str]]:
    """Each face module with the names of its ``__all__``."""
    return {name: frozenset(importlib.import_module(name).__all__) for name in FACE_MODULES}


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


@functools.cache
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


# --- the face: what first-party plugins and the examples import (rule 2) ---


def plugin_modules(folder: str) -> Iterator[tuple[Path, str, bool]]:
    """(path, dotted module name, is package) of the Python files of plugins/, channels/ or
    examples/. An example's modules are named from its project folder (``unionline_hello.jobs``,
    ``tests.smsgw_adapters``), which is what their relative imports resolve against."""
    if folder != "examples":
        yield from python_files(folder)
        return
    for project in sorted((ROOT / folder).iterdir()):
        for path in sorted(project.rglob("*.py")):
            rel = path.relative_to(project).with_suffix("")
            if "__pycache__" in rel.parts or any(p.endswith(".egg-info") for p in rel.parts):
                continue
            is_package = rel.name == "__init__"
            yield path, ".".join(rel.parts[:-1] if is_package else rel.parts), is_package


def face_problems(
    source: str, module: str, is_package: bool, face: Mapping[str, frozenset[str]]
) -> list[str]:
    """What in ``source`` reaches ``unionline`` other than through ``face`` (module → its
    ``__all__``) or the module's own plugin package: imports of other modules, names outside a
    face module's ``__all__`` (underscore names never are), and ``unionline.<name>`` attributes
    after ``import unionline``."""
    own = owning_plugin(module)
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    problems: list[str] = []
    bound: set[str] = set()  # local names bound to the unionline package by ``import unionline``

    def reached(line: int, base: str, names: list[str]) -> None:
        if not within(base, "unionline") or (own and within(base, own)):
            return
        if base not in face:
            problems.append(f"{module}:{line}: imports {base}, not a module of the face")
            return
        for name in names:
            if name == "*" or name.startswith("_") or name not in face[base]:
                problems.append(f"{module}:{line}: {base}.{name} is not in {base}.__all__")

    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if within(alias.name, "unionline") and not (own and within(alias.name, own)):
                    if alias.name not in face:
                        where = f"{module}:{node.lineno}"
                        problems.append(f"{where}: imports {alias.name}, not a module of the face")
                    elif alias.asname is None or alias.name == "unionline":
                        bound.add(alias.asname or "unionline")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package_parts[: len(package_parts) - node.level + 1]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            reached(node.lineno, base, [alias.name for alias in node.names])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain: list[str] = []
            inner: ast.expr = node
            while isinstance(inner, ast.Attribute):
                chain.insert(0, inner.attr)
                inner = inner.value
            if not (isinstance(inner, ast.Name) and inner.id in bound):
                continue
            dotted = ["unionline", *chain]
            # the longest face module the chain names, and the attribute taken from it
            for cut in range(len(dotted) - 1, 0, -1):
                base = ".".join(dotted[:cut])
                if base in face:
                    if dotted[cut] not in face[base] and ".".join(dotted[: cut + 1]) not in face:
                        problems.append(
                            f"{module}:{node.lineno}: {base}.{dotted[cut]} is not in {base}.__all__"
                        )
                    break
    return sorted(set(problems))


@pytest.mark.parametrize("folder", PLUGIN_FOLDERS)
def test_plugins_build_on_the_face_only(folder: str) -> None:
    """Every import of ``unionline`` by a first-party plugin or an example names a face module
    and only names of its ``__all__``."""
    checked = list(plugin_modules(folder))
    assert checked or folder == "plugins", folder
    problems = [
        problem
        for path, module, is_package in checked
        for problem in face_problems(
            path.read_text(encoding="utf-8"), module, is_package, face_names()
        )
    ]
    assert problems == [], "\n".join(problems)


def test_the_face_modules_name_what_they_export() -> None:
    """Every ``__all__`` name of a face module exists there (a stale entry would pass the
    import check and fail at import time)."""
    missing = [
        f"{name}.{attr}"
        for name in FACE_MODULES
        for attr in sorted(face_names()[name])
        if not hasattr(importlib.import_module(name), attr)
    ]
    assert missing == []


def documented_face(text: str) -> dict[str, set[str]]:
    """docs/plugin-api.md: ``## `module` …`` sections, and in each the names in the first cell
    of its table rows (```name```, several per cell)."""
    found: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in text.splitlines():
        heading = re.match(r"^## `(unionline[\w.]*)`", line)
        if heading:
            current = found.setdefault(heading.group(1), set())
        elif line.startswith("## "):
            current = None
        elif current is not None and line.startswith("| `"):
            current.update(re.findall(r"`([A-Za-z_]\w*)`", line.split("|")[1]))
    return found


def test_the_face_is_documented_exactly() -> None:
    """docs/plugin-api.md has a section per face module listing its ``__all__`` — no name
    missing, none extra — so a change to the face shows in the documented API."""
    documented = documented_face(API_DOC.read_text(encoding="utf-8"))
    assert list(documented) == list(FACE_MODULES)
    for name in FACE_MODULES:
        assert sorted(face_names()[name] - documented[name]) == [], f"document these ({name})"
        assert sorted(documented[name] - face_names()[name]) == [], f"not in {name}.__all__"


def test_the_face_matches_its_snapshot() -> None:
    """The face is versioned: tests/plugin_face.txt holds every name of it with its signature
    (face_snapshot.py); a difference fails, telling the author to add a CHANGELOG.md entry
    naming it and refresh the file — which the refresh refuses until the entry is there."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"^## \[Unreleased\]", text, re.M), "CHANGELOG.md: no [Unreleased] section"
    added, removed = face_snapshot.differences(
        face_snapshot.face_lines(FACE_MODULES), face_snapshot.read_snapshot()
    )
    assert not (added or removed), face_snapshot.failure_message(added, removed)


def test_the_face_check_fails_when_the_face_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A name added to a face module's ``__all__`` (and a method added to a face class) is a
    difference naming it; refreshing refuses until CHANGELOG.md's [Unreleased] names it."""
    import unionline
    from unionline import CalendarQuery

    kept = face_snapshot.face_lines(FACE_MODULES)

    def brand_new_helper(x: int) -> int:
        return x

    brand_new_helper.__module__ = "unionline.fake"
    monkeypatch.setattr(unionline, "brand_new_helper", brand_new_helper, raising=False)
    monkeypatch.setattr(unionline, "__all__", [*unionline.__all__, "brand_new_helper"])
    monkeypatch.setattr(CalendarQuery, "fresh_method", lambda self: None, raising=False)
    added, removed = face_snapshot.differences(face_snapshot.face_lines(FACE_MODULES), kept)
    assert added == [
        "unionline.CalendarQuery.fresh_method(self)",
        "unionline.brand_new_helper(x: 'int') -> 'int'",
    ]
    assert removed == []
    message = face_snapshot.failure_message(added, removed)
    assert "CHANGELOG.md entry" in message and "`brand_new_helper`" in message
    assert "`fresh_method`" in message

    snapshot, changelog = tmp_path / "face.txt", tmp_path / "CHANGELOG.md"
    snapshot.write_text("".join(f"{line}\n" for line in kept), encoding="utf-8")
    changelog.write_text(
        "## [Unreleased]\n\n- `fresh_method`\n\n## [0.1]\n\n- `brand_new_helper`\n"
    )
    with pytest.raises(SystemExit, match="`brand_new_helper`"):
        face_snapshot.write(FACE_MODULES, snapshot, changelog)
    assert face_snapshot.read_snapshot(snapshot) == kept
    changelog.write_text("## [Unreleased]\n\n- `unionline.brand_new_helper(x)`, `fresh_method`\n")
    face_snapshot.write(FACE_MODULES, snapshot, changelog)
    assert "unionline.brand_new_helper(x: 'int') -> 'int'" in face_snapshot.read_snapshot(snapshot)


FAKE_FACE = {
    "unionline": frozenset({"Event", "hookimpl", "Invalid", "current"}),
    "unionline.registry": frozenset({"TablesRegistrar"}),
    "unionline.channel": frozenset({"ChannelType", "split_text"}),
}


@pytest.mark.parametrize(
    "snippet",
    [
        "from unionline.db import Database",  # a kernel module
        "import unionline.operators.services",
        "from unionline import runtime",  # a module reached through the package
        "from unionline import plugins",
        "from unionline.channel.tables import ChannelAccountRecord",  # another app's ORM table
        "from unionline.channel.text import split_text",  # a face name, but not from the face
        "from unionline.channel import _RANK",  # an underscore name
        "from unionline.channel import buckets",  # not in its __all__
        "from unionline.channel import *",
        "from unionline.plugins.tasks import services",  # another plugin's internals
        "from ...channels.mail import parser",  # relative, still another plugin
        "def later():\n    from unionline.cli import booted\n",  # deferred imports count
        "import unionline\nunionline.runtime.current()",  # an attribute outside __all__
    ],
)
def test_the_face_checker_catches_what_is_not_the_face(snippet: str) -> None:
    problems = face_problems(snippet, "unionline.plugins.docflow.routes", False, FAKE_FACE)
    assert problems and problems[0].startswith("unionline.plugins.docflow.routes:"), snippet


def test_the_face_checker_allows_the_face_and_the_own_package() -> None:
    snippet = "\n".join(
        [
            "from unionline import Event, hookimpl, Invalid",
            "import unionline",
            "unionline.current()",
            "from unionline.registry import TablesRegistrar",
            "from unionline.channel import ChannelType, split_text",
            "from . import tables",
            "from .schemas import DocView",
            "from unionline.plugins.docflow.services import create",
            "import litestar",
            "import unionline_hello.tables",
        ]
    )
    module = "unionline.plugins.docflow.routes"
    assert face_problems(snippet, module, False, FAKE_FACE) == []
    assert face_problems("from . import routes", "unionline.plugins.docflow", True, FAKE_FACE) == []
    assert face_problems("", "unionline.plugins", True, FAKE_FACE) == []  # an empty folder


# --- layers and cycles (docs/architecture.md, "Layers") ---
#
# Every import of core/, plugins/ and channels/ — at module level, inside functions, under
# ``if TYPE_CHECKING:`` — is an edge of the import graph, laid out by import name
# (``unionline.appeals.delivery``). Edges are then lifted to packages: a folder of core/, of
# plugins/ or of channels/; the kernel's modules (the files of core/ itself) count as one.

KERNEL = "unionline (kernel)"
FACE = "unionline.__init__"
LAYERS_DOC = ROOT / "docs" / "architecture.md"
LAYERS_MARK = "<!-- layers:"


def import_targets(source: str, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, module of this tree) of every import in ``source``, however deep in functions.

    ``from a import b`` names the module ``a.b`` when there is one, else ``a`` (``b`` is an
    attribute); ``import a.b.c`` names ``a.b.c``. Names outside the tree are dropped."""
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found = tree_module(alias.name)
                if found:
                    yield node.lineno, found
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package_parts[: len(package_parts) - node.level + 1]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            for alias in node.names:
                named = f"{base}.{alias.name}"
                found = named if is_module(named) else tree_module(base)
                if found:
                    yield node.lineno, found


def tree_module(name: str) -> str | None:
    """The longest prefix of ``name`` that is a module of this tree."""
    while name:
        if is_module(name):
            return name
        name = name.rpartition(".")[0]
    return None


Graph = dict[str, list[tuple[int, str]]]


@functools.cache
def import_graph() -> Graph:
    """Every module of core/, plugins/ and channels/ with the tree modules it imports."""
    graph: Graph = {}
    for folder in FOLDERS:
        for path, module, is_package in python_files(folder):
            source = path.read_text(encoding="utf-8")
            graph[module] = sorted(set(import_targets(source, module, is_package)))
    return graph


@functools.cache
def core_packages() -> frozenset[str]:
    """The folders of core/ (``unionline.appeals``, ...), each one package."""
    return frozenset(
        f"unionline.{path.name}"
        for path in (ROOT / "core").iterdir()
        if (path / "__init__.py").is_file()
    )


class Layers:
    """The layer table of docs/architecture.md, highest layer first."""

    def __init__(self, rows: list[tuple[str, list[str], bool]]) -> None:
        self.names = [name for name, _, _ in rows]
        self.of: dict[str, int] = {}  # package (or plugins' ``prefix.<name>``) -> rank
        self.kernel_rank = -1
        for rank, (_, packages, has_kernel) in enumerate(reversed(rows)):
            for package in packages:
                self.of[package] = rank
            if has_kernel:
                self.kernel_rank = rank

    def package(self, module: str) -> str:
        """``unionline.appeals.delivery`` -> ``unionline.appeals``; a kernel module -> KERNEL."""
        owner = owning_plugin(module)
        if owner:
            return owner
        if module == "unionline":
            return FACE
        head = ".".join(module.split(".")[:2])
        rank = self.of.get(head)
        if rank == self.kernel_rank:
            return KERNEL  # the kernel row names it: the kernel is one package, folders and all
        if rank is not None or head in core_packages():
            return head  # an unplaced folder of core/ is reported by test_every_package_has_a_layer
        return KERNEL  # a module of core/ itself that no higher layer names

    def rank(self, package: str) -> int | None:
        if package == KERNEL:
            return self.kernel_rank
        if package in self.of:
            return self.of[package]
        owner = owning_plugin(package)
        if owner:
            return self.of.get(owner.rpartition(".")[0] + ".<name>")
        return None

    def name(self, rank: int) -> str:
        return self.names[len(self.names) - 1 - rank]


def parse_layers(text: str) -> Layers:
    """Rows of the table after LAYERS_MARK: ``| name | `pkg`, `pkg` … |``. A row that speaks of
    "the other modules of `core/`" holds the kernel."""
    rows: list[tuple[str, list[str], bool]] = []
    lines = text[text.index(LAYERS_MARK) :].splitlines()[1:]
    for line in lines[2:]:  # header and rule
        if not line.startswith("|"):
            break
        name, packages = [cell.strip() for cell in line.strip("|").split("|")][:2]
        named = re.findall(r"`(unionline(?:\.[\w<>]+)*)`", packages)
        rows.append((name, named, "other modules of `core/`" in packages))
    return Layers(rows)


def documented_layers() -> Layers:
    return parse_layers(LAYERS_DOC.read_text(encoding="utf-8"))


Edges = dict[tuple[str, str], list[str]]


def package_edges(graph: Graph, layers: Layers) -> Edges:
    """(importing package, imported package) -> where (``module:line -> module``)."""
    edges: Edges = {}
    for module, imports in graph.items():
        source = layers.package(module)
        for line, target in imports:
            dest = layers.package(target)
            if dest != source:
                edges.setdefault((source, dest), []).append(f"{module}:{line} -> {target}")
    return edges


def cycles(edges: Edges) -> list[list[str]]:
    """Strongly connected sets of more than one package (Tarjan, iterative), sorted."""
    adjacent: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        adjacent.setdefault(a, []).append(b)
        adjacent.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(adjacent):
        if root in index:
            continue
        work = [(root, iter(adjacent[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(adjacent[child])))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return sorted(found)


def describe_cycle(component: list[str], edges: Edges) -> str:
    inside = set(component)
    lines = [f"cycle between {', '.join(component)}:"]
    for (a, b), where in sorted(edges.items()):
        if a in inside and b in inside:
            lines.append(f"  {a} -> {b}: {'; '.join(where[:3])}" + (" …" if len(where) > 3 else ""))
    return "\n".join(lines)


def layer_violations(edges: Edges, layers: Layers) -> list[str]:
    problems = []
    for (a, b), where in sorted(edges.items()):
        rank_a, rank_b = layers.rank(a), layers.rank(b)
        if rank_a is None or rank_b is None:
            continue  # reported by test_every_package_has_a_layer
        if rank_b > rank_a:
            problems += [
                f"{w} ({layers.name(rank_a)} imports {layers.name(rank_b)})" for w in where
            ]
    return problems


def test_every_package_has_a_layer() -> None:
    layers = documented_layers()
    assert layers.names[0] == "plugins" and layers.names[-1] == "kernel"
    assert layers.kernel_rank == 0 and len(layers.names) >= 4
    unplaced = sorted(
        package
        for package in {layers.package(m) for m in import_graph()}
        if layers.rank(package) is None
    )
    assert unplaced == [], "add these to the layer table of docs/architecture.md"
    named = [p for p in layers.of if "<name>" not in p and p != FACE]
    missing = [p for p in named if not is_module(p)]
    assert missing == [], "the layer table names packages that do not exist"
    assert set(core_packages()) <= set(layers.of), "every folder of core/ is in a layer"


def test_the_layout_shows_every_package() -> None:
    """docs/architecture.md's layout names every folder of core/ and plugins/ (``name/``)."""
    text = LAYERS_DOC.read_text(encoding="utf-8")
    layout = text[text.index("## Layout") : text.index("## Core and plugins")]
    folders = [
        path.name
        for base in (ROOT / "core", ROOT / "plugins")
        for path in sorted(base.iterdir())
        if (path / "__init__.py").is_file()
    ]
    assert [f for f in folders if not re.search(rf"\b{f}/", layout)] == []


def test_no_import_cycle_between_packages() -> None:
    layers = documented_layers()
    edges = package_edges(import_graph(), layers)
    assert len(edges) > 50  # the walk really saw the imports
    found = cycles(edges)
    assert found == [], "\n".join(describe_cycle(c, edges) for c in found)


def test_no_package_imports_a_higher_layer() -> None:
    layers = documented_layers()
    assert layer_violations(package_edges(import_graph(), layers), layers) == []


# --- the layer and cycle checkers themselves ---


def test_a_deferred_import_is_an_edge() -> None:
    """An import inside a function counts (17 of them hid the appeals ↔ channel cycle)."""
    source = "def later():\n    from unionline.channel.outbound import queue_entry\n"
    assert list(import_targets(source, "unionline.appeals.delivery", False)) == [
        (2, "unionline.channel.outbound")
    ]
    # ``from a import b`` names the module a.b when there is one, else a (b is an attribute)
    source = "from unionline import runtime\nfrom unionline.appeals import store, Thing\n"
    assert sorted(import_targets(source, "unionline.x", False)) == [
        (1, "unionline.runtime"),
        (2, "unionline.appeals"),
        (2, "unionline.appeals.store"),
    ]


def test_the_checkers_fail_on_a_forbidden_import_added_to_the_tree() -> None:
    """The real graph plus one import of the channel SDK from appeals: a cycle and a layer
    violation, each naming the line."""
    layers = documented_layers()
    graph = dict(import_graph())
    forbidden = (7, "unionline.channel.outbound")
    graph["unionline.appeals.actions"] = [*graph["unionline.appeals.actions"], forbidden]
    edges = package_edges(graph, layers)
    found = cycles(edges)
    assert any({"unionline.appeals", "unionline.channel"} <= set(c) for c in found)
    assert "unionline.appeals.actions:7 -> unionline.channel.outbound" in "\n".join(
        describe_cycle(c, edges) for c in found
    )
    assert layer_violations(edges, layers) == [
        "unionline.appeals.actions:7 -> unionline.channel.outbound (domains imports SDKs)"
    ]


SYNTHETIC_LAYERS = f"""
{LAYERS_MARK} test -->
| layer | packages |
|---|---|
| top | `unionline.plugins.<name>` |
| middle | `unionline.beta`, `unionline.gamma` |
| low | `unionline.alpha` |
| bottom | `unionline.delta` and the other modules of `core/` (`unionline.db`, …) |
"""


def test_the_checkers_on_a_synthetic_graph() -> None:
    layers = parse_layers(SYNTHETIC_LAYERS)
    assert layers.names == ["top", "middle", "low", "bottom"]
    graph: Graph = {
        "unionline.beta.one": [(1, "unionline.alpha.x"), (2, "unionline.gamma.two")],
        "unionline.gamma.two": [(3, "unionline.beta.one")],  # beta ↔ gamma, one layer
        "unionline.alpha.x": [(4, "unionline.db")],
        "unionline.plugins.tasks.a": [(6, "unionline.beta.one"), (7, "unionline.alpha.x")],
    }
    edges = package_edges(graph, layers)
    assert cycles(edges) == [["unionline.beta", "unionline.gamma"]]
    assert layer_violations(edges, layers) == []
    graph["unionline.delta.x"] = [(9, "unionline.db")]  # a folder the kernel row names
    assert layers.package("unionline.delta.x") == KERNEL
    assert cycles(package_edges(graph, layers)) == [["unionline.beta", "unionline.gamma"]]
    graph["unionline.db"] = [(5, "unionline.alpha.x")]  # the kernel imports a layer above
    graph["unionline.alpha.y"] = [(8, "unionline.plugins.tasks.a")]  # low imports top
    edges = package_edges(graph, layers)
    assert cycles(edges) == [  # strongly connected now: one set
        [
            "unionline (kernel)",
            "unionline.alpha",
            "unionline.beta",
            "unionline.gamma",
            "unionline.plugins.tasks",
        ]
    ]
    assert layer_violations(edges, layers) == [
        "unionline.db:5 -> unionline.alpha.x (bottom imports low)",
        "unionline.alpha.y:8 -> unionline.plugins.tasks.a (low imports top)",
    ]
