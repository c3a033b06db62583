"""The web package's shape: modules that import one another only one way."""

from __future__ import annotations

import ast
from pathlib import Path

from runshow.web import create_app

PACKAGE = Path(__file__).resolve().parent.parent / "runshow"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The Runshow modules `path` imports, wherever in it (a function's import counts
    too: it is a cycle waiting for its first call)."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
    return {name for name in found if name in modules and name != here}


def import_graph() -> dict[str, set[str]]:
    paths = list(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    return {module_name(path): imports_of(path, modules) for path in paths}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for after in sorted(graph[node]):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_module_of_the_web_package_imports_one_that_imports_it_back():
    web = [
        cycle for cycle in cycles(import_graph()) if any(m.startswith("runshow.web") for m in cycle)
    ]
    assert web == []


def test_the_show_is_a_flask_extension_made_by_init_app(tmp_path, clock):
    from runshow.web.extension import Runshow, current_show
    from tests.conftest import app_config

    app = create_app(app_config(tmp_path / "data", clock))
    show = app.extensions["runshow"]
    try:
        assert isinstance(show, Runshow)
        with app.app_context():
            assert current_show() is show
        assert show.socketio is app.extensions["socketio"]
    finally:
        show.stop()
        show.service.store.close()
