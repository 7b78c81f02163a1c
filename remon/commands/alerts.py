"""``remon alerts list|unconfirmed|retry``: alerts with their delivery state, the ones held below
the confidence gate, and another try of failed deliveries."""

from __future__ import annotations

from typing import Annotated

import typer

from remon.commands import context

app = typer.Typer(help="Inspect and retry alerts.", no_args_is_help=True)


@app.command("list")
def alerts_list(fmt: context.Format = "table",
                since: Annotated[int, typer.Option("--since-id", help="Only alerts after this id.")] = 0) -> None:
    """Alerts, oldest first, with their per-channel delivery state."""
    from remon.output import emit
    from storage.db import session_scope
    from storage.review import alerts_since

    rt = context.migrated_runtime()
    with session_scope(rt.db_url) as session:
        rows = alerts_since(session, since_id=since)
    if fmt == "table":
        for row in rows:
            row["delivery"] = ", ".join(f"{d['channel'].split('?')[0]} {d['status']}×{d['attempts']}"
                                        for d in row["deliveries"])
        emit(rows, fmt, ["id", "kind", "created_at", "title", "delivery"], width=90)
    else:
        emit(rows, fmt)


@app.command("unconfirmed")
def alerts_unconfirmed(fmt: context.Format = "table", status: Annotated[str, typer.Option(
        "--status", help="waiting, confirmed, expired or all.")] = "waiting") -> None:
    """Statistics and stances held below the confidence gate, waiting for a second source."""
    from remon.output import emit
    from storage import unconfirmed
    from storage.db import session_scope

    rt = context.migrated_runtime()
    with session_scope(rt.db_url) as session:
        rows = unconfirmed.listing(session, status=None if status == "all" else status)
    if fmt == "table":
        emit(rows, fmt, ["id", "kind", "status", "confidence", "title", "publisher"], width=90)
    else:
        emit(rows, fmt)


@app.command("retry")
def alerts_retry(alert_id: int) -> None:
    """Make an alert's failed deliveries due again and try them now."""
    from storage.db import session_scope
    from tasks.persist import retry_alert
    from tasks.steps import deliver

    rt = context.migrated_runtime()
    with session_scope(rt.db_url) as session:
        n = retry_alert(session, alert_id=alert_id)
    if n == 0:
        context.fail(f"alert {alert_id} has no failed or pending delivery", 1)
    counts = deliver(rt, alert_id=alert_id)
    typer.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
