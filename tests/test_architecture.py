"""The layers of docs/architecture.md, held against the code: the map names only paths that
exist, imports run one way (no circles), the domain does no I/O, routes hold no SQL and drivers
never import the backend."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "docs" / "architecture.md"
PACKAGES = ("backend", "drivers", "kiosk_app", "counter_app", "images")
SQL = re.compile(r"^\s*(select|insert|update|delete|create|drop|alter|pragma)\b", re.I)


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache  # the import graph and the layer checks ask about the same files
def imported(path: Path) -> frozenset[str]:
    """Every module this file imports, anywhere in it (a function-level import counts too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(names)


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in sources(*PACKAGES)}
    return {name: {m for m in imported(path) if m in modules and m != name}
            for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while (top := stack.pop()) != node:
                group.add(top)
            group.add(node)
            if len(group) > 1:
                found.append(group)

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_every_path_the_map_names_exists():
    named = {word for word in re.findall(r"`([^`\s]+)`", MAP.read_text(encoding="utf-8"))
             if "/" in word and not word.startswith(("/", "../"))}
    assert len(named) > 60, "the map names the code it describes"
    missing = sorted(word for word in named if not (ROOT / word).exists())
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_the_readme_links_the_map():
    assert "docs/architecture.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_import_circles():
    graph = import_graph()
    assert len(graph) > 150 and graph["backend.store.cases"]
    assert circles(graph) == []


def test_circles_are_found_when_there_are_some():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_the_domain_does_no_io():
    forbidden = {"yaml", "sqlite3", "sqlite_utils", "requests", "psycopg", "fastapi", "drivers",
                 "backend.store", "backend.api", "backend.web", "backend.catalog"}
    for path in sources("backend/domain"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # drivers.message is the one pure type (a bilingual message) every layer shares.
        bad = {m for m in imported(path) if not m.startswith("drivers.message")
               and (m.split(".")[0] in forbidden
                    or any(m == f or m.startswith(f"{f}.") for f in forbidden))}
        calls = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Attribute)} & {"read_text", "read_bytes",
                                                              "open", "iterdir", "execute"}
        opens = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Name) and n.func.id == "open"]
        assert not (bad or calls or opens), (path.name, bad, calls)


def test_routes_hold_no_sql():
    for path in sources("backend/api", "backend/web"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        sql = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
               and isinstance(n.value, str) and SQL.match(n.value)]
        direct = [n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call)
                  and isinstance(n.func, ast.Attribute)
                  and n.func.attr in ("execute", "one", "all", "tx", "query")]
        assert not (sql or direct), (str(path.relative_to(ROOT)), sql, direct)


def test_drivers_never_import_the_backend_or_the_apps():
    for path in sources("drivers"):
        wrong = {m for m in imported(path)
                 if m.split(".")[0] in ("backend", "kiosk_app", "counter_app", "kivy")}
        assert not wrong, (str(path.relative_to(ROOT)), wrong)
