"""The ``remon`` command line: a dispatcher from command names to ``remon.commands``.

Each command group lives in its own module under ``remon/commands/`` (its options, its checks,
its output); every one of them gets its settings, runtime and database through
``remon.commands.context``, which validates the settings once and turns bad configuration or
input into a one-line message and exit 2, and a runtime failure into exit 1. ``main`` (the
console entry point) adds the last line of defence: an unhandled ``RemonError`` is exit 2, a
write the disk or database refused is one line and exit 1.
"""

from __future__ import annotations

import sys

import typer

from remon.commands import (
    alerts,
    articles,
    claims,
    context,
    corrections,
    demo,
    evaluate,
    export,
    extract,
    health,
    measures,
    notify,
    poll,
    service,
    sources,
    stances,
    stats,
    web,
)
from worker.errors import RemonError

app = typer.Typer(help="remon: monitor rare-earth and critical-mineral export controls.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
for group, name in ((sources.app, "sources"), (articles.app, "articles"), (alerts.app, "alerts"),
                    (notify.app, "notify"), (stats.app, "stats"), (stances.app, "stances"),
                    (claims.app, "claims"), (corrections.app, "corrections"), (measures.app, "measures")):
    app.add_typer(group, name=name)
for command, name in ((service.init, "init"), (service.run, "run"), (service.beat, "beat"), (poll.poll, "poll"),
                      (extract.extract, "extract"), (evaluate.eval_, "eval"), (export.export, "export"),
                      (demo.demo, "demo"), (web.web, "web"), (health.health, "health")):
    app.command(name)(command)


def main() -> None:
    try:
        app()
    except RemonError as exc:
        typer.echo(f"remon: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # a write that the disk or database refused: one line, exit 1
        line = context.storage_failure(exc)
        if line is None:
            raise
        typer.echo(f"remon: {line}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
