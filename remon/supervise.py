"""``remon run`` as its own supervisor: the worker runs in a child process, started again when it stops.

Why a parent process: the worker can stop for reasons it cannot recover from in-process (Celery's
"Unrecoverable error", a pool that cannot start, the process killed by the kernel), and a worker
that stays down is what the embedded default must not do (issue 19). The parent stays small (no
Celery, no database), so it survives what kills the worker, and it starts the worker again with
a capped backoff, one log line per restart. With ``--no-restart`` (``REMON_RESTART=false``) the
worker runs in this process and ``remon run`` exits with its code instead, for a supervisor that
restarts on failure (docker compose's ``restart:``, systemd).

Signals: SIGTERM, SIGINT and SIGHUP ask the worker for a warm shutdown (SIGTERM: finish the running
tasks) and end the supervisor; SIGQUIT is passed on as is (a cold shutdown). The child is in the
same process group, so a terminal's Ctrl-C reaches it directly too, and it is asked to stop when the
parent dies (``PR_SET_PDEATHSIG`` on Linux).

When the worker itself is killed, its beat and pool processes would live on as orphans (a second
beat); the supervisor is their "subreaper" (``PR_SET_CHILD_SUBREAPER``) and stops them before it
starts a new worker.

Exit codes: 0 after a stop that was asked for; 2 when the worker refuses its configuration (a
restart cannot fix that).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("remon.supervise")

FIRST_DELAY = 1.0  # seconds before the first restart; doubled after each one...
MAX_DELAY = 30.0  # ...up to this
STABLE_AFTER = 60.0  # a worker that ran this long starts the backoff again from FIRST_DELAY
CONFIG_ERROR = 2


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _become_subreaper() -> None:
    """Orphans of the worker (its beat and pool processes, when the worker itself was killed) become our
    children, so they can be stopped before a new worker starts (Linux ``PR_SET_CHILD_SUBREAPER``)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(36, 1)


def _children() -> list[int]:
    me, out = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == me:
                out.append(int(stat.parent.name))
    return out


def _reap_orphans(grace: float = 5.0) -> int:
    """Stop what a killed worker left running (SIGTERM, then SIGKILL after ``grace`` seconds); how many."""
    orphans = _children()
    for pid in orphans:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for pid in orphans:
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG)[0]:
                    break
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.05)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    return len(orphans)


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name}"
    if code == 0:
        return "stopped by itself (exit 0) without being asked to"
    return f"stopped on an error (exit {code})"


@dataclass
class Supervisor:
    argv: Sequence[str]
    first_delay: float = FIRST_DELAY
    max_delay: float = MAX_DELAY
    stable_after: float = STABLE_AFTER
    stopping: list[int] = field(default_factory=list)
    child: subprocess.Popen[bytes] | None = None
    restarts: int = 0

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stopping.append(signum)
        child = self.child
        if child is not None and child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGQUIT if signum == signal.SIGQUIT else signal.SIGTERM)

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))

    def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(sig, self._on_signal)
        _become_subreaper()
        delay = self.first_delay
        while not self.stopping:
            started = time.monotonic()
            self.child = subprocess.Popen(list(self.argv), preexec_fn=_die_with_parent)
            if self.stopping:  # a signal arrived while the child was being started
                self._on_signal(self.stopping[-1], None)
            code = self.child.wait()
            left = _reap_orphans()
            if left:
                log.warning("stopped %d process(es) the worker left behind", left)
            if self.stopping:
                break
            if code == CONFIG_ERROR:
                log.error("the worker refused its configuration (exit 2, see above); not starting it again")
                return CONFIG_ERROR
            if time.monotonic() - started >= self.stable_after:
                delay = self.first_delay
            self.restarts += 1
            log.error("the worker %s; starting it again in %g s (restart %d; REMON_RESTART=false or "
                      "--no-restart to exit instead)", describe_exit(code), delay, self.restarts)
            self._sleep(delay)
            delay = min(delay * 2, self.max_delay)
        if self.child is not None and self.child.poll() is None:
            self.child.wait()
        return 0


def supervise(argv: Sequence[str]) -> int:
    """Run ``argv`` (the worker) until asked to stop, starting it again whenever it stops; the exit code."""
    return Supervisor(argv).run()
