"""Issue 19: the embedded broker (kombu's SQLAlchemy transport with remon's fixes, ``tasks.broker``).

Real kombu connections on real SQLite files; the faults are real too (another connection holding the
database's write lock). Each fix is checked beside kombu's own transport under the same conditions,
so the day kombu fixes one upstream, its "control" assertion says the workaround can go.
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from kombu import Connection, Exchange, Producer, Queue

from tasks import broker


@pytest.fixture(autouse=True)
def _engines() -> Iterator[None]:
    broker.install()
    yield
    broker.forget_engines()


def connect(path: Path, *, stock: bool = False, **options: object) -> Connection:
    """remon's transport (``sqla+`` after ``broker.install()``), or kombu's own for the controls."""
    from kombu.transport import sqlalchemy as kombu_sqla

    if stock:
        return Connection(f"sqlite:///{path}", transport=kombu_sqla.Transport, transport_options=options)
    return Connection(f"sqla+sqlite:///{path}", transport_options=options)


def rows(path: Path) -> int:
    with sa.create_engine(f"sqlite:///{path}").connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM kombu_message")).scalar_one())


def publish(conn: Connection, n: int) -> None:
    queue = Queue("q", Exchange("q"), "q")
    producer = Producer(conn.channel(), exchange=queue.exchange, routing_key="q")
    for i in range(n):
        producer.publish({"i": i}, declare=[queue])


def consume_all(conn: Connection) -> int:
    channel = conn.channel()
    taken = 0
    while (message := channel.basic_get("q", no_ack=False)) is not None:
        channel.basic_ack(message.delivery_tag)
        taken += 1
    return taken


class WriteLock:
    """Another connection holds the database's write lock (BEGIN EXCLUSIVE) until ``release``."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def engine_of(conn: Connection) -> sa.Engine:
    from kombu.transport import sqlalchemy as kombu_sqla

    return kombu_sqla.Channel._engines[conn.transport.client.hostname][0]  # type: ignore[no-any-return]


def test_consumed_messages_are_deleted(tmp_path: Path) -> None:
    for stock in (False, True):
        path = tmp_path / f"{'stock' if stock else 'remon'}.db"
        with connect(path, stock=stock) as conn:
            publish(conn, 50)
            assert consume_all(conn) == 50
        left = rows(path)
        if stock:
            assert left == 50, "control: kombu keeps every consumed message (celery/kombu#276)"
        else:
            assert left == 0


def test_a_channel_that_met_an_error_holds_no_connection(tmp_path: Path) -> None:
    """kombu's channel keeps its session after a failed poll, and the session keeps its pooled connection:
    Celery starts a new channel after each such error (a consumer restart), so after 15 errors (pool 5 +
    overflow 10) the worker died on "QueuePool limit ... reached" (issue 19)."""
    for stock in (False, True):
        path = tmp_path / f"{'stock' if stock else 'remon'}.db"
        with connect(path, stock=stock, connect_args={"timeout": 0.05}, pool_timeout=0.5) as conn:
            publish(conn, 1)
            lock = WriteLock(path)
            channels, failures = [], []
            for _ in range(8):  # channels that met the error, still referenced (as a live worker holds them)
                channel = conn.channel()
                channels.append(channel)
                try:
                    channel.basic_get("q", no_ack=False)
                except sa.exc.OperationalError as exc:
                    failures.append(exc.__class__.__name__)
            checked_out = engine_of(conn).pool.checkedout()
            lock.release()
            if stock:
                assert len(failures) == 8 and checked_out == 8, "control: each failed channel keeps a connection"
                continue
            assert failures == [], "a locked or full database reads as an empty queue"
            assert checked_out == 0
            assert consume_all(conn) == 1, "and the message is taken once the database can be written"


def test_a_message_that_cannot_be_put_back_is_dropped_not_dumped_to_tmp(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """At channel close kombu re-inserts unacknowledged messages; when that fails it pickles them into
    ``tempfile.mkstemp()`` ("EMERGENCY DUMP STATE"): files outside the data folder."""
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    for stock in (False, True):
        path = tmp_path / f"{'stock' if stock else 'remon'}.db"
        with connect(path, stock=stock, connect_args={"timeout": 0.05}) as conn:
            publish(conn, 1)
            channel = conn.channel()
            assert channel.basic_get("q", no_ack=False) is not None  # taken, not acknowledged
            lock = WriteLock(path)
            with caplog.at_level(logging.WARNING):
                channel.close()
            lock.release()
        dumped = list(scratch.iterdir())
        if stock:
            assert dumped, "control: kombu dumps the message into the temp folder"
        else:
            assert dumped == []
            assert "could not put an unfinished task back" in caplog.text


def test_a_failed_publish_leaves_the_producer_usable(tmp_path: Path) -> None:
    """kombu's transport reports every database error as a connection error; a producer (Celery beat's)
    then stayed bound to a closed channel and every later publish failed with "channel disconnected"."""
    path = tmp_path / "broker.db"
    with connect(path, connect_args={"timeout": 0.05}) as conn:
        publish(conn, 1)
        queue = Queue("q", Exchange("q"), "q")
        producer = Producer(conn.channel(), exchange=queue.exchange, routing_key="q")
        lock = WriteLock(path)
        with broker.impatient(), pytest.raises(sa.exc.OperationalError):
            producer.publish({"late": True}, declare=[queue], retry=True)
        lock.release()
        producer.publish({"after": True}, declare=[queue], retry=True)
        assert consume_all(conn) == 2
