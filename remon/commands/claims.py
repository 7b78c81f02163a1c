"""``remon claims list``: distinct attributed claims, with the articles and sources carrying each."""

from __future__ import annotations

from typing import Annotated

import typer

from remon.commands import context

app = typer.Typer(help="Attributed claims.", no_args_is_help=True)


@app.command("list")
def claims_list(fmt: context.Format = "table", limit: Annotated[int, typer.Option("--limit", min=1)] = 100) -> None:
    """Distinct claims: first appearance, articles and sources carrying each."""
    from remon.output import emit
    from storage import review

    with context.session() as session:
        rows, _ = review.claims_summary(session, limit=limit)
    emit(rows, fmt, ["first_seen", "speaker", "articles", "sources", "text"], width=80)
