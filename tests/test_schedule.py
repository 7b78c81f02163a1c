"""The polling policy as a table: intervals, server hints, backoff, jitter, bounds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worker.sources.schedule import (
    MAX_BACKOFF,
    MAX_DELAY,
    MIN_DELAY,
    max_age_from_cache_control,
    next_poll_delay,
    startup_offset,
)


def mid() -> float:
    return 0.5  # jitter of exactly zero


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"interval": 900}, 900),
    ({"interval": 5}, MIN_DELAY),  # never hammer
    ({"interval": 900, "max_age": 3600}, 3600),  # the server asks for less: honour it
    ({"interval": 900, "max_age": 60}, 900),  # ... but never poll more than our own interval
    ({"interval": 900, "ttl": 7200}, 7200),
    ({"interval": 900, "ttl": 10**9}, MAX_DELAY),  # a silly ttl is capped
    ({"interval": 900, "retry_after": 5000}, 5000),
    ({"interval": 900, "retry_after": 10**9}, MAX_DELAY),
    ({"interval": 900, "failures": 1}, 900),
    ({"interval": 900, "failures": 2}, 1800),
    ({"interval": 900, "failures": 3}, 3600),
    ({"interval": 900, "failures": 50}, MAX_BACKOFF),  # capped, never infinite
    ({"interval": 900, "failures": 10**6}, MAX_BACKOFF),
    ({"interval": 86400, "failures": 5}, 86400),  # backoff never shortens a long interval
    ({"interval": 900, "failures": 3, "retry_after": 7200}, 7200),
    ({"interval": 900, "failures": 2, "retry_after": 60}, 1800),
])
def test_policy_table(kwargs: dict[str, float], expected: float) -> None:
    assert next_poll_delay(rand=mid, **kwargs) == pytest.approx(expected)  # type: ignore[arg-type]


def test_jitter_spreads_within_ten_percent() -> None:
    low = next_poll_delay(interval=1000, rand=lambda: 0.0)
    high = next_poll_delay(interval=1000, rand=lambda: 0.999999)
    assert low == pytest.approx(900) and high == pytest.approx(1100, rel=1e-3)
    assert next_poll_delay(interval=1000, jitter=0) == 1000


def test_jitter_never_undercuts_retry_after() -> None:
    assert next_poll_delay(interval=60, retry_after=3000, rand=lambda: 0.0) >= 3000


@given(interval=st.floats(0, 10**7), max_age=st.none() | st.floats(-10, 10**9),
       ttl=st.none() | st.floats(-10, 10**9), retry_after=st.none() | st.floats(-10, 10**9),
       failures=st.integers(0, 10**6), r=st.floats(0, 0.999999))
def test_always_finite_and_bounded(interval: float, max_age: float | None, ttl: float | None,
                                   retry_after: float | None, failures: int, r: float) -> None:
    delay = next_poll_delay(interval=interval, max_age=max_age, ttl=ttl, retry_after=retry_after,
                            failures=failures, rand=lambda: r)
    assert MIN_DELAY <= delay <= max(MAX_DELAY, interval * 1.1 + 1)


@pytest.mark.parametrize(("header", "seconds"), [
    ("max-age=600", 600), ("public, max-age=300, must-revalidate", 300), ('max-age="120"', 120),
    ("s-maxage=100", None), ("s-max-age=100", None), ("no-cache, max-age=600", None), ("no-store", None),
    ("", None), (None, None), ("private", None),
])
def test_cache_control(header: str | None, seconds: int | None) -> None:
    assert max_age_from_cache_control(header) == seconds


def test_startup_offset_is_stable_and_spread() -> None:
    offsets = [startup_offset(f"source-{i}", 900) for i in range(200)]
    assert offsets[0] == startup_offset("source-0", 900)
    assert all(0 <= o < 900 for o in offsets)
    assert max(offsets) - min(offsets) > 700  # not all at once
