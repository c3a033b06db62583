"""How runshow's modules depend on each other, read from their source with `ast`.

The rule: module A depends on module B when A imports B anywhere in its source, at
the top or inside a function (a late import is still a dependency, only hidden).
``from runshow.web import live`` depends on the submodule ``runshow.web.live``;
``from runshow.web import runtime`` on the package ``runshow.web`` itself. The
parent package that Python runs first is not counted: a package's ``__init__``
importing its own submodules is no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.core_helpers import REPO

PACKAGE = REPO / "runshow"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, name: str, modules: set[str], *, package: bool = False) -> set[str]:
    """The runshow modules that module `name` (whose text is `source`) imports, wherever."""
    parent = name if package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = parent.split(".")[: len(parent.split(".")) - node.level + 1]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                found.add(submodule if submodule in modules else origin)
    return {module for module in found if module in modules and module != name}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {
        name: imported(
            path.read_text("utf-8"), name, set(paths), package=path.name == "__init__.py"
        )
        for name, path in paths.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import each other, round or through others
    (Tarjan's strongly connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while (member := stack.pop()) != module:
                group.append(member)
            if group:
                groups.append(sorted([module, *group]))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for other in graph[todo.pop()] - seen:
            seen.add(other)
            todo.append(other)
    return seen


def one_round(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """The shortest way round from the group's first module back to it."""
    start = group[0]
    paths = {other: [start, other] for other in graph[start] if other in group}
    while start not in paths:
        paths = {
            nxt: [*path, nxt]
            for path in paths.values()
            for nxt in sorted(graph[path[-1]])
            if nxt in group and nxt not in path[1:]
        } | paths
    return paths[start]


def test_no_module_of_runshow_imports_itself_round_a_cycle():
    graph = import_graph()
    rounds = [
        f"{', '.join(group)}: {' → '.join(one_round(graph, group))}" for group in cycles(graph)
    ]
    assert rounds == [], "\n".join(rounds)


def test_the_cycle_check_sees_a_cycle_through_a_late_import():
    sources = {
        "runshow.a": "from runshow.b import x\n",
        "runshow.b": "def f():\n    from runshow import a\n",
        "runshow.c": "import runshow.a\nfrom runshow import web\n",
        "runshow.web": "from .live import y\n",
        "runshow.web.live": "from runshow.web import runtime\n",
    }
    graph = {
        name: imported(text, name, set(sources), package=name == "runshow.web")
        for name, text in sources.items()
    }
    assert graph["runshow.c"] == {"runshow.a", "runshow.web"}
    assert cycles(graph) == [["runshow.a", "runshow.b"], ["runshow.web", "runshow.web.live"]]


def test_the_engine_knows_no_file_format_and_no_screen():
    """The pure core stays pure: nothing the engine imports, however indirectly, reads
    spreadsheets, builds payloads or serves the web."""
    below = reachable(import_graph(), "runshow.engine")
    assert below.isdisjoint(
        {"runshow.sheets", "runshow.report_xlsx", "runshow.payloads", "runshow.web"}
    ), below


def test_the_schedule_maths_is_pure():
    """runshow/schedule.py takes `now` as an argument: it imports no clock and nothing
    that serves, stores or sends."""
    source = (PACKAGE / "schedule.py").read_text("utf-8")
    tree = ast.parse(source)
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert names.isdisjoint({"time", "datetime", "flask", "flask_socketio", "runshow.store"})
    assert reachable(import_graph(), "runshow.schedule") <= {
        "runshow.agenda",
        "runshow.engine",
        "runshow.commands",
        "runshow.editing",
        "runshow.errors",
        "runshow.jsontext",
        "runshow.timefmt",
        "runshow.i18n",  # the words in the reader's language: no Flask, no clock (issue 23)
        "runshow.phrase",  # words kept to be said in each reader's language (the same)
    }
