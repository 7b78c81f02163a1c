"""A source's health after a poll, decided from its stored state and what the poll gave: a pure function.

In the manner of lemon24/reader's update ``Decider``: the caller loads a :class:`SourceState`,
builds a typed outcome (:class:`Fetched` or :class:`Failed`), and :func:`decide` returns the whole
:class:`SourceUpdate` (counters, validators, when to poll next, the canonical URL of every entry and
the one health alert an episode raises); storage then writes it as given. Nothing here reads a clock
or a database, so the policy is tested as a table (``tests/test_source_decider.py``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from worker.errors import RemonError
from worker.fetch.client import FetchStatusError
from worker.scrape.canonical import canonical_url
from worker.sources.schedule import max_age_from_cache_control, next_poll_delay
from worker.sources.search import unwrap_redirect
from worker.types import Change, FeedEntry, FetchResult, ParsedFeed

MAX_BACKOFF = timedelta(hours=6)
MAX_ERROR_MESSAGE = 2000  # characters of an error message kept on the source


@dataclass(frozen=True)
class SourceState:
    """The stored columns the decision reads (``storage.pipeline.source_state`` loads them)."""

    id: int
    url: str
    name: str | None = None
    interval: int = 900
    error_count: int = 0
    error_code: str | None = None
    error_message: str | None = None
    failing_alerted: bool = False
    last_success_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    feed_ttl: int | None = None
    body_hash: str | None = None
    problem: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.url


@dataclass(frozen=True)
class Fetched:
    """The poll was answered. ``parsed`` is None when nothing changed: a 304, or the same body as last
    time (whose hash is ``body_hash``)."""

    etag: str | None = None
    last_modified: str | None = None
    cache_control: str | None = None
    body_hash: str | None = None
    parsed: ParsedFeed | None = None

    @classmethod
    def of(cls, result: FetchResult, *, parsed: ParsedFeed | None, body_hash: str | None) -> Fetched:
        return cls(etag=result.etag, last_modified=result.last_modified,
                   cache_control=(result.headers or {}).get("cache-control"), body_hash=body_hash, parsed=parsed)


@dataclass(frozen=True)
class Failed:
    """The poll failed with a stable ``code``; ``retry_after`` (s) when the server asked us to wait."""

    code: str
    message: str
    retry_after: float | None = None

    @classmethod
    def of(cls, error: RemonError) -> Failed:
        retry_after = error.retry_after if isinstance(error, FetchStatusError) else None
        return cls(code=error.code, message=error.message, retry_after=retry_after)


PollOutcome = Fetched | Failed


@dataclass(frozen=True)
class SourceUpdate:
    """Every health column of the source after the poll (storage writes them as given), the entries to
    store at their canonical URLs, and the health alert to raise (at most one per episode)."""

    error_count: int
    error_code: str | None
    error_message: str | None
    checked_at: datetime
    last_success_at: datetime | None
    etag: str | None
    last_modified: str | None
    feed_ttl: int | None
    body_hash: str | None
    problem: str | None
    next_check_at: datetime
    failing_alerted: bool
    entries: tuple[tuple[str, FeedEntry], ...] = ()
    alert: Change | None = None


def next_delay(interval: int, failures: int, *, retry_after: float | None = None, max_age: int | None = None,
               ttl: int | None = None, rand: Callable[[], float] = random.random) -> timedelta:
    """The polling policy (``worker.sources.schedule``) with the bounds a stored source gets."""
    return timedelta(seconds=next_poll_delay(interval=interval, max_age=max_age, ttl=ttl, retry_after=retry_after,
                                             failures=failures, min_delay=min(60.0, float(interval)),
                                             max_backoff=MAX_BACKOFF.total_seconds(), rand=rand))


def health_change(state: SourceState, kind: str) -> Change:
    """``source_failing`` / ``source_recovered`` for ``state``: its key names the episode (the last success
    and the failure count), so a redelivered poll raises it once."""
    episode = state.last_success_at.isoformat() if state.last_success_at else "never"
    return Change(kind=kind, key=f"{kind}:{state.id}:{episode}:{state.error_count}",
                  details={"source": state.label, "url": state.url, "error_code": state.error_code,
                           "error_message": state.error_message, "failures": state.error_count})


def entries_to_store(parsed: ParsedFeed) -> tuple[tuple[str, FeedEntry], ...]:
    """A feed's entries at their canonical URLs (a search engine's redirect unwrapped first)."""
    return tuple((canonical_url(unwrap_redirect(e.url)), e) for e in parsed.entries if e.url)


def decide(state: SourceState, outcome: PollOutcome, *, now: datetime, failing_after: int,
           rand: Callable[[], float] = random.random) -> SourceUpdate:
    """The source after one poll: a failure counts and backs off (and raises ``source_failing`` once the
    count reaches ``failing_after``); a success resets the counters, keeps the validators the server
    sent (or the old ones), follows its caching hints, and raises ``source_recovered`` after an alert."""
    if isinstance(outcome, Failed):
        count = state.error_count + 1
        failing = count >= failing_after and not state.failing_alerted
        after = SourceState(**{**state.__dict__, "error_count": count, "error_code": outcome.code,
                               "error_message": outcome.message[:MAX_ERROR_MESSAGE]})
        return SourceUpdate(
            error_count=count, error_code=outcome.code, error_message=after.error_message, checked_at=now,
            last_success_at=state.last_success_at, etag=state.etag, last_modified=state.last_modified,
            feed_ttl=state.feed_ttl, body_hash=state.body_hash, problem=state.problem,
            next_check_at=now + next_delay(state.interval, count, retry_after=outcome.retry_after, rand=rand),
            failing_alerted=state.failing_alerted or failing,
            alert=health_change(after, "source_failing") if failing else None)
    parsed = outcome.parsed
    ttl = parsed.ttl_seconds if parsed is not None else state.feed_ttl
    return SourceUpdate(
        error_count=0, error_code=None, error_message=None, checked_at=now, last_success_at=now,
        etag=outcome.etag or state.etag, last_modified=outcome.last_modified or state.last_modified,
        feed_ttl=ttl, body_hash=outcome.body_hash or state.body_hash,
        problem=parsed.problem if parsed is not None else state.problem,
        next_check_at=now + next_delay(state.interval, 0, max_age=max_age_from_cache_control(outcome.cache_control),
                                       ttl=ttl, rand=rand),
        failing_alerted=False, entries=entries_to_store(parsed) if parsed is not None else (),
        alert=health_change(state, "source_recovered") if state.failing_alerted else None)
