"""What the detector needs to know about the past, and what it asks storage to remember.

These are frozen values so the detector stays pure: storage loads them, the detector reads
them, and the ``Decision`` it returns says exactly which rows to add. ``Decision.apply``
folds a decision into a state, so a replay (tests, a backfill) needs no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from worker.types import Change


def aware(moment: datetime) -> datetime:
    """Naive datetimes are UTC: comparing naive with aware would raise deep in a worker."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class MetricPoint:
    """One value seen for a metric key; ``alerted`` marks the values that raised an alert.

    The metric's *current value* is its latest alerted point: repeats in between only
    corroborate it, so a slow drift never goes unnoticed (each value is compared with the
    last alerted one, not with the last seen one).
    """

    value: float
    value_high: float | None
    unit: str
    approx: bool
    published: datetime
    article_id: int | str
    article_url: str
    source: str | None
    alerted: bool


@dataclass(frozen=True)
class PositionPoint:
    """One position an article stated for an actor (several per article are allowed)."""

    position: str
    published: datetime
    article_id: int | str
    confidence: float = 0.5


@dataclass(frozen=True)
class KnownClaim:
    """A claim some article already carried; ``fingerprint`` identifies near-duplicates."""

    fingerprint: str
    speaker: str | None
    text: str


def _ordered(points: Sequence[MetricPoint] | Sequence[PositionPoint]) -> list[int]:
    # Stable: equal timestamps keep the order storage gave (insertion order).
    return sorted(range(len(points)), key=lambda i: aware(points[i].published))


def net_position(stated: Sequence[PositionPoint], previous: str | None) -> PositionPoint:
    """The one position an article takes for an actor, given the actor's previous position.

    An article that restates the previous position among others confirms it (extractors often
    pick up background sentences: "China, which imposed controls in April, now..."); otherwise
    the most confident position wins, the first in text order on a tie.
    """
    for point in stated:
        if point.position == previous:
            return point
    best = stated[0]
    for point in stated[1:]:
        if point.confidence > best.confidence:
            best = point
    return best


@dataclass(frozen=True)
class DetectorState:
    """Everything the detector reads: per metric key its points, per actor its positions.

    Points may come in any order; ties on ``published`` are broken by their order in the tuple,
    so storage should give them by (published, id).
    """

    metrics: Mapping[str, Sequence[MetricPoint]] = field(default_factory=dict)
    positions: Mapping[str, Sequence[PositionPoint]] = field(default_factory=dict)
    claims: Sequence[KnownClaim] = ()

    def current(self, metric_key: str) -> MetricPoint | None:
        """The metric's current value: its latest alerted point (None before the first alert)."""
        points = self.metrics.get(metric_key, ())
        alerted = [i for i in _ordered(points) if points[i].alerted]
        return points[alerted[-1]] if alerted else None

    def latest_position(self, actor: str) -> PositionPoint | None:
        """The actor's latest known position: the net position of its latest article.

        Articles are folded in publication order; each article's net position is chosen by
        ``net_position`` against the one before, exactly as the detector chose it.
        """
        points = self.positions.get(actor, ())
        groups: dict[int | str, list[PositionPoint]] = {}
        for i in _ordered(points):
            groups.setdefault(points[i].article_id, []).append(points[i])
        latest: PositionPoint | None = None
        # dicts keep insertion order: articles by their first point's (published, order)
        for group in groups.values():
            latest = net_position(group, latest.position if latest else None)
        return latest


@dataclass(frozen=True)
class ArticleContext:
    """The article an analysis came from; ``is_duplicate`` marks a syndicated copy."""

    article_id: int | str
    url: str
    source: str | None
    published: datetime
    is_duplicate: bool = False
    title: str = ""


@dataclass(frozen=True)
class MetricUpdate:
    """A point to store for ``metric_key``; ``index`` is the statistic's index in the analysis."""

    metric_key: str
    index: int
    point: MetricPoint


@dataclass(frozen=True)
class PositionUpdate:
    """A position to store for ``actor`` (``alerted`` when it raised a stance_shift)."""

    actor: str
    point: PositionPoint
    alerted: bool


@dataclass(frozen=True)
class Decision:
    """What one article changes: the alerts to write and the history rows to add.

    Write all of it in the same transaction as the analysis: the change keys are
    deterministic, so a rerun of the same article produces the same keys (unique in storage).
    """

    changes: tuple[Change, ...] = ()
    metric_points: tuple[MetricUpdate, ...] = ()
    positions: tuple[PositionUpdate, ...] = ()
    claims: tuple[KnownClaim, ...] = ()
    alerted_statistics: tuple[bool, ...] = ()
    corroboration: Mapping[str, int] = field(default_factory=dict)

    def apply(self, state: DetectorState) -> DetectorState:
        """The state after storing this decision (what storage would load next time)."""
        metrics: dict[str, tuple[MetricPoint, ...]] = {k: tuple(v) for k, v in state.metrics.items()}
        for update in self.metric_points:
            metrics[update.metric_key] = (*metrics.get(update.metric_key, ()), update.point)
        positions: dict[str, tuple[PositionPoint, ...]] = {k: tuple(v) for k, v in state.positions.items()}
        for pos in self.positions:
            positions[pos.actor] = (*positions.get(pos.actor, ()), pos.point)
        return DetectorState(metrics=metrics, positions=positions, claims=(*state.claims, *self.claims))
