"""When to poll a source next: a pure policy, so it is tested as a table, not with clocks.

Polite polling means: never more often than the source's interval, nor than the server asks
(``Cache-Control: max-age``, RSS ``<ttl>``, ``Retry-After``), each within bounds so a typo of
``ttl=100000`` cannot silence a source for months; on failures, capped exponential backoff, never
giving up for good (a ministry site down for a week must be noticed when it is back); and jitter,
so a restart or a shared interval does not poll every source in the same second.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable

MIN_DELAY = 60.0  # never hammer a source, whatever the watch file says
MAX_DELAY = 24 * 3600.0  # a server hint longer than a day is capped at a day
MAX_BACKOFF = 6 * 3600.0  # failing sources are retried at least this often
DEFAULT_JITTER = 0.1  # +/- 10 %

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def max_age_from_cache_control(header: str | None) -> int | None:
    """``max-age`` of a Cache-Control header, None when absent or when caching is refused."""
    if not header:
        return None
    if re.search(r"\b(no-store|no-cache)\b", header, re.IGNORECASE):
        return None
    match = _MAX_AGE.search(header)
    return int(match.group(1)) if match else None


def next_poll_delay(
    *,
    interval: float,
    max_age: float | None = None,
    ttl: float | None = None,
    retry_after: float | None = None,
    failures: int = 0,
    jitter: float = DEFAULT_JITTER,
    min_delay: float = MIN_DELAY,
    max_delay: float = MAX_DELAY,
    max_backoff: float = MAX_BACKOFF,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds until the next poll of a source.

    ``interval`` is the source's own period; ``max_age`` / ``ttl`` (seconds) / ``retry_after``
    are the server's hints from the last answer; ``failures`` is the consecutive-failure count
    *including* the last poll. The result is always finite and within
    ``[min_delay, max(max_delay, max_backoff)]``.
    """
    base = max(float(interval), min_delay)
    hints = [h for h in (max_age, ttl) if h is not None and h > 0]
    if hints:
        base = max(base, min(max(hints), max_delay))
    if failures > 0:
        ceiling = max(max_backoff, base)
        base = min(base * 2.0 ** min(failures - 1, 32), ceiling)
    if retry_after is not None and retry_after > 0:
        base = max(base, min(retry_after, max_delay))
    delay = base * (1.0 + jitter * (2.0 * rand() - 1.0)) if jitter > 0 else base
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(retry_after, max_delay))  # jitter never undercuts an explicit wait
    return min(max(delay, min_delay), max(max_delay, max_backoff, base))


def startup_offset(source_key: str, interval: float) -> float:
    """A stable offset in ``[0, interval)`` for a source's first poll after a (re)start.

    Derived from the source's key, so every restart spreads sources the same way across the
    interval instead of polling all of them at once.
    """
    digest = hashlib.sha256(source_key.encode("utf-8")).digest()
    return (int.from_bytes(digest[:8], "big") / 2**64) * max(float(interval), 0.0)
