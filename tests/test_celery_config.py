"""The Celery app's configuration, as a worker process builds it from REMON_ settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json
from tasks.app import SQL_BROKER_POLL, app
conf = app.conf
with app.connection_for_read() as conn:
    interval = conn.transport.polling_interval
print(json.dumps({
    "acks_late": conf.task_acks_late, "prefetch": conf.worker_prefetch_multiplier,
    "expires": {k: v.get("options", {}).get("expires") for k, v in conf.beat_schedule.items()},
    "transport_options": conf.broker_transport_options, "polling_interval": interval,
    "sql_broker_poll": SQL_BROKER_POLL,
}))
"""


def _conf(tmp_path: Path, **env: str) -> dict:  # type: ignore[type-arg]
    base = {k: v for k, v in os.environ.items() if not k.startswith("REMON_")}
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60,
                         env={**base, "REMON_DATA_DIR": str(tmp_path), **env}, cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_embedded_broker_is_drained_often_and_tasks_are_acked_late(tmp_path: Path) -> None:
    conf = _conf(tmp_path)
    assert conf["acks_late"] is True and conf["prefetch"] == 1
    assert conf["expires"] and all(v and v > 0 for v in conf["expires"].values())
    # kombu polls a database broker once a second by default: three queues made that ~3 s per alert
    assert conf["polling_interval"] == conf["sql_broker_poll"] < 1.0


def test_redis_broker_keeps_kombus_own_settings(tmp_path: Path) -> None:
    conf = _conf(tmp_path, REMON_BROKER_URL="redis://127.0.0.1:9/0")  # no connection is made
    assert conf["transport_options"] == {"visibility_timeout": 3600}
    assert conf["polling_interval"] != conf["sql_broker_poll"]
