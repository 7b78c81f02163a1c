"""Where the database is, whether its URL makes sense, and whether it exists yet.

Only ``remon init`` and ``remon run`` create a database. Every other command reads or writes one
that must already be there: a typo in ``REMON_DATABASE_URL`` or ``REMON_DATA_DIR`` would otherwise
create an empty database in a new folder and a read-only command would answer "(none)" as if
nothing had been found. These checks never create a file or a folder.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from storage.db import get_engine, normalise_url
from worker.errors import ConfigError, RemonError

SETTING = "REMON_DATABASE_URL"
EXAMPLES = "sqlite:///PATH/remon.db or postgresql://USER:PASSWORD@HOST:5432/NAME"


class DatabaseMissing(ConfigError):
    """The database (or its schema) is not there: a setting points to the wrong place, or
    ``remon init`` was never run."""

    code = "config.database_missing"


class DatabaseUnreachable(RemonError):
    """The database server did not answer (a runtime failure, not a setting's mistake)."""

    code = "storage.unreachable"


def parse_database_url(url: str) -> URL:
    """The parsed URL, or a ConfigError that names ``REMON_DATABASE_URL`` and says what is wrong.

    The message never repeats the URL: it may carry a password.
    """
    try:
        parsed = make_url(normalise_url(url.strip()))
    except (ArgumentError, ValueError) as exc:
        raise ConfigError(f"{SETTING} is not a database URL; write it as {EXAMPLES}", code="config.database_url") \
            from exc
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite":
        if driver:
            raise ConfigError(f"{SETTING} names the SQLite driver {driver!r}; write sqlite:///PATH",
                              code="config.database_url")
        if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
            raise ConfigError(f"{SETTING} names no SQLite file (an in-memory database is lost at exit); "
                              "write sqlite:///PATH/remon.db", code="config.database_url")
        return parsed
    if backend == "postgresql":
        if driver not in ("", "psycopg"):
            raise ConfigError(f"{SETTING} asks for the PostgreSQL driver {driver!r}; remon uses psycopg 3: "
                              "write postgresql://…", code="config.database_url")
        if not parsed.database:
            raise ConfigError(f"{SETTING} names no database after the host; write {EXAMPLES}",
                              code="config.database_url")
        return parsed
    raise ConfigError(f"{SETTING} uses {backend!r}: remon stores its data in SQLite or PostgreSQL; "
                      f"write {EXAMPLES}", code="config.database_url")


def describe(url: str) -> str:
    """Where the database is, fit to print: the SQLite file's absolute path, or the server and
    database name without the password."""
    parsed = parse_database_url(url)
    if parsed.drivername == "sqlite":
        return str(Path(parsed.database or "").expanduser().absolute())
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    user = f"{parsed.username}@" if parsed.username else ""
    return f"postgresql://{user}{host}{port}/{parsed.database}"


def sqlite_path(url: str) -> Path | None:
    parsed = parse_database_url(url)
    return Path(parsed.database or "").expanduser() if parsed.drivername == "sqlite" else None


def _sqlite_has_schema(path: Path) -> bool:
    # read-only URI: opening must not create the file, its folder, or a write-ahead log
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'").fetchone()
    finally:
        conn.close()
    return row is not None


def database_exists(url: str) -> bool:
    """True when the database is there with remon's schema (of any revision).

    A missing SQLite file is answered without touching the disk; a PostgreSQL server that does not
    answer raises ``DatabaseUnreachable``.
    """
    path = sqlite_path(url)
    if path is not None:
        if not path.is_file():
            return False
        try:
            return _sqlite_has_schema(path)
        except sqlite3.Error as exc:
            raise DatabaseUnreachable(f"cannot read the database at {describe(url)}: {exc}") from exc
    try:
        with get_engine(url).connect() as conn:
            return bool(inspect(conn).has_table("alembic_version"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise DatabaseUnreachable(f"cannot reach the database at {describe(url)}: "
                                  f"{reason[0] if reason else exc.__class__.__name__}") from exc


def require_database(url: str) -> None:
    """Raise ``DatabaseMissing`` (bad configuration, exit 2) unless the database exists."""
    if not database_exists(url):
        raise DatabaseMissing(f"no database at {describe(url)}; run `remon init` (or check {SETTING} "
                              "and REMON_DATA_DIR)")
