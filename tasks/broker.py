"""The embedded broker: kombu's SQLAlchemy transport, fixed where it fails a long-running worker.

``sqla+sqlite:///…/broker.db`` (the embedded default) is served by kombu's SQLAlchemy transport
(kombu 5.7), which was found to fail in four ways (issue 19; ``tests/test_embedded_broker.py``
checks each fix beside kombu's own transport, so an upstream fix shows):

* **Its session outlives errors.** Each channel keeps one ORM session for its life, ``_get``
  commits in a ``finally`` even after a failed statement, and ``close()`` never closes the
  session: a channel that met an error keeps a pooled connection. Celery started a new channel
  after each such error (a consumer restart), so after 15 errors (pool 5 + overflow 10) the
  worker died on "QueuePool limit … reached". Upstream: the commit-after-error in ``_get`` is
  reported in https://github.com/celery/kombu/pull/1185 (comments); the transport is
  "unsupported" upstream. Here a failed operation rolls back and *closes* the session (the next
  one opens a fresh session) and ``close()`` closes it too.
* **Every database error is a "connection error".** kombu then closes the channels: Celery
  restarts its consumer (with a traceback, many a second while a disk is full) and Celery beat
  keeps a producer bound to the closed channel, so every later publish fails with "channel
  disconnected" until beat is restarted. Errors are handled per operation here, so the transport
  declares none: they reach the caller as what they are, and the channel stays usable.
* **Consumed messages are never deleted**, only marked invisible, so the table grows forever
  (1,341 rows and 2 MB after 20 minutes at a 1 s beat). An invisible row is never delivered
  again (kombu redelivers unacknowledged messages by *re-inserting* them at channel close), so
  deleting it when it is taken changes no delivery guarantee; ``prune`` removes the rows older
  versions left (upstream: https://github.com/celery/kombu/issues/276, closed "won't fix").
* **A disk fault becomes a file in /tmp.** A failed re-insert at channel close made kombu's QoS
  call ``emergency_dump_state`` (``kombu.utils.div``), which pickles the messages into
  ``tempfile.mkstemp()``: "EMERGENCY DUMP STATE" files in /tmp. Here a message that cannot be put
  back is logged and dropped, because the database is the record: the sweeper re-enqueues
  whatever is still pending there.

While the disk is full or read-only, polling reads as an empty queue and a publish waits (up to
``PUT_PATIENCE``), with one log line per episode (``storage.faults``); afterwards every SQLite
connection of the fault is closed (``storage.db.release_after_fault``) and work resumes by itself.
The SQLite file gets the data database's settings: write-ahead log, a busy timeout, and a bound
on the log file's size after checkpoints.

``install()`` maps kombu's ``sqla`` and ``sqlalchemy`` aliases to this transport, so broker URLs
stay as users write them.

Why this module keeps SQL outside ``storage/`` (issue 17; listed in ``KNOWN`` of
``tests/test_sql_in_storage.py`` with this reason): it is a kombu transport, the Celery layer's
plug-in, and its database is the broker's (``broker.db``), not remon's records. Its two statements run
on kombu's own ``kombu_message`` table: ``BEGIN IMMEDIATE`` in the channel's kombu session, inside the
subclassed ``_get`` (it cannot go through a storage function without splitting one kombu operation
across two layers), and ``prune``'s delete of consumed rows. kombu loads the transport by its import
path (``tasks.broker:Transport``), and ``storage`` holds no Celery or kombu code.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from json import loads
from queue import Empty
from typing import Any, TypeVar

from kombu.transport import TRANSPORT_ALIASES, _transport_cache
from kombu.transport import base as kombu_base
from kombu.transport import sqlalchemy as kombu_sqla
from kombu.utils.encoding import bytes_to_str
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from storage.db import discard_broken_connections, release_after_fault, sqlite_pragmas
from storage.faults import FaultLog, classify, first_line, where_of

log = logging.getLogger("remon.broker")
FAULTS = FaultLog(log)

POLL_INTERVAL = 0.25  # seconds between polls of an empty queue (kombu: 1.0; three queues added ~3 s per alert)
PUT_PATIENCE = 120.0  # seconds a publish waits for a full or read-only disk before it fails
_BUSY = ("database is locked", "database table is locked")
T = TypeVar("T")


def _transient(exc: BaseException) -> bool:
    """A disk fault or a lock that outlived the busy timeout: worth waiting for, not a crash."""
    return classify(exc) is not None or any(b in str(exc).lower() for b in _BUSY)


class Channel(kombu_sqla.Channel):
    _patient = True  # _put waits for the disk; off while putting messages back at close

    @property
    def _where(self) -> str:
        return where_of(str(self.connection.client.hostname or ""))

    def _engine_from_config(self) -> Any:
        conninfo = self.connection.client
        options = {k: v for k, v in conninfo.transport_options.items() if k not in _KOMBU_OPTIONS}
        url = str(conninfo.hostname)
        if url.startswith("sqlite"):
            options.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **options)
        if url.startswith("sqlite"):
            event.listen(engine, "connect", sqlite_pragmas)
        event.listen(engine, "handle_error", discard_broken_connections)
        return engine

    def _reset(self, exc: BaseException | None = None) -> None:
        """Roll back and close the session after a failed operation: its connection goes back to the
        pool (or is discarded), and the next operation opens a fresh session. After a read-only folder
        or an I/O error every pooled connection is closed (``storage.db.release_after_fault``)."""
        session, self._session = self._session, None
        if session is None:
            return
        for step in (session.rollback, session.close):
            try:
                step()
            except Exception:  # noqa: S112 - a broken connection may refuse even this; close() still runs
                continue
        if exc is not None:
            release_after_fault(self._open()[0], exc)

    def _guarded(self, op: Callable[[], T], *, patience: float) -> T:
        """Run one database operation; on an error, reset the session. A disk fault or a lock is retried for
        up to ``patience`` seconds (logged once per episode), then raised like any other error."""
        deadline = time.monotonic() + patience
        delay = 0.1
        while True:
            try:
                result = op()
            except OperationalError as exc:
                self._reset(exc)
                if not _transient(exc) or time.monotonic() >= deadline:
                    raise
                FAULTS.failed(exc, self._where, action="tasks wait to be queued until it can be written")
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
                continue
            except BaseException:
                self._reset()
                raise
            FAULTS.succeeded(self._where)
            return result

    def _get(self, queue: Any, timeout: Any = None) -> Any:
        try:
            return self._guarded(lambda: self._take(queue), patience=0.0)
        except OperationalError as exc:
            if not _transient(exc):
                raise
            FAULTS.failed(exc, self._where, action="the worker takes no new task until it can be written, "
                                                   "then resumes by itself")
            raise Empty() from None

    def _take(self, queue: str) -> Any:
        """kombu's ``_get``, but the message row is deleted (not hidden) in the same transaction."""
        obj = self._get_or_create(queue)
        session = self.session
        if session.bind.name == "sqlite":
            session.execute(text("BEGIN IMMEDIATE TRANSACTION"))
        msg = (session.query(self.message_cls).with_for_update()
               .filter(self.message_cls.queue_id == obj.id)
               .filter(self.message_cls.visible != False)  # noqa: E712 - a SQL expression
               .order_by(self.message_cls.sent_at).order_by(self.message_cls.id)
               .limit(1).first())
        if msg is None:
            session.commit()
            raise Empty()
        payload = loads(bytes_to_str(msg.payload))
        session.delete(msg)
        session.commit()
        return payload

    @property
    def _patience(self) -> float:
        return PUT_PATIENCE if self._patient and not getattr(_local, "impatient", False) else 0.0

    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._guarded(lambda: super(Channel, self)._put(queue, payload, **kwargs), patience=self._patience)

    def _new_queue(self, queue: Any, **kwargs: Any) -> None:
        self._guarded(lambda: super(Channel, self)._new_queue(queue, **kwargs), patience=self._patience)

    def _restore(self, message: Any) -> None:
        """Put an unacknowledged message back (channel close). If the disk refuses, log and drop it: kombu
        would pickle it to a file in /tmp, and the database still says the work is pending."""
        self._patient = False
        try:
            super()._restore(message)
        except Exception as exc:
            log.warning("could not put an unfinished task back on the embedded queue (%s); the sweeper "
                        "re-enqueues its work from the database", first_line(exc))
        finally:
            self._patient = True

    def _size(self, queue: Any) -> int:
        return int(self._guarded(lambda: super(Channel, self)._size(queue), patience=0.0))

    def _purge(self, queue: Any) -> int:
        return int(self._guarded(lambda: super(Channel, self)._purge(queue), patience=0.0))

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._reset()


