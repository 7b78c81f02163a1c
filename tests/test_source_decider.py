"""The source-health decider (``worker.sources.health.decide``) and the source-kind registry, as tables.

The decider is pure: a stored state and a typed poll outcome in, every health column, the entries
to store and the episode's one health alert out. ``rand`` is fixed at the middle (no jitter).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from worker.errors import FetchError, SourceError
from worker.fetch.client import FetchStatusError
from worker.sources.health import MAX_BACKOFF, Failed, Fetched, SourceState, decide
from worker.sources.kinds import KINDS, body_hash, kind_of, parse_source
from worker.types import FeedEntry, FetchResult, ParsedFeed

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(days=2)
STATE = SourceState(id=7, url="https://wire.example/feed.xml", name="wire", interval=900, etag='"v1"',
                    last_modified="Sat, 28 Feb 2026 10:00:00 GMT", feed_ttl=None, body_hash="h1",
                    last_success_at=EARLIER)
BOOM = Failed(code="fetch.timeout", message="timed out")


def run(state: SourceState, outcome: Fetched | Failed, failing_after: int = 3):  # type: ignore[no-untyped-def]
    return decide(state, outcome, now=NOW, failing_after=failing_after, rand=lambda: 0.5)


@pytest.mark.parametrize(("before", "alerted", "failing_after", "count", "delay", "alert", "flag"), [
    (0, False, 3, 1, timedelta(seconds=900), None, False),              # first failure: the interval, no alert
    (1, False, 3, 2, timedelta(seconds=1800), None, False),             # backoff doubles
    (2, False, 3, 3, timedelta(seconds=3600), "source_failing", True),  # the threshold: alert once
    (10, True, 3, 11, MAX_BACKOFF, None, True),                         # already alerted; backoff capped
    (0, False, 1, 1, timedelta(seconds=900), "source_failing", True),   # failing_after 1
    (5, False, 5, 6, MAX_BACKOFF, "source_failing", True),              # missed the exact count (a crash): once
])
def test_a_failure_counts_backs_off_and_alerts_once(before: int, alerted: bool, failing_after: int, count: int,
                                                    delay: timedelta, alert: str | None, flag: bool) -> None:
    state = replace(STATE, error_count=before, failing_alerted=alerted)
    update = run(state, BOOM, failing_after)
    assert (update.error_count, update.error_code, update.error_message) == (count, "fetch.timeout", "timed out")
    assert update.next_check_at - NOW == delay and update.checked_at == NOW
    assert (update.alert.kind if update.alert else None) == alert and update.failing_alerted is flag
    # a failure keeps what the last success left: validators, body hash, last success
    assert (update.etag, update.last_modified, update.body_hash, update.last_success_at) == (
        '"v1"', STATE.last_modified, "h1", EARLIER)
    assert update.entries == ()


def test_the_failing_alert_names_the_episode_and_the_new_count() -> None:
    update = run(replace(STATE, error_count=2), BOOM)
    assert update.alert is not None
    assert update.alert.key == f"source_failing:7:{EARLIER.isoformat()}:3"
    assert dict(update.alert.details) == {"source": "wire", "url": STATE.url, "error_code": "fetch.timeout",
                                          "error_message": "timed out", "failures": 3}


@pytest.mark.parametrize(("error", "retry_after"), [
    (FetchStatusError("503", code="fetch.http_status", resource=None, status=503, retry_after=7200.0), 7200.0),
    (FetchStatusError("500", code="fetch.http_status", resource=None, status=500), None),
    (FetchError("refused", code="fetch.ssrf"), None),
    (SourceError("not a feed"), None),
])
def test_a_failed_outcome_is_typed_from_the_error(error: FetchError, retry_after: float | None) -> None:
    outcome = Failed.of(error)
    assert (outcome.code, outcome.retry_after) == (error.code, retry_after)
    update = run(STATE, outcome)
    assert update.next_check_at - NOW == timedelta(seconds=retry_after or 900)  # the server's wait wins


def test_a_long_error_message_is_cut() -> None:
    assert len(run(STATE, Failed(code="x", message="m" * 5000)).error_message or "") == 2000


FEED = ParsedFeed(entries=(FeedEntry(url="https://wire.example/a?utm_source=rss", title="A"),
                           FeedEntry(url="", title="no link"),
                           FeedEntry(url="https://wire.example/b", title="B")), ttl_seconds=3600, problem=None)


@pytest.mark.parametrize(("outcome", "etag", "ttl", "delay", "hash_", "entries"), [
    # a 304: nothing parsed, the old validators and hash stay
    (Fetched(), '"v1"', None, timedelta(seconds=900), "h1", 0),
    # new validators and a body: entries with a link, at their canonical URLs; the feed's ttl counts
    (Fetched(etag='"v2"', body_hash="h2", parsed=FEED), '"v2"', 3600, timedelta(seconds=3600), "h2", 2),
    # Cache-Control max-age longer than the interval
    (Fetched(cache_control="public, max-age=7200"), '"v1"', None, timedelta(seconds=7200), "h1", 0),
    # no-cache: the hint is refused, the interval holds
    (Fetched(cache_control="no-cache, max-age=7200"), '"v1"', None, timedelta(seconds=900), "h1", 0),
])
def test_a_success_resets_keeps_validators_and_follows_hints(outcome: Fetched, etag: str, ttl: int | None,
                                                           delay: timedelta, hash_: str, entries: int) -> None:
    update = run(replace(STATE, error_count=2, error_code="fetch.timeout", error_message="old"), outcome)
    assert (update.error_count, update.error_code, update.error_message) == (0, None, None)
    assert (update.etag, update.feed_ttl, update.body_hash) == (etag, ttl, hash_)
    assert update.last_success_at == NOW and update.next_check_at - NOW == delay
    assert len(update.entries) == entries and update.alert is None and update.failing_alerted is False


def test_entries_are_stored_at_their_canonical_url() -> None:
    urls = [url for url, _ in run(STATE, Fetched(parsed=FEED)).entries]
    assert urls == ["https://wire.example/a", "https://wire.example/b"]


def test_recovery_alerts_once_with_the_state_before_the_reset() -> None:
    state = replace(STATE, error_count=4, error_code="fetch.timeout", failing_alerted=True)
    update = run(state, Fetched())
    assert update.alert is not None and update.alert.kind == "source_recovered"
    assert update.alert.key == f"source_recovered:7:{EARLIER.isoformat()}:4"
    assert update.alert.details["error_code"] == "fetch.timeout" and update.failing_alerted is False
    assert run(replace(state, failing_alerted=False), Fetched()).alert is None


def test_a_parse_problem_is_kept_until_the_next_parse() -> None:
    state = replace(STATE, problem="malformed XML")
    assert run(state, Fetched()).problem == "malformed XML"  # unchanged body: not parsed again
    assert run(state, Fetched(parsed=FEED)).problem is None
    assert run(state, BOOM).problem == "malformed XML"


def test_fetched_reads_a_fetch_result_typed() -> None:
    result = FetchResult(url=STATE.url, status=200, headers={"cache-control": "max-age=60"}, content=b"",
                         etag='"e"', last_modified="lm")
    assert Fetched.of(result, parsed=None, body_hash="h") == Fetched(etag='"e"', last_modified="lm",
                                                                     cache_control="max-age=60", body_hash="h")


RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
       b"<item><title>One</title><link>https://wire.example/one</link></item></channel></rss>")
LISTING = b'<html><body><ul><li class="n"><a href="/two">Two</a></li></ul></body></html>'


@pytest.mark.parametrize(("kind", "options", "content", "url"), [
    ("feed", {}, RSS, "https://wire.example/one"),
    ("html", {"selectors": {"item": "li.n"}}, LISTING, "https://wire.example/two"),
    ("newer-kind", {}, RSS, "https://wire.example/one"),  # unknown: read as a feed, as before the registry
    (None, {}, RSS, "https://wire.example/one"),
])
def test_the_kind_registry_reads_each_kind(kind: str | None, options: dict[str, object], content: bytes,
                                           url: str) -> None:
    parsed = parse_source(kind, options, content, {"content-type": "text/html; charset=utf-8"},
                          "https://wire.example/")
    assert [e.url for e in parsed.entries] == [url]


def test_the_registry_matches_the_stored_kinds_and_the_hash_names_kind_and_options() -> None:
    assert set(KINDS) == {"feed", "html"} and kind_of("html").name == "html"
    hashes = {body_hash("feed", {}, b"x"), body_hash("html", {}, b"x"), body_hash("html", {"a": 1}, b"x"),
              body_hash("feed", {}, b"y")}
    assert len(hashes) == 4 and body_hash("feed", {}, b"x") == body_hash("feed", {}, b"x")
