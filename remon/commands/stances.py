"""``remon stances list``: the positions of actors, newest first (labels in the table, keys in JSON)."""

from __future__ import annotations

from typing import Annotated

import typer

from remon.commands import context

app = typer.Typer(help="Positions of actors on export controls.", no_args_is_help=True)


@app.command("list")
def stances_list(fmt: context.Format = "table",
                 actor: Annotated[str | None, typer.Option("--actor", help="e.g. china, united_states")] = None,
                 since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD")] = None,
                 limit: Annotated[int, typer.Option("--limit", min=1)] = 100) -> None:
    """Stances newest first, optionally of one actor."""
    from remon.output import emit
    from storage import review

    day = context.day(since, "--since")
    with context.session() as session:
        rows, _ = review.list_stances(session, actor=actor, since=day, limit=limit)
    if fmt == "json":  # machine-readable: the keys
        emit(rows, fmt, width=70)
        return
    from worker.alert.render import label

    shown = [{**r, "actor": label("actors", r.get("actor")), "position": label("positions", r.get("position"))}
             for r in rows]
    emit(shown, fmt, ["id", "published", "actor", "position", "confidence", "article_id", "sentence"], width=70)