_KOMBU_OPTIONS = ("queue_tablename", "message_tablename", "callback", "errback", "max_retries",
                  "interval_start", "interval_step", "interval_max", "retry_errors", "polling_interval")


class Transport(kombu_sqla.Transport):
    Channel = Channel
    polling_interval = POLL_INTERVAL
    # kombu's SQLAlchemy transport calls every OperationalError a connection error: kombu then closes the
    # channels and Celery restarts its consumer, or (in beat) keeps a producer bound to the closed channel
    # and fails every later publish with "channel disconnected". Errors are handled per operation above
    # (the session is replaced), so they reach the caller as what they are, and the channel stays usable.
    connection_errors = kombu_base.Transport.connection_errors


_local = threading.local()


@contextlib.contextmanager
def impatient() -> Iterator[None]:
    """Publishes in this thread fail at once on a disk fault instead of waiting (best-effort work)."""
    _local.impatient = True
    try:
        yield
    finally:
        _local.impatient = False


def install() -> None:
    """Serve ``sqla+…`` and ``sqlalchemy+…`` broker URLs with this transport in this process."""
    for alias in ("sqla", "sqlalchemy"):
        TRANSPORT_ALIASES[alias] = "tasks.broker:Transport"
        _transport_cache.pop(alias, None)


def forget_engines(*, close: bool = True) -> None:
    """Drop the transport's engines (kombu caches one per URL for the process's life). After a fork the
    child must not use the parent's SQLite connections (``close=False``: they are the parent's to close);
    the parent drops its own before it forks its pool, having used the broker at start."""
    engines = kombu_sqla.Channel._engines
    for engine, _ in list(engines.values()):
        engine.dispose(close=close)
    engines.clear()


def is_sql(url: str) -> bool:
    return url.startswith(("sqla+", "sqlalchemy+"))


def prune(broker_url: str) -> int:
    """Delete consumed messages left by older versions (kombu hid them) and checkpoint the SQLite log.

    Returns how many rows went. Messages waiting to be consumed are kept.
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
    from sqlalchemy import inspect

    return set(inspect(conn).get_table_names())
