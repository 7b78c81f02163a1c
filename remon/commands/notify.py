"""``remon notify test``: a test message to each configured channel, and each outcome."""

from __future__ import annotations

from typing import Annotated

import typer

from remon.commands import context

app = typer.Typer(help="Check notification channels.", no_args_is_help=True)


@app.command("test")
def notify_test(tag: Annotated[str | None, typer.Option("--tag", help="Only channels with this tag.")] = None
                ) -> None:
    """Send a test message to each configured channel and print each outcome."""
    from worker.alert.notify import channel_problem, send

    rt = context.runtime()
    channels = [c for c in rt.channels if tag is None or tag in c.tags]
    if not channels:
        typer.echo("remon: no notification channel configured (REMON_NOTIFY_URLS)"
                   + (f" with tag {tag!r}" if tag else ""), err=True)
        raise typer.Exit(2)
    failed = refused = 0
    for channel in channels:
        problem = channel_problem(channel)
        if problem is not None:  # bad configuration: said on the outcome line, nothing sent
            refused += 1
            typer.echo(f"{channel.label}: FAILED (REMON_NOTIFY_URLS): {problem}")
            continue
        result = send(channel, "remon test message",
                      "This is a test message from remon. If you can read it, alerts will reach you here.")
        failed += not result.ok
        reason = (result.error or "").removeprefix("alert.delivery_failed: ")
        typer.echo(f"{channel.label}: {'ok' if result.ok else 'FAILED: ' + reason}")
    raise typer.Exit(2 if refused else 1 if failed else 0)
