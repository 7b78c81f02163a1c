"""``remon articles list|show``: the stored articles, newest first, and one with all found in it."""

from __future__ import annotations

from typing import Annotated

import typer

from remon.commands import context

app = typer.Typer(help="Inspect stored articles.", no_args_is_help=True)


@app.command("list")
def articles_list(fmt: context.Format = "table",
                  limit: Annotated[int, typer.Option("--limit", min=1)] = 50) -> None:
    """The newest articles with their status."""
    from remon.output import emit
    from storage.db import session_scope
    from storage.review import latest_articles

    rt = context.migrated_runtime()
    with session_scope(rt.db_url) as session:
        data = latest_articles(session, limit=limit)
    emit(data, fmt, ["id", "status", "language", "published", "title", "url", "error_code"])


@app.command("show")
def articles_show(article_id: int, fmt: context.Format = "json") -> None:
    """One article with its text, statistics, stances and claims."""
    from remon.output import emit
    from storage.db import session_scope
    from storage.review import article_detail

    rt = context.migrated_runtime()
    with session_scope(rt.db_url) as session:
        detail = article_detail(session, article_id=article_id)
    if detail is None:
        context.fail(f"no article {article_id}", 1)
    emit([detail], fmt)
