"""A per-host concurrency limit for one worker process.

Several sources often live on one host (a ministry's five announcement lists, a news site's
section feeds), and articles from one search feed cluster on a few publishers. Politeness means
never opening more than a couple of connections to one host at a time, whatever the queue holds.
This limiter holds within a process (threads); across Celery worker processes the task layer's
queue routing / rate limits are the tool.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from worker.errors import FetchError

DEFAULT_PER_HOST = 2


class HostLimiter:
    """``with limiter.slot(url): fetch(url, ...)`` waits while ``per_host`` fetches to that host run."""

    def __init__(self, per_host: int = DEFAULT_PER_HOST) -> None:
        if per_host < 1:
            raise ValueError("per_host must be at least 1")
        self.per_host = per_host
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    def _semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            if host not in self._slots:
                self._slots[host] = threading.BoundedSemaphore(self.per_host)
            return self._slots[host]

    @contextmanager
    def slot(self, url: str, *, timeout: float | None = None) -> Iterator[None]:
        """Hold one of the host's slots for the duration of the block.

        Raises ``FetchError("fetch.timeout")`` when no slot frees up within ``timeout`` seconds.
        """
        host = (urlsplit(url).hostname or "").lower()
        semaphore = self._semaphore(host)
        if not semaphore.acquire(timeout=timeout):
            raise FetchError(f"{self.per_host} fetches to {host} are already running and none finished "
                             f"within {timeout:g} s", code="fetch.timeout", resource=url)
        try:
            yield
        finally:
            semaphore.release()
