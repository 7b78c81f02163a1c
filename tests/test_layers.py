"""The import rule: the domain (`worker/`) never reaches into storage, tasks, Celery or SQLModel."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = {"storage", "tasks", "celery", "sqlmodel", "kombu", "remon"}
WORKER = Path(__file__).resolve().parents[1] / "worker"


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_worker_imports_no_outer_layer() -> None:
    files = sorted(WORKER.rglob("*.py"))
    assert len(files) > 10, "the domain package should hold the pipeline stages"
    offenders = {str(f.relative_to(WORKER)): sorted(imported_roots(f) & FORBIDDEN) for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom storage.models import Article\nif True:\n    import celery.app\n")
    assert imported_roots(bad) & FORBIDDEN == {"storage", "celery"}
