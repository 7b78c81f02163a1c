"""The confidence gate: send a change now, hold it unconfirmed, or send it as confirmed.

Why: a user who gets three wrong alerts stops reading the fourth. Each statistic and stance
carries a calibrated ``confidence`` (docs/extraction.md); the gate turns it into urgency. The
rules, in full (docs/alerts.md):

1. Only ``new_statistic``, ``changed_statistic`` and ``stance_shift`` are gated; claims and
   source health go out as before.
2. A change that agrees with a held (unconfirmed) item of an *independent* publisher is sent at
   once as confirmed: "Confirmed by 2 sources", linking both; the held items are marked confirmed.
   Agreeing: the same metric key with a value within the detector's tolerance (``differs``), or the
   same actor and position. Independent: another publisher (the article URL's host, ``www.``
   dropped) and another article. Syndicated copies never get here: the detector raises nothing on
   them (worker/scrape/dedup.py marks them).
3. Else a change whose confidence is at or above the threshold is sent now.
4. Else it is held unconfirmed. A held item that no second source confirms within
   ``REMON_UNCONFIRMED_MAX_DAYS`` expires (``expiry_cutoff``): kept, never alerted, and no later
   source can confirm it (a later low-confidence statement is held on its own).

The threshold is ``REMON_ALERT_MIN_CONFIDENCE`` unless the first routing rule that matches the
change and sets ``min_confidence`` says otherwise. Nothing here does I/O: the caller loads the held
items and stores the verdict in the analysis transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

from worker.alert.route import change_facets
from worker.config import Routing, Thresholds
from worker.detect.detector import differs
from worker.detect.state import MetricPoint
from worker.types import Change

GATED_KINDS = ("new_statistic", "changed_statistic", "stance_shift")
Action = Literal["send", "hold", "confirm"]


@dataclass(frozen=True)
class Held:
    """An unconfirmed item waiting for a second source (what storage keeps of it)."""

    id: int
    match_key: str
    publisher: str
    article_id: int
    confidence: float
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    approx: bool = False
    position: str | None = None
    article_url: str | None = None
    source: str | None = None
    published: datetime | None = None


@dataclass(frozen=True)
class Verdict:
    """What to do with one change; ``confirms`` are the held items it confirms (action confirm)."""

    action: Action
    confidence: float | None
    threshold: float
    confirms: tuple[Held, ...] = ()


def publisher_of(url: str | None) -> str:
    """Who published an article: its URL's host (with port), lower case, without ``www.``."""
    try:
        host = urlsplit(url or "").netloc.lower()
    except ValueError:
        return ""
    host = host.rpartition("@")[2]
    return host[4:] if host.startswith("www.") else host


def match_key(change: Change) -> str | None:
    """What two sources must share to agree: the metric key, or the actor of a stance."""
    if change.statistic is not None and change.statistic.metric_key:
        return f"metric:{change.statistic.metric_key}"
    if change.stance is not None:
        return f"stance:{change.stance.actor}"
    return None


def confidence_of(change: Change) -> float | None:
    if change.statistic is not None:
        return change.statistic.confidence
    if change.stance is not None:
        return change.stance.confidence
    return None


def threshold_for(change: Change, routing: Routing, default: float) -> float:
    """The gate's threshold for a change: the first matching rule's ``min_confidence``, else ``default``."""
    kind, material, actor = change_facets(change)
    for rule in routing.rules:
        if rule.min_confidence is None:
            continue
        if rule.kinds and kind not in rule.kinds:
            continue
        if rule.materials and material not in rule.materials:
            continue
        if rule.actors and actor not in rule.actors:
            continue
        return rule.min_confidence
    return default


def agrees(change: Change, held: Held, th: Thresholds) -> bool:
    """Does ``change`` state what ``held`` states (same value within tolerance, or same position)?"""
    if match_key(change) != held.match_key:
        return False
    if change.statistic is not None:
        s = change.statistic
        if held.value is None or held.unit is None:
            return False
        point = MetricPoint(held.value, held.value_high, held.unit, held.approx,
                            held.published or datetime.min, held.article_id, held.article_url or "",
                            held.source, True)
        if differs(s.value, s.unit, s.approx, point, th):
            return False
        if s.value_high is not None and held.value_high is not None:
            high = MetricPoint(held.value_high, None, held.unit, held.approx, point.published,
                               held.article_id, point.article_url, held.source, True)
            return not differs(s.value_high, s.unit, s.approx, high, th)
        return True
    return change.stance is not None and held.position == change.stance.position


def decide(change: Change, *, publisher: str, article_id: int, held: Sequence[Held], threshold: float,
           th: Thresholds) -> Verdict:
    """Send now, hold unconfirmed, or send as confirmed by the held items it agrees with (rules 1–4)."""
    confidence = confidence_of(change)
    if change.kind not in GATED_KINDS or confidence is None:
        return Verdict("send", confidence, threshold)
    independent = [h for h in held if h.publisher != publisher and h.article_id != article_id]
    confirms = tuple(h for h in independent if agrees(change, h, th))
    if confirms:
        # one held item per publisher: "confirmed by N sources" counts publishers
        first: dict[str, Held] = {}
        for h in confirms:
            first.setdefault(h.publisher, h)
        return Verdict("confirm", confidence, threshold, tuple(first.values()))
    if confidence >= threshold:
        return Verdict("send", confidence, threshold)
    return Verdict("hold", confidence, threshold)


def expiry_cutoff(now: datetime, max_days: int) -> datetime | None:
    """Held items held before this moment have waited ``max_days`` for a second source in vain and
    expire (``REMON_UNCONFIRMED_MAX_DAYS``); None when they never expire (0 days)."""
    if max_days <= 0:
        return None
    return now - timedelta(days=max_days)
