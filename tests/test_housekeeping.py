"""Issue 19: housekeeping keeps the embedded default bounded, and `remon health` shows the broker backlog and
the data folder's free space (warning before the disk is full). Real SQLite files, real `remon` commands."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from kombu import Connection, Exchange, Producer, Queue

from storage.db import get_engine, migrate, session_scope
from storage.models import Heartbeat
from tasks import broker
from tasks.maintenance import run as housekeeping
from tasks.runtime import build_runtime
from tests.inproc import run_cli
from tests.servers import RedisServer, remon_env
from worker.config import load_settings


def _publish(broker_url: str, queue_name: str, n: int) -> None:
    broker.install()
    try:
        with Connection(broker_url) as conn:
            queue = Queue(queue_name, Exchange(queue_name), queue_name)
            producer = Producer(conn.channel(), exchange=queue.exchange, routing_key=queue_name)
            for i in range(n):
                producer.publish({"i": i}, declare=[queue])
    finally:
        broker.forget_engines()


def _health(env: dict[str, str]) -> tuple[int, dict[str, dict[str, object]]]:
    done = run_cli(env, "health", "--check", "broker,disk", "--format", "json", check=False)
    return done.returncode, {row["check"]: row for row in json.loads(done.stdout)}


@pytest.mark.system
def test_health_reports_the_broker_backlog_and_free_space(tmp_path: Path) -> None:
    env = remon_env(tmp_path)
    run_cli(env, "init")
    _publish(f"sqla+sqlite:///{tmp_path}/data/broker.db", "analyze", 3)
    code, checks = _health(env)
    assert code == 0, checks
    assert checks["broker"]["detail"] == "reachable; 3 message(s) waiting (poll 0, fetch 0, analyze 3, notify 0)"
    assert str((tmp_path / "data").resolve()) in str(checks["disk"]["detail"]) and "MB free" in str(
        checks["disk"]["detail"])
    # below the threshold the check fails: a warning before writes fail
    code, checks = _health({**env, "REMON_MIN_FREE_MB": str(10**12)})
    assert code == 1 and checks["disk"]["ok"] is False
    assert "below REMON_MIN_FREE_MB=1000000000000" in str(checks["disk"]["detail"])


@pytest.mark.system
@pytest.mark.redis
def test_health_reports_the_backlog_on_redis_too(tmp_path: Path, redis_server: RedisServer) -> None:
    env = remon_env(tmp_path, REMON_BROKER_URL=redis_server.url)
    run_cli(env, "init")
    _publish(redis_server.url, "notify", 2)
    code, checks = _health(env)
    assert code == 0 and checks["broker"]["detail"] == (
        "reachable; 2 message(s) waiting (poll 0, fetch 0, analyze 0, notify 2)"), checks


def test_housekeeping_prunes_consumed_rows_checkpoints_and_warns(tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    settings = load_settings(data_dir=tmp_path / "data", notify_urls="", min_free_mb=10**12)
    rt = build_runtime(settings)
    migrate(rt.db_url)
    broker_url = settings.broker_url_value
    _publish(broker_url, "poll", 7)
    broker_file = tmp_path / "data" / "broker.db"
    with sa.create_engine(f"sqlite:///{broker_file}").begin() as conn:  # 5 consumed the way kombu leaves them
        conn.execute(sa.text("UPDATE kombu_message SET visible = 0 WHERE id <= 5"))
    for i in range(300):  # some writes, so the data database's write-ahead log has pages to copy back
        with session_scope(rt.db_url) as s:
            s.merge(Heartbeat(name=f"h{i % 7}", detail="x" * 500))
    wal = tmp_path / "data" / "remon.db-wal"
    assert wal.stat().st_size > 0
    with caplog.at_level(logging.WARNING, logger="remon.maintenance"):
        out = housekeeping(rt)
    assert out["broker_rows_pruned"] == 5
    with sa.create_engine(f"sqlite:///{broker_file}").connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM kombu_message")).scalar_one() == 2  # still waiting
    assert wal.stat().st_size == 0, "checkpointed and truncated"
    assert "less than REMON_MIN_FREE_MB" in caplog.text
    get_engine(rt.db_url).dispose()
