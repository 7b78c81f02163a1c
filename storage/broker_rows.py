"""The embedded broker's rows: the statements remon itself runs on kombu's tables in ``broker.db``.

The transport (``tasks/broker.py``) is kombu's SQLAlchemy transport, fixed; it hands its session to
``begin_immediate`` so a SQLite write lock is taken before a message is read and deleted (two
workers never take the same row), and ``prune_consumed`` deletes the rows older versions left
hidden. Kept here, with remon's other SQL, so no statement is built outside ``storage/``; nothing
here imports kombu or Celery.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.orm import Session

from storage.db import sqlite_pragmas


def begin_immediate(session: Session) -> None:
    """Take SQLite's write lock now: the read and the delete of a message are one transaction."""
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        session.execute(text("BEGIN IMMEDIATE TRANSACTION"))


def prune_consumed(broker_url: str) -> int:
    """Delete consumed messages left by older versions (kombu hid them) and checkpoint the SQLite log.

    ``broker_url`` is the Celery URL (``sqla+sqlite:///…``). Returns how many rows went; messages
    waiting to be consumed are kept.
    """
    url = broker_url.split("+", 1)[1]
    engine = create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
    if url.startswith("sqlite"):
        event.listen(engine, "connect", sqlite_pragmas)
    try:
        with engine.begin() as conn:
            if "kombu_message" not in _tables(conn):
                return 0
            deleted = conn.execute(text("DELETE FROM kombu_message WHERE visible = :no"), {"no": False}).rowcount
        if url.startswith("sqlite"):
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(deleted or 0)
    finally:
        engine.dispose()


def _tables(conn: Any) -> set[str]:
    return set(inspect(conn).get_table_names())
