"""``remon stats list``: the numbers found in articles, newest first (labels in the table, keys in JSON)."""

from __future__ import annotations

from typing import Annotated

import typer

from remon.commands import context

app = typer.Typer(help="Numbers found in articles.", no_args_is_help=True)


@app.command("list")
def stats_list(fmt: context.Format = "table",
               metric: Annotated[str | None, typer.Option("--metric", help="subject/material/measure")] = None,
               since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD")] = None,
               limit: Annotated[int, typer.Option("--limit", min=1)] = 100) -> None:
    """Statistics newest first, optionally of one metric."""
    from remon.output import emit
    from storage import review

    day = context.day(since, "--since")
    with context.session() as session:
        rows, _ = review.list_statistics(session, metric=metric, since=day, limit=limit)
    if fmt == "json":  # machine-readable: the keys
        emit(rows, fmt, width=70)
        return
    from worker.alert.render import format_value, metric_label

    shown = [{**r, "value": format_value(float(r["value"]), str(r.get("unit") or ""), r.get("value_high"),
                                         bool(r.get("approx"))),
              "metric": metric_label(r.get("metric_key")) if r.get("metric_key") else "(no metric)"} for r in rows]
    emit(shown, fmt, ["id", "published", "value", "metric", "article_id", "sentence"], width=70)
