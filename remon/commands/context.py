"""The one place every ``remon`` command gets its settings, runtime and database from.

Each command used to repeat the same steps (validate the settings, build the runtime, check the
database exists, upgrade its schema) and the same error lines. They live here once, so every
command fails the same way: bad configuration or input is one ``remon: …`` line and exit 2, a
database that cannot be reached or prepared is one line and exit 1.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from worker.config import Settings, load_settings
from worker.errors import ConfigError, RemonError

if TYPE_CHECKING:
    from sqlmodel import Session

Format = Annotated[str, typer.Option("--format", "-f", help="table or json")]
log = logging.getLogger("remon")


def fail(message: str, code: int = 2) -> NoReturn:
    """Say ``remon: message`` on standard error and end the command with ``code``."""
    typer.echo(f"remon: {message}", err=True)
    raise typer.Exit(code)


def settings() -> Settings:
    """The validated settings (a bad one: one line naming it, exit 2), with logging set up."""
    try:
        loaded = load_settings()
        from storage.location import parse_database_url

        parse_database_url(loaded.database_url_value)
    except ConfigError as exc:
        typer.echo(f"remon: {exc}", err=True)
        raise typer.Exit(2) from exc
    from remon.logs import setup_logging

    setup_logging(loaded)
    return loaded


def runtime() -> Any:
    """The settings plus the watch file and channels (``tasks.runtime.Runtime``); bad ones exit 2."""
    from tasks.runtime import build_runtime

    checked = settings()
    try:
        return build_runtime(checked)
    except RemonError as exc:
        typer.echo(f"remon: {exc}", err=True)
        raise typer.Exit(2) from exc


def migrated_runtime() -> Any:
    """:func:`runtime` on a database that exists, its schema upgraded."""
    rt = runtime()
    migrate(rt.db_url)
    return rt


def migrated_settings() -> Settings:
    """:func:`settings` on a database that exists, its schema upgraded."""
    checked = settings()
    migrate(checked.database_url_value)
    return checked


@contextmanager
def session() -> Iterator[Session]:
    """A session on the configured database, checked and upgraded first (the read-only list commands)."""
    from storage.db import session_scope

    url = migrated_settings().database_url_value
    with session_scope(url) as opened:
        yield opened


def check_channels(rt: Any) -> None:
    """Commands that send (run, poll) refuse to start with a channel apprise cannot use."""
    from remon.checks import check_channels as check

    try:
        check(rt.channels)
    except ConfigError as exc:
        typer.echo(f"remon: {exc.message}", err=True)
        raise typer.Exit(2) from exc


def migrate(url: str) -> None:
    """Upgrade the schema of the database that must already exist (only init and run create one)."""
    from storage.location import DatabaseMissing, DatabaseUnreachable, require_database

    try:
        require_database(url)
    except DatabaseMissing as exc:
        typer.echo(f"remon: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    except DatabaseUnreachable as exc:
        typer.echo(f"remon: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    upgrade(url)


def create_database(url: str) -> None:
    """Create the database if it is not there yet, saying where (``init`` and ``run`` only), and upgrade it."""
    from storage.location import DatabaseUnreachable, database_exists, describe

    try:
        created = not database_exists(url)
    except DatabaseUnreachable as exc:
        typer.echo(f"remon: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    upgrade(url)
    if created:
        typer.echo(f"remon: created a new database at {describe(url)}", err=True)


def upgrade(url: str) -> None:
    """Run the migrations; a database that is unreachable or broken is said plainly (exit 1)."""
    from storage.db import migrate as run_migrations

    try:
        run_migrations(url)
    except Exception as exc:
        from storage.faults import classify, describe, where_of
        from worker.common.mask import mask_url

        fault = classify(exc)
        if fault is not None:  # where, and what helps (a full or read-only data folder, a server away)
            typer.echo(f"remon: cannot prepare the database: {describe(fault, where_of(url))}", err=True)
        else:
            typer.echo(f"remon: cannot prepare the database at {mask_url(url)}: {exc.__class__.__name__}: "
                       f"{str(exc).splitlines()[0] if str(exc) else ''}", err=True)
        raise typer.Exit(1) from exc


def day(value: str | None, option: str) -> date | None:
    """``--since 2025-01-31`` as a date (None when not given); anything else: one line, exit 2."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        typer.echo(f"remon: {option} must be a date (YYYY-MM-DD), not {value!r}", err=True)
        raise typer.Exit(2) from exc


def storage_failure(exc: BaseException) -> str | None:
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
