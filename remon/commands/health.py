"""``remon health``: the checks of ``remon.health`` as a table or JSON; exit 1 when one fails."""

from __future__ import annotations

from typing import Annotated

import typer

from remon.commands import context


def health(
    check: Annotated[str, typer.Option(
        "--check", help="Comma-separated: database,broker,beat,tasks,backlog,notify,disk")] =
        "database,broker,tasks,backlog,notify,disk",
    fmt: context.Format = "table",
) -> None:
    """Check the database, broker (and its backlog), scheduler, work backlog and free disk; exit 1 if one fails."""
    from remon.health import CHECKS, run_checks
    from remon.output import emit

    names = [c.strip() for c in check.split(",") if c.strip()]
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        context.fail(f"unknown check(s) {', '.join(unknown)}; choose from {', '.join(CHECKS)}")
    results = run_checks(context.settings(), names)
    emit([{"check": r.name, "ok": r.ok, "detail": r.detail} for r in results], fmt, width=160)
    raise typer.Exit(0 if all(r.ok for r in results) else 1)
