"""Storage faults in one line: what went wrong with the disk or database, where, and what helps.

A full disk or a read-only data folder reaches remon as a driver error (``sqlite3.OperationalError:
database or disk is full``, ``attempt to write a readonly database``, ``disk I/O error``) or an
``OSError`` (ENOSPC, EROFS, EACCES) wrapped in SQLAlchemy's multi-line message with the SQL and a
link. Users need one line naming the place and the fix, so every layer that meets such an error
(the CLI, the worker, the broker transport) classifies it here and logs :func:`describe`'s line.

:class:`FaultLog` logs that line once per episode and process (not once per failed write, which
would be hundreds a second while the broker polls), and one "writable again" line when a write
succeeds afterwards.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

FULL, READ_ONLY, IO, UNAVAILABLE = "full", "read-only", "io", "unavailable"

_FULL_TEXT = ("database or disk is full", "no space left on device", "could not extend file", "disk quota")
_READ_ONLY_TEXT = ("attempt to write a readonly database", "read-only file system", "readonly database",
                   "permission denied", "unable to open database file", "read-only transaction")
_IO_TEXT = ("disk i/o error", "locking protocol")  # the latter: WAL in a folder that turned read-only
_UNAVAILABLE_TEXT = ("connection refused", "could not connect", "server closed the connection",
                     "terminating connection", "connection reset", "the database system is")


@dataclass(frozen=True)
class Fault:
    """A classified storage failure: its kind and the driver's own first line."""

    kind: str  # FULL, READ_ONLY, IO or UNAVAILABLE
    detail: str


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        orig = getattr(current, "orig", None)  # SQLAlchemy's DBAPIError keeps the driver's error here
        if isinstance(orig, BaseException) and orig not in seen:
            seen.append(orig)
        current = current.__cause__ or current.__context__
    return seen


def first_line(exc: BaseException) -> str:
    """The error's first line without SQLAlchemy's "[SQL: ...]" and link: readable in a log line."""
    for item in _chain(exc):
        orig = getattr(item, "orig", None)
        text = str(orig if isinstance(orig, BaseException) else item).strip()
        if text:
            return text.splitlines()[0].split(" [SQL:")[0][:300]
    return exc.__class__.__name__


def classify(exc: BaseException) -> Fault | None:
    """The storage fault behind ``exc`` (anywhere in its chain), or None if it is not one."""
    for item in _chain(exc):
        number = getattr(item, "errno", None)
        if number in (errno.ENOSPC, errno.EDQUOT):
            return Fault(FULL, first_line(item))
        if number in (errno.EROFS, errno.EACCES, errno.EPERM):
            return Fault(READ_ONLY, first_line(item))
        text = str(getattr(item, "orig", None) or item).lower()
        for kind, needles in ((FULL, _FULL_TEXT), (READ_ONLY, _READ_ONLY_TEXT), (IO, _IO_TEXT),
                              (UNAVAILABLE, _UNAVAILABLE_TEXT)):
            if any(n in text for n in needles):
                return Fault(kind, first_line(item))
    return None


def describe(fault: Fault, where: str) -> str:
    """One line: what happened at ``where`` (a folder or a masked URL) and what helps."""
    if fault.kind == FULL:
        what = (f"{where} is full ({fault.detail}): free some space there, or point REMON_DATA_DIR "
                "(or REMON_DATABASE_URL) at a bigger disk")
    elif fault.kind == READ_ONLY:
        what = (f"{where} cannot be written ({fault.detail}): make it writable for this user, or point "
                "REMON_DATA_DIR (or REMON_DATABASE_URL) at a writable folder")
    elif fault.kind == IO:
        what = (f"{where} failed to write ({fault.detail}): the disk is probably full or read-only; check "
                "free space and permissions there, or point REMON_DATA_DIR (or REMON_DATABASE_URL) elsewhere")
    else:
        what = f"{where} is unreachable ({fault.detail}): check that the database server is running"
    return what


def where_of(url: str) -> str:
    """Where a database URL's data lives, for messages: a SQLite file's folder, else the masked URL."""
    from worker.common.mask import mask_url

    for prefix in ("sqla+sqlite:///", "sqlalchemy+sqlite:///", "sqlite:///"):
        if url.startswith(prefix):
            path = url.removeprefix(prefix).split("?", 1)[0]
            return f"the data folder {Path(path).resolve().parent}" if path and path != ":memory:" else "SQLite"
    return f"the database at {mask_url(url)}"


class FaultLog:
    """Log a storage fault once per episode (per ``where``), and its end once; thread-safe.

    An episode ends when a write succeeds after ``quiet`` seconds without a failure: while a folder is
    read-only, connections opened before keep working and new ones fail, and a log that flipped
    between "cannot be written" and "writable again" on every write would be as noisy as none.
    """

    def __init__(self, logger: logging.Logger, *, quiet: float = 5.0) -> None:
        self.log = logger
        self.quiet = quiet
        self._open: dict[str, tuple[str, float]] = {}  # where -> (kind, time of the last failure)
        self._lock = threading.Lock()

    def failed(self, exc: BaseException, where: str, *, action: str = "remon waits and retries") -> Fault | None:
        """Record a failed write at ``where``; log its line if this starts an episode. None if not a fault."""
        fault = classify(exc)
        if fault is None:
            return None
        with self._lock:
            known = self._open.get(where)
            self._open[where] = (fault.kind, time.monotonic())
        if known is None or known[0] != fault.kind:
            self.log.warning("%s; %s", describe(fault, where), action)
        return fault

    def succeeded(self, where: str) -> None:
        """A write at ``where`` worked: end its episode (one line) once it has been quiet for a while."""
        if where not in self._open:  # the common case: no lock, no log
            return
        with self._lock:
            known = self._open.get(where)
            if known is None or time.monotonic() - known[1] < self.quiet:
                return
            del self._open[where]
        self.log.warning("%s can be written again; resuming", where)

    def active(self, where: str) -> bool:
        return where in self._open


# the process's log of data-database faults (tasks, leases, the CLI); the broker keeps its own
DATA = FaultLog(logging.getLogger("remon.storage"))
