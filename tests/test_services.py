"""Issue 16: `make services-stop` stops the PostgreSQL that `make test` (scripts/test-services.sh) starts.

Run against a cluster of its own (another port and data directory, through the script's
REMON_TEST_PGPORT / REMON_TEST_PGDATA), never the shared one on 55432 that other tests use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.servers import REPO, PgCluster, free_port

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def answers(port: int) -> bool:
    ready = subprocess.run([str(PgCluster.bindir() / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-q"],
                           check=False)
    return ready.returncode == 0


def test_make_services_stop_stops_the_test_postgresql() -> None:
    try:
        PgCluster.bindir()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    base = Path(tempfile.mkdtemp(prefix="remon-services-", dir="/tmp"))
    base.chmod(0o755)  # the postgres user must reach its data directory
    port = free_port()
    env = {**os.environ, "REMON_TEST_PGPORT": str(port), "REMON_TEST_PGDATA": str(base / "pg"),
           "REMON_TEST_BROWSER": "0"}
    try:
        started = subprocess.run(["bash", "scripts/test-services.sh"], cwd=REPO, env=env, capture_output=True,
                                 text=True, timeout=300, check=False)
        assert started.returncode == 0, started.stderr
        assert f"postgresql on 127.0.0.1:{port}" in started.stdout and answers(port)
        stopped = subprocess.run(["make", "-s", "services-stop"], cwd=REPO, env=env, capture_output=True, text=True,
                                 timeout=120, check=False)
        assert stopped.returncode == 0, stopped.stderr
        assert f"stopped PostgreSQL on 127.0.0.1:{port}" in stopped.stdout
        assert not answers(port)
        again = subprocess.run(["make", "-s", "services-stop"], cwd=REPO, env=env, capture_output=True, text=True,
                               timeout=120, check=False)
        assert again.returncode == 0 and "nothing to stop" in again.stdout
        # the data directory is kept: the next `make test` starts it again quickly
        restarted = subprocess.run(["bash", "scripts/test-services.sh"], cwd=REPO, env=env, capture_output=True,
                                   text=True, timeout=300, check=False)
        assert restarted.returncode == 0 and answers(port)
    finally:
        if answers(port):
            prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
            subprocess.run([*prefix, str(PgCluster.bindir() / "pg_ctl"), "-D", str(base / "pg"), "-m", "immediate",
                            "-w", "stop"], capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)
    # the shared cluster the other tests use was never touched
    assert answers(int(os.environ.get("REMON_TEST_PGPORT", "55432"))) or "REMON_TEST_POSTGRES_URL" not in os.environ
