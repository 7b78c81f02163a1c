"""A per-host limit on concurrent fetches that holds across worker processes.

With a Redis broker the slots live in Redis (one sorted set per host, members expire), so the
limit holds across hosts running workers; on the embedded default every worker runs on one
machine, and the slots are lock files under the data directory (``fcntl`` locks vanish with
a killed process, so a crash never leaks a slot).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from worker.config import Settings
from worker.errors import FetchError

log = logging.getLogger("remon.politeness")

_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""


class HostGate:
    """``with gate.slot(url): fetch(...)`` waits while ``per_host`` fetches to that host run anywhere."""

    def __init__(self, settings: Settings, *, lease: float | None = None) -> None:
        self.per_host = settings.per_host_concurrency
        # A Redis slot outlives a killed worker until its lease ends, so the lease is one fetch's
        # budget plus a margin, well inside the 60 s a waiting fetch gives up after: a crash must
        # not make a host unreachable (it was 120 s, and waiting articles failed fetch.host_busy).
        self.lease = lease if lease is not None else settings.fetch_timeout + 10.0
        self.lock_dir = settings.data_dir / "host-slots"
        self._warned = False
        self._redis: Any = None
        if settings.broker_url_value.startswith(("redis://", "rediss://")):
            import redis

            self._redis = redis.Redis.from_url(settings.broker_url_value, socket_timeout=5)
            self._script = self._redis.register_script(_ACQUIRE)

    @contextlib.contextmanager
    def slot(self, url: str, *, timeout: float = 60.0) -> Iterator[None]:
        host = (urlsplit(url).hostname or "unknown").lower()
        deadline = time.monotonic() + timeout
        release = self._acquire(host, deadline, url)
        try:
            yield
        finally:
            release()

    def _acquire(self, host: str, deadline: float, url: str) -> Any:
        delay = 0.05
        while True:
            release = self._try_redis(host) if self._redis is not None else self._try_file(host)
            if release is not None:
                return release
            if time.monotonic() >= deadline:
                raise FetchError(f"{self.per_host} fetches to {host} were already running and none finished "
                                 "in time", code="fetch.host_busy", resource=url)
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def _try_redis(self, host: str) -> Any:
        key, token, now = f"remon:host-slots:{host}", uuid.uuid4().hex, time.time()
        try:
            ok = self._script(keys=[key], args=[now, self.per_host, now + self.lease, token, int(self.lease) + 60])
        except Exception:  # the broker is away: politeness must not stop the pipeline
            return lambda: None
        if not ok:
            return None
        return lambda: self._redis.zrem(key, token)

    def _try_file(self, host: str) -> Any:
        safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in host)[:100]
        for i in range(self.per_host):
            path = Path(self.lock_dir, f"{safe}.{i}.lock")
            try:
                fd = _open_lock(path)
            except OSError as exc:  # a full or read-only data folder: fetch without the limit meanwhile
                if not self._warned:
                    self._warned = True
                    log.warning("the per-host fetch limit is off while %s cannot be written (%s)", self.lock_dir,
                                exc.strerror or exc)
                return lambda: None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue

            def release(fd: int = fd) -> None:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

            return release
        return None


def _open_lock(path: Path) -> int:
    """A lock file's descriptor: created if need be; an existing file opens read-only in a read-only
    folder (``flock`` works on any descriptor)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError:
        return os.open(path, os.O_RDONLY)
