"""Heartbeat: a running task renews its short claim, so only a dead worker's claim runs out.

Claims last ``REMON_TASK_LEASE`` seconds (30 by default). A task that takes longer (a slow page,
a long analysis, a send to a slow server) would lose its claim to another worker and the work
would be done twice; with one long lease instead (it was 600 s), a killed worker's work waited
that long (issue 19). So while a task holds a claim, one daemon thread per process renews it every
third of the lease, and the claim is dropped from the thread's list when the task ends, however it
ends. A renewal that fails (the database is away, the disk is full) is tried again at the next
beat; the claim's owner check (``tasks.claims``) gives a live local owner one more lease.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

from storage import claims
from storage.db import session_scope
from storage.faults import DATA, where_of
from storage.models import utcnow

log = logging.getLogger("remon.lease")


class _Renewer:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.held: dict[tuple[str, int, str], tuple[str, float]] = {}  # (kind, id, owner) -> (db url, lease s)
        self.wake = threading.Event()
        self.thread = threading.Thread(target=self._run, name="remon-lease", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        last = time.monotonic()
        while True:
            with self.lock:
                held = dict(self.held)
            interval = min((lease for _, lease in held.values()), default=30.0) / 3
            remaining = last + interval - time.monotonic()
            if remaining > 0:  # a new, shorter lease wakes the thread to plan again
                self.wake.wait(remaining)
                self.wake.clear()
                continue
            last = time.monotonic()
            for (kind, row_id, owner), (url, lease) in held.items():
                with self.lock:
                    if (kind, row_id, owner) not in self.held:
                        continue
                self._renew(url, kind, row_id, owner, lease)

    def _renew(self, url: str, kind: str, row_id: int, owner: str, lease: float) -> None:
        try:
            with session_scope(url) as session:
                claims.renew(session, kind=kind, row_id=row_id, owner=owner,
                             until=utcnow() + timedelta(seconds=lease))
        except Exception as exc:  # try again at the next beat; the claim's owner check covers the gap
            if DATA.failed(exc, where_of(url), action="claims are renewed once it can be written") is None:
                log.warning("could not renew the claim on %s %s: %s", kind, row_id, exc.__class__.__name__)
        else:
            DATA.succeeded(where_of(url))


_renewer: _Renewer | None = None
_guard = threading.Lock()


def _get() -> _Renewer:
    global _renewer
    with _guard:
        if _renewer is None or _renewer.pid != os.getpid():  # a forked pool process starts its own thread
            _renewer = _Renewer()
        return _renewer


@contextlib.contextmanager
def renewed(url: str, *, kind: str, row_id: int, owner: str, lease: float) -> Iterator[None]:
    """Keep renewing the claim of ``owner`` on ``kind`` ``row_id`` (article, delivery, source) while inside."""
    renewer = _get()
    key = (kind, row_id, owner)
    with renewer.lock:
        renewer.held[key] = (url, lease)
    renewer.wake.set()  # a shorter lease than the thread sleeps for: re-plan now
    try:
        yield
    finally:
        with renewer.lock:
            renewer.held.pop(key, None)
