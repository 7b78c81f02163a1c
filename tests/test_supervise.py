"""Issue 19: `remon run` never stops silently: it exits non-zero when its worker stops on an error, and on
the embedded default it starts the worker again (capped backoff, one line per restart).

Real processes throughout: a tiny child program for the supervisor's policy, real `remon run` for the
rest (a corrupted broker file that makes Celery give up). A worker SIGKILLed under `remon run` (its beat
and pool stopped, a new worker started) is part of ``test_faults_embedded.py``'s read-only folder test.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.inproc import run_cli
from tests.servers import REPO, background, remon_cmd, remon_env, wait_for

pytestmark = [pytest.mark.system]  # starts supervisors, worker stand-ins and remon (make test-fast skips it)

# a worker stand-in: fails (exit 1) the first three times it is started, then runs until told to stop
CHILD = """
import pathlib, signal, sys, time
runs = pathlib.Path(sys.argv[1])
n = len(runs.read_text().splitlines()) if runs.exists() else 0
runs.write_text("run\\n" * (n + 1))
if n < 3:
    sys.exit(1)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(0.1)
"""

SUPERVISOR = """
import logging, sys
logging.basicConfig(level=logging.INFO, format="%(message)s")
sys.path.insert(0, {repo!r})
from remon.supervise import Supervisor
code = Supervisor([sys.executable, "-c", {child!r}, {runs!r}], first_delay=0.2, max_delay=0.4).run()
print("supervisor exit", code, flush=True)
sys.exit(code)
"""


def supervisor(tmp_path: Path, child: str = CHILD) -> subprocess.Popen[str]:
    script = SUPERVISOR.format(repo=str(REPO), child=child, runs=str(tmp_path / "runs"))
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)


def test_the_supervisor_restarts_with_a_capped_backoff_and_stops_when_asked(tmp_path: Path) -> None:
    proc = supervisor(tmp_path)
    runs = tmp_path / "runs"
    wait_for(lambda: runs.exists() and len(runs.read_text().splitlines()) == 4, timeout=30, what="4 starts")
    time.sleep(0.5)
    assert proc.poll() is None, "the fourth start keeps running"
    proc.send_signal(signal.SIGTERM)  # the supervisor alone: it passes the stop on to the worker
    out, _ = proc.communicate(timeout=20)
    lines = [line for line in out.splitlines() if "starting it again" in line]
    assert [line.split(" in ")[1].split(" s ")[0] for line in lines] == ["0.2", "0.4", "0.4"], out
    assert all("stopped on an error (exit 1)" in line for line in lines), out
    assert "supervisor exit 0" in out


def test_a_configuration_error_is_not_retried(tmp_path: Path) -> None:
    proc = supervisor(tmp_path, child="import sys; sys.exit(2)")
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 2 and "refused its configuration" in out and "restart 1" not in out


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("restart", [False, True])
def test_a_worker_that_stops_on_an_error_is_not_a_success(tmp_path: Path, restart: bool) -> None:
    """A broker file that is not a database: Celery stops on "Unrecoverable error". `remon run --no-restart`
    used to exit 0 (the exit code Celery computes was dropped); it exits 1. Supervised, the worker starts
    again (backoff) until the file is fixed, then works."""
    env = remon_env(tmp_path, REMON_BEAT_INTERVAL="1")
    run_cli(env, "init")
    broker = tmp_path / "data" / "broker.db"
    broker.write_bytes(b"this is not a database\n" * 200)
    log = tmp_path / "run.log"
    if not restart:
        done = subprocess.run(remon_cmd("run", "-c", "1", "--no-restart"), env=env, cwd=REPO, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 1, done.stderr[-3000:]
        assert "Unrecoverable error" in done.stderr
        return
    with background(remon_cmd("run", "-c", "1"), env, log) as proc:
        wait_for(lambda: log.read_text(errors="replace").count("starting it again") >= 2, timeout=90,
                 what="two restarts")
        text = log.read_text(errors="replace")
        assert "in 1 s (restart 1;" in text and "in 2 s (restart 2;" in text
        broker.unlink()  # fixed: the next start creates a fresh broker file
        wait_for(lambda: "Task remon.poll_due_sources[" in log.read_text(errors="replace"), timeout=90,
                 what="the worker consuming after the fix")
        assert proc.poll() is None
