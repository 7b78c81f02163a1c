"""``remon measures list``: the stored measures, with their status on a date, as a table or JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from remon.commands import context

if TYPE_CHECKING:
    from sqlmodel import Session

app = typer.Typer(help="Export-control measures and their status.", no_args_is_help=True)

COLUMNS = ["id", "name", "status", "effective", "ends", "suspended", "articles", "sources"]


def rows(session: Session, *, material: str | None, in_force_on: date | None, fmt: str) -> list[dict[str, Any]]:
    """Measures filtered as asked: full objects for JSON, one flat line each for the table."""
    from remon.web.measures import name_of
    from storage.measures import list_measures

    items = list_measures(session, today=datetime.now(UTC).date(), material=material, in_force_on=in_force_on)
    if fmt == "json":
        return items
    return [{"id": m["id"], "name": name_of(m), "status": (m["status"] or "unknown").replace("_", " "),
             "effective": m["effective"] or "", "ends": m["ends"] or "",
             "suspended": "; ".join(f"{s['from']}–{s['until'] or ''}" for s in m["suspensions"]),
             "articles": m["articles"], "sources": ", ".join(m["sources"])} for m in items]


@app.command("list")
def measures_list(fmt: context.Format = "table",
                  material: Annotated[str | None, typer.Option("--material", help="e.g. gallium")] = None,
                  in_force_on: Annotated[str | None, typer.Option("--in-force-on", help="YYYY-MM-DD")] = None) -> None:
    """Measures merged from every article, newest first, with their status today."""
    from remon.output import emit

    day = context.day(in_force_on or None, "--in-force-on")
    with context.session() as session:
        items = rows(session, material=material, in_force_on=day, fmt=fmt)
    emit(items, fmt, COLUMNS, width=60)
