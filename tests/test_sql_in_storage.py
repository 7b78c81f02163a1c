"""Issue 17, acceptance 2: SQL is built in ``storage/`` only.

A module outside ``storage/`` that imports a statement builder (``select``, ``text``, ``insert``,
``update``, ``delete``) from SQLModel or SQLAlchemy writes SQL. ``KNOWN`` is empty; the list can
only shrink (a listed module that no longer writes SQL must leave it).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILDERS = {"select", "text", "insert", "update", "delete"}

KNOWN: set[str] = set()  # every statement is built in storage/ now (the embedded broker's: storage/broker_rows.py)


def writes_sql(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.ImportFrom) and node.module
                and node.module.split(".")[0] in ("sqlmodel", "sqlalchemy")
                and {alias.name for alias in node.names} & BUILDERS):
            return True
    return False


def sql_outside_storage() -> set[str]:
    return {str(p.relative_to(ROOT)) for top in ("worker", "tasks", "remon") for p in (ROOT / top).rglob("*.py")
            if writes_sql(p)}


def test_no_sql_outside_storage_but_the_known_modules() -> None:
    assert sql_outside_storage() - KNOWN == set(), "build the statement in storage/ and call it"


def test_the_known_list_only_shrinks() -> None:
    assert KNOWN - sql_outside_storage() == set(), "no SQL left there: drop it from KNOWN"


def test_the_checker_sees_an_aliased_builder(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from sqlalchemy import select as sa_select\nfrom sqlmodel import Session\n")
    good = tmp_path / "good.py"
    good.write_text("from sqlmodel import Session\nfrom storage.queries import due_sources\n")
    assert writes_sql(bad) and not writes_sql(good)
