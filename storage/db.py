"""One engine per process and the session factory; migrations applied through Alembic.

The engine is created lazily from the database URL and re-created after a fork (Celery's
prefork pool), so no pooled connection is ever shared between processes.
"""

from __future__ import annotations

import gc
import os
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from storage.faults import IO, READ_ONLY, classify
from storage.search import install_hook

install_hook()  # the search index follows every ORM write to articles

_lock = threading.Lock()
_engines: dict[tuple[str, int], Engine] = {}

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# After a checkpoint SQLite truncates its write-ahead log to this size (otherwise the file keeps its
# largest size ever); checkpoints run every 1,000 pages and on schedule (tasks.maintenance).
WAL_SIZE_LIMIT = 4 * 1024 * 1024


def sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """Every SQLite connection (data and embedded broker): WAL and a bounded log file (the busy timeout is
    the driver's ``timeout``, 30 s)."""
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
    except Exception:  # noqa: S110 - a read-only or full folder: the connection still reads; writes say why
        pass
    finally:
        cur.close()


def discard_broken_connections(context: Any) -> None:
    """``handle_error`` hook: a SQLite connection that met a read-only folder or an I/O error is closed, not
    put back in the pool (and the pool's other connections are closed when next taken)."""
    if context.engine is not None and context.engine.dialect.name == "sqlite" and _reopen_after(
            context.original_exception):
        context.is_disconnect = True


def _reopen_after(exc: BaseException) -> bool:
    fault = classify(exc)
    return fault is not None and fault.kind in (READ_ONLY, IO)


def release_after_fault(engine: Engine, exc: BaseException) -> None:
    """After a read-only folder or an I/O error, close every connection of ``engine`` in this process.

    SQLite opens a database read-only, silently, while its folder is read-only, and the index of its
    write-ahead log (``-shm``) is shared by all connections of a process to that file: one connection
    left open from the fault keeps every new one read-only (and failing) after the folder is writable
    again. And a closed connection lives on (with its descriptors and locks) while a statement of it is
    not finalized: the failed statement's cursor is held by the frames of the error's traceback, so those
    are cleared. Call this once the failed session is closed.
    """
    if engine.dialect.name != "sqlite" or not _reopen_after(exc):
        return
    seen: set[int] = set()
    item: BaseException | None = exc
    while item is not None and id(item) not in seen:  # the failed statement's cursor lives in these frames:
        seen.add(id(item))  # while it does, SQLite cannot finalize it, and the closed connection lives on
        if item.__traceback__ is not None:
            traceback.clear_frames(item.__traceback__)
        orig = getattr(item, "orig", None)
        if isinstance(orig, BaseException) and orig.__traceback__ is not None:
            traceback.clear_frames(orig.__traceback__)
        item = item.__cause__ or item.__context__
    engine.dispose()
    gc.collect()


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver for both."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def get_engine(url: str) -> Engine:
    """The engine for ``url`` in this process (a forked child gets a fresh one)."""
    url = normalise_url(url)
    key = (url, os.getpid())
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            if url.startswith("sqlite"):
                path = url.split("///", 1)[-1]
                if path and path != ":memory:":
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
                event.listen(engine, "connect", sqlite_pragmas)
                event.listen(engine, "handle_error", discard_broken_connections)
            else:
                engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
            _engines[key] = engine
        return engine


def dispose_all() -> None:
    """Forget every engine (after fork, or in tests between databases)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose(close=False)
        _engines.clear()


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    engine = get_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    except Exception as exc:
        release_after_fault(engine, exc)
        raise


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Bring the schema to the newest revision (idempotent; safe on every start)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = alembic_config(url)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with get_engine(url).connect() as conn:  # also creates the SQLite directory
        current = MigrationContext.configure(conn).get_current_revision()
    if current != head:
        command.upgrade(cfg, "head")


def checkpoint(url: str) -> None:
    """Copy SQLite's write-ahead log into the database and truncate it (a no-op on PostgreSQL). A reader
    in the middle of a transaction makes SQLite skip part of it; the next run does the rest."""
    if not normalise_url(url).startswith("sqlite"):
        return
    with get_engine(url).connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def is_postgres(url: str) -> bool:
    return normalise_url(url).startswith("postgresql")
