"""``remon poll --once``: one cycle of the pipeline, and a one-line summary a cron job can act on.

The exit code tells a scheduler what happened: 0 when at least one source answered (or there was
nothing to poll), 1 when every source failed, so a cron job or a test sees a dead network or a
wrong proxy instead of a silent success.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

import typer

from remon.commands import context

NO_SOURCES = ("no source to poll: add one with `remon sources add URL`, or the curated default list "
              "with `remon sources add --defaults`")


def summary(counts: dict[str, int], failures: list[str]) -> str:
    """``polled 3 sources: 2 new articles, 1 alert, 1 delivery sent; 1 failed (fetch.connect)``."""
    def n(count: int, word: str, plural: str | None = None) -> str:
        return f"{count} {word if count == 1 else (plural or word + 's')}"

    parts = [n(counts.get("articles", 0), "new article"), n(counts.get("alerts", 0), "alert")]
    sent, failed_sends = counts.get("deliveries_sent", 0), counts.get("deliveries_failed", 0)
    if sent or failed_sends or counts.get("deliveries_retry", 0):
        parts.append(f"{n(sent, 'delivery', 'deliveries')} sent"
                     + (f", {counts.get('deliveries_retry', 0)} to retry" if counts.get("deliveries_retry") else "")
                     + (f", {failed_sends} failed" if failed_sends else ""))
    line = f"polled {n(counts.get('sources', 0), 'source')}: " + ", ".join(parts)
    if failures:
        codes = Counter(failures)
        line += f"; {len(failures)} failed (" + ", ".join(
            f"{code}" + (f" ×{k}" if k > 1 else "") for code, k in sorted(codes.items())) + ")"
    return line


def poll_once(rt: Any) -> int:
    """Run one cycle, print the summary, and return the exit code."""
    from storage.db import session_scope
    from storage.models import utcnow
    from storage.review import failed_sources_since
    from tasks.steps import run_once

    started = utcnow()
    counts = run_once(rt)
    with session_scope(rt.db_url) as session:
        failures = failed_sources_since(session, since=started)
    typer.echo(summary(counts, failures))
    if not counts.get("sources"):
        typer.echo(f"remon: {NO_SOURCES}", err=True)
        return 0
    if counts.get("failed_sources", len(failures)) >= counts["sources"]:
        typer.echo("remon: every source failed; `remon sources list` shows each one's error", err=True)
        return 1
    return 0


def poll(once: Annotated[bool, typer.Option("--once", help="Poll all enabled sources now and exit.")] = False
         ) -> None:
    """Poll every enabled source now, analyse new articles and deliver alerts, without a broker."""
    if not once:
        context.fail("use 'remon poll --once' (or 'remon run' for the service)")
    rt = context.runtime()
    context.check_channels(rt)
    context.migrate(rt.db_url)
    from remon.commands.service import sync_watch_sources

    sync_watch_sources(rt)
    raise typer.Exit(poll_once(rt))
