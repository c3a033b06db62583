"""Runshow installed as a user installs it: the wheel built from this checkout, put
into a fresh virtual environment outside the repository, started from a folder
that has nothing of the checkout in it. Pages, static files, the font and the API
must answer from the installed copy alone."""

from __future__ import annotations

import ast
import re
import sys
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
import requests

from runshow.web.fastpath import TESTED_VERSIONS
from tests.conftest import CONTROL_KEY, start_server, stop_server
from tests.core_helpers import REPO
from tests.install_helpers import Installed, build_wheel
from tests.test_workers import redis_url, two_free_ports, wait_until_up  # noqa: F401

pytestmark = pytest.mark.install


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    installed = Installed.create(tmp_path_factory.mktemp("install"))
    pip = installed.run(
        str(installed.program("python")),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--constraint",
        str(REPO / "constraints.txt"),
        str(wheel),
        timeout=900,
    )
    assert pip.returncode == 0, pip.stderr
    yield installed


def test_the_wheel_carries_every_subpackage_the_screens_and_the_programme(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for module in (REPO / "runshow").rglob("*.py"):
        assert module.relative_to(REPO).as_posix() in names
    for folder in ("templates", "static"):
        for path in (REPO / folder).rglob("*"):
            if path.is_file():
                assert f"runshow/{path.relative_to(REPO).as_posix()}" in names
    assert "runshow/agenda.json" in names
    catalogues = list((REPO / "runshow" / "translations").glob("*/LC_MESSAGES/*.mo"))
    assert catalogues, "no compiled catalogue"
    for compiled in catalogues:
        assert compiled.relative_to(REPO).as_posix() in names


def test_the_wheel_declares_the_runshow_program_which_becomes_runshow_exe_on_windows(
    wheel: Path,
):
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = (name for name in archive.namelist() if name.endswith("entry_points.txt"))
    text = archive.read(entry_points).decode()
    assert re.search(r"\[console_scripts\]\s*runshow = runshow\.cli:main", text)


def test_the_installed_program_runs_from_its_own_copy(installed: Installed):
    where = installed.run(
        str(installed.program("python")), "-c", "import runshow; print(runshow.__file__)"
    )
    assert Path(where.stdout.strip()).is_relative_to(installed.venv)

    check = installed.run(str(installed.program("runshow")), "check")
    assert check.returncode == 0, check.stderr
    assert "agenda.json: hợp lệ" in check.stdout
    module = installed.run(str(installed.program("python")), "-m", "runshow", "check")
    assert module.returncode == 0, module.stderr
    assert module.stdout == check.stdout


def test_the_installed_program_needs_no_time_zone_database_from_the_system(
    installed: Installed,
):
    """Windows has no /usr/share/zoneinfo: the event's zone must come from the
    tzdata package. An empty PYTHONTZPATH hides the system's database here too."""
    check = installed.run(str(installed.program("runshow")), "check", PYTHONTZPATH="")
    assert check.returncode == 0, check.stderr
    assert "Asia/Ho_Chi_Minh" in check.stdout


def test_the_installed_server_serves_pages_static_files_the_font_and_the_api(
    installed: Installed,
):
    server = start_server(
        installed.elsewhere / "data",
        installed.elsewhere / "server.log",
        agenda=None,
        program=(str(installed.program("runshow")),),
        cwd=installed.elsewhere,
    )
    try:
        assets: set[str] = set()
        for page in ("/", "/stage", "/mc", "/programme", "/login"):
            response = requests.get(server.url + page, timeout=10)
            assert response.status_code == 200, page
            assets.update(re.findall(r'(?:src|href)="(/static/[^"?]+)', response.text))
        # the compiled catalogues travel in the wheel: English pages and their scripts' words
        assert '<html lang="en">' in requests.get(server.url + "/stage?lang=en", timeout=10).text
        assert "Stage screen" in requests.get(server.url + "/i18n/en.js", timeout=10).text
        assert requests.get(
            server.url + "/control", timeout=10, allow_redirects=False
        ).status_code in (
            200,
            302,
        )
        fonts: set[str] = set()
        for asset in sorted(assets):
            response = requests.get(server.url + asset, timeout=10)
            assert response.status_code == 200, asset
            if asset.endswith(".css"):
                base = asset.rsplit("/", 1)[0]
                fonts.update(
                    f"{base}/{url}" for url in re.findall(r"url\(([^)]+\.woff2)\)", response.text)
                )
        assert any(asset.endswith(".js") for asset in assets)
        assert fonts, "the stylesheets name no font"
        for font in sorted(fonts):
            response = requests.get(server.url + font, timeout=10)
            assert response.status_code == 200, font
            assert response.content[:4] == b"wOF2"

        assert requests.get(server.url + "/api/programme", timeout=10).json()["items"]
        started = requests.post(
            server.url + "/api/command",
            json={"command": "start"},
            headers={"Authorization": f"Bearer {CONTROL_KEY}"},
            timeout=10,
        )
        assert started.status_code == 200 and started.json()["ok"]
        assert server.state()["revision"] == 1
    finally:
        stop_server(server)
    assert "Traceback" not in server.log()


POSIX_ONLY_MODULES = {"fcntl", "resource", "termios", "pwd", "grp", "posix", "tty", "pty"}


def _guarded(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside `try: ... except ImportError` or under an `if` (a platform test)."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If):
            return True
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                names = ast.unparse(handler.type) if handler.type else ""
                if "ImportError" in names or "ModuleNotFoundError" in names:
                    return True
    return False


def test_no_module_depends_on_a_posix_only_library_without_a_fallback():
    """Runshow must start on a technician's Windows laptop."""
    unguarded = []
    for module in sorted((REPO / "runshow").rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        parents = {
            child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            else:
                continue
            if names & POSIX_ONLY_MODULES and not _guarded(node, parents):
                unguarded.append(f"{module.relative_to(REPO)}:{node.lineno}")
    assert unguarded == []


def test_no_module_names_a_posix_path():
    """Paths are built with pathlib from the data directory and the package, never
    spelt as POSIX folders."""
    posix_path = re.compile(r"^(/(tmp|var|etc|dev|proc|home|usr|run)(/|$)|~/)")
    found = []
    for module in sorted((REPO / "runshow").rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and posix_path.match(node.value):
                found.append(f"{module.relative_to(REPO)}:{node.lineno}: {node.value!r}")
    assert found == []


def declared_dependencies() -> dict[str, str]:
    """pyproject.toml's run-time dependencies: normalised name → version range."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
    declared = {}
    for requirement in re.findall(r'^\s*"([^"]+)"', block, re.M):
        name, spec = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?(.*)", requirement).groups()
        declared[normalised(name)] = spec
    return declared


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_level_names() -> set[str]:
    names = set()
    for module in (REPO / "runshow").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"runshow"}


def test_every_distribution_the_code_imports_is_declared():
    """What `pip install .` resolves must hold every import of runshow/ (a display
    worker once imported `requests`, which only the test extra installed)."""
    providers = metadata.packages_distributions()
    declared = declared_dependencies()
    undeclared = [
        f"{name} ({', '.join(providers.get(name, ['?']))})"
        for name in sorted(imported_top_level_names())
        if not any(normalised(dist) in declared for dist in providers.get(name, []))
    ]
    assert undeclared == []


def test_the_fast_path_libraries_are_pinned_to_the_minor_versions_it_was_tested_on():
    """pyproject.toml admits exactly the minor versions runshow/web/fastpath.py checks
    for, and constraints.txt installs a release of each."""
    declared = declared_dependencies()
    constraints = dict(
        re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (REPO / "constraints.txt").read_text(), re.M)
    )
    pinned = {normalised(name): version for name, version in constraints.items()}
    for distribution, minor in TESTED_VERSIONS.items():
        major, number = minor.split(".")
        assert declared[normalised(distribution)] == f">={minor},<{major}.{int(number) + 1}"
        assert pinned[normalised(distribution)].startswith(f"{minor}."), distribution


def test_the_installed_wheel_imports_every_module_and_serves_with_display_workers(
    installed: Installed,
    redis_url: str,  # noqa: F811  (the fixture, imported from tests/test_workers.py)
):
    """Without the test extra: every module imports, and `serve --workers 2` with a
    real redis-server answers on both processes, on the direct path."""
    imports = installed.run(
        str(installed.program("python")),
        "-c",
        "import importlib, pkgutil, runshow\n"
        "for module in pkgutil.walk_packages(runshow.__path__, 'runshow.'):\n"
        "    if module.name != 'runshow.__main__':  # runs the program\n"
        "        importlib.import_module(module.name)\n"
        "print('imported')",
    )
    assert imports.stdout.strip() == "imported", imports.stderr
    assert "requests" not in installed.run(str(installed.program("pip")), "freeze").stdout

    port = two_free_ports()
    server = start_server(
        installed.elsewhere / "workers-data",
        installed.elsewhere / "workers.log",
        agenda=None,
        port=port,
        extra_args=("--workers", "2", "--message-queue", redis_url),
        program=(str(installed.program("runshow")),),
        cwd=installed.elsewhere,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port + 1}")
        health = requests.get(f"{server.url}/api/health", timeout=10).json()
        assert health["ok"] and health["fanout"] == "direct", health
    finally:
        stop_server(server)
    assert "Traceback" not in server.log()
