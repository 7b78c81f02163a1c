"""Issue 17, acceptance 3 (the task half): a Celery task only orchestrates, so its body stays short.

Every function in ``tasks/`` decorated as a task (``@app.task``, ``@shared_task``, ``@<anything>.task``,
with or without arguments) has at most ``MAX_BODY`` lines of body, its docstring not counted. The
decisions live in ``worker/`` and the statements in ``storage/``; a longer body is a sign that one of
them moved back in.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_BODY = 25


def _is_task_decorator(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr == "task"
    return isinstance(target, ast.Name) and target.id in ("task", "shared_task")


def task_bodies(path: Path, root: Path = ROOT) -> dict[str, int]:
    """Each task function in ``path`` → the lines its body spans, without the docstring."""
    out: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                _is_task_decorator(d) for d in node.decorator_list):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str) and len(body) > 1:
                body = body[1:]
            out[f"{path.relative_to(root)}:{node.name}"] = (body[-1].end_lineno or 0) - body[0].lineno + 1
    return out


def all_task_bodies() -> dict[str, int]:
    return {name: n for path in sorted((ROOT / "tasks").rglob("*.py")) for name, n in task_bodies(path).items()}


def test_the_checker_finds_the_tasks() -> None:
    names = all_task_bodies()
    assert {"tasks/jobs.py:refresh_source", "tasks/jobs.py:process_article", "tasks/jobs.py:deliver_alerts",
            "tasks/jobs.py:sweep", "tasks/jobs.py:poll_due_sources"} <= names.keys()


def test_no_task_body_is_longer_than_the_limit() -> None:
    assert {name: n for name, n in all_task_bodies().items() if n > MAX_BODY} == {}, \
        "put the decision in worker/ and the statements in storage/; the task calls them"


def test_the_checker_counts_lines_and_sees_every_decorator_form(tmp_path: Path) -> None:
    src = tmp_path / "t.py"
    long_body = "\n".join(f"    x{i} = {i}" for i in range(MAX_BODY + 1))
    src.write_text(
        f"@app.task(name='a')\ndef a():\n    '''doc\n    string'''\n{long_body}\n\n"
        "@shared_task\ndef b():\n    return 1\n\n"
        "@celery.task\ndef c():\n    return (\n        1)\n\n"
        "def helper():\n    pass\n")
    found = {name.rsplit(":", 1)[1]: n for name, n in task_bodies(src, tmp_path).items()}
    assert found == {"a": MAX_BODY + 1, "b": 1, "c": 2}

