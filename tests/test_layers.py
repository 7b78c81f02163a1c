"""The import rules (issue 17): every arrow points down.

- The layers: ``remon`` (adapters) → ``tasks`` → ``storage`` → ``worker`` (domain). ``worker``
  never imports storage, tasks, remon, Celery, kombu or SQLModel; ``storage`` never imports tasks
  or remon; ``tasks`` never imports remon.
- Inside ``worker/``, the stages import each other only along the arrows listed in ``ARROWS``, the
  list is a DAG, and no two modules import each other, directly or round a loop (imports inside
  functions count: a late import hides a cycle, it does not remove it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKER = ROOT / "worker"
FORBIDDEN = {"storage", "tasks", "celery", "sqlmodel", "kombu", "remon"}
OUTER = {"storage": {"tasks", "remon"}, "tasks": {"remon"}}

# worker/'s stages (a package, or a top-level module) and the stages each may import. Bottom first:
# errors/types/common are leaves; the extractor reads only them; config validates the watch file's
# vocabulary with the extractor; the stages that take settings sit above config.
ARROWS: dict[str, set[str]] = {
    "errors": set(),
    "types": set(),
    "common": {"errors"},
    "extract": {"common", "errors", "types"},
    "config": {"common", "errors", "extract", "measures"},
    "measures": {"extract", "types"},
    "detect": {"config", "types"},
    "fetch": {"config", "errors", "types"},
    "scrape": {"common", "errors", "fetch", "types"},
    "sources": {"common", "config", "errors", "fetch", "scrape", "types"},
    "alert": {"common", "config", "detect", "extract", "measures", "types"},
}


def _module_name(path: Path) -> str:
    parts = (path.relative_to(ROOT) if path.is_relative_to(ROOT) else Path(path.name)).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_statements(path: Path) -> Iterator[tuple[str, list[str]]]:
    """Every import in ``path``, anywhere in the file, as (module, names): ``import a.b`` is
    (``a.b``, []), ``from .x import y`` is (the resolved ``pkg.x``, [``y``])."""
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            yield base, [alias.name for alias in node.names]


def imported_modules(path: Path) -> Iterator[str]:
    """The modules ``path`` imports (for ``from pkg import name``, ``pkg``)."""
    return (base for base, _ in import_statements(path))


def imported_roots(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_modules(path)}


def _files(top: str) -> list[Path]:
    return sorted((ROOT / top).rglob("*.py"))


def _stage(module: str) -> str:
    return module.split(".")[1]


def stage_arrows() -> dict[tuple[str, str], list[str]]:
    """(from stage, to stage) → the files that make the arrow, for every import between stages."""
    arrows: dict[tuple[str, str], list[str]] = {}
    for path in _files("worker"):
        here = _module_name(path)
        if here == "worker":
            continue
        for name in imported_modules(path):
            parts = name.split(".")
            if parts[0] == "worker" and len(parts) > 1 and parts[1] != _stage(here):
                arrows.setdefault((_stage(here), parts[1]), []).append(str(path.relative_to(ROOT)))
    return arrows


def module_graph() -> dict[str, set[str]]:
    """worker's module → the worker modules it imports. ``from pkg import submodule`` is an arrow to
    the submodule only (the package's ``__init__`` runs first, but it does not depend on the caller)."""
    modules = {_module_name(p): p for p in _files("worker")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for base, names in import_statements(path):
            subs = {f"{base}.{n}" for n in names} & modules.keys()
            targets = subs if subs and len(subs) == len(names) else {base, *subs}
            graph[module].update(t for t in targets if t in modules and t != module)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_worker_imports_no_outer_layer() -> None:
    files = _files("worker")
    assert len(files) > 10, "the domain package should hold the pipeline stages"
    offenders = {str(f.relative_to(WORKER)): sorted(imported_roots(f) & FORBIDDEN) for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_storage_and_tasks_import_no_higher_layer() -> None:
    offenders = {str(f.relative_to(ROOT)): sorted(imported_roots(f) & above)
                 for top, above in OUTER.items() for f in _files(top)}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_worker_stages_import_only_along_the_listed_arrows() -> None:
    arrows = stage_arrows()
    assert set(ARROWS) == {p.stem if p.is_file() else p.name for p in WORKER.iterdir()
                           if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    undeclared = {f"{a} -> {b}": files for (a, b), files in arrows.items() if b not in ARROWS[a]}
    assert undeclared == {}, "an arrow up, or one not yet listed in ARROWS (list it only if it points down)"
    unused = sorted(f"{a} -> {b}" for a, targets in ARROWS.items() for b in targets if (a, b) not in arrows)
    assert unused == [], "ARROWS lists an import that no longer exists: drop it"


def test_the_arrows_point_down() -> None:
    assert cycles(ARROWS) == []


def test_no_import_cycle_between_worker_modules() -> None:
    assert cycles(module_graph()) == []


def test_checker_sees_forbidden_imports_and_cycles(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom storage.models import Article\nif True:\n    import celery.app\n")
    assert imported_roots(bad) & FORBIDDEN == {"storage", "celery"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({**ARROWS, "errors": {"alert"}})  # an arrow up closes a loop
