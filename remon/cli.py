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
from worker.config import load_settings
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
        line = _storage_failure(exc)
        if line is None:
            raise
        typer.echo(f"remon: {line}", err=True)
        sys.exit(1)


def _storage_failure(exc: BaseException) -> str | None:
    """One line for a storage failure (full or read-only disk, database away) that reached the top."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.faults import classify, describe, first_line, where_of

    if not isinstance(exc, SQLAlchemyError) and not (isinstance(exc, OSError) and exc.filename):
        return None  # (an OSError without a file, e.g. a closed pipe on stdout, is not about storage)
    fault = classify(exc)
    try:
        url = load_settings().database_url_value
    except RemonError:
        url = ""
    if isinstance(exc, OSError):  # a file the command writes (export -o): name it and the system's reason
        return f"cannot write {exc.filename}: {exc.strerror or exc}"
    where = where_of(url) if url else "the database"
    if fault is None:
        return f"could not use {where}: {exc.__class__.__name__}: {first_line(exc)}"
    return describe(fault, where)


if __name__ == "__main__":
    main()
