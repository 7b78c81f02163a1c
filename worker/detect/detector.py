"""The pure change detector: stored state + one article's analysis → the changes worth an alert.

Rules (SCHEMA.md "Alerts"): articles count in publication order; a metric's current value is
the value of its latest alert, and a new value alerts only when it differs from it by the
configured tolerance; older articles add history silently; an actor's stance alerts when it
differs from its latest known position; a claim alerts when no earlier article carried it
(near-duplicates included); a syndicated copy raises nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from worker.config import Thresholds
from worker.detect.state import ArticleContext, DetectorState, MetricPoint, PositionPoint
from worker.types import Analysis, Change, Stance, Statistic


@dataclass(frozen=True)
class Decision:
    """The changes to alert, and which of the article's statistics became current values."""

    changes: tuple[Change, ...]
    alerted_statistics: tuple[bool, ...]


def differs(new: Statistic, current: MetricPoint, th: Thresholds) -> bool:
    """True when ``new`` is a change, not a repeat, of the metric's current value."""
    if new.unit != current.unit:
        return True
    delta = abs(new.value - current.value)
    relative = delta / max(abs(current.value), 1e-9)
    if new.approx or current.approx:
        return relative >= th.hedged_relative
    if new.unit == "percent":
        return delta >= th.percent_points
    return relative >= th.relative


def _current(points: list[MetricPoint]) -> MetricPoint | None:
    alerted = [p for p in points if p.alerted]
    return max(alerted, key=lambda p: p.published) if alerted else None


def _previous(point: MetricPoint) -> dict[str, Any]:
    return {"value": point.value, "value_high": point.value_high, "unit": point.unit, "approx": point.approx,
            "article_url": point.article_url, "published": point.published, "source": point.source}


def _latest_position(history: list[PositionPoint]) -> PositionPoint | None:
    """Storage keeps one (net) position per actor and article; the latest published wins."""
    return max(history, key=lambda p: p.published) if history else None


def net_positions(analysis: Analysis) -> dict[str, Stance]:
    """One position per actor per article: the most confident, the first on a tie."""
    best: dict[str, Stance] = {}
    for stance in analysis.stances:
        if stance.actor not in best or stance.confidence > best[stance.actor].confidence:
            best[stance.actor] = stance
    return best


def default_same_claim(a: str, b: str) -> bool:
    return a == b


def detect(state: DetectorState, analysis: Analysis, ctx: ArticleContext, th: Thresholds,
           same_claim: Callable[[str, str], bool] = default_same_claim) -> Decision:
    """Decide what in ``analysis`` is new or changed given ``state`` (pure: no I/O)."""
    if ctx.is_duplicate:
        return Decision((), tuple(False for _ in analysis.statistics))
    changes: list[Change] = []
    alerted: list[bool] = []
    series = {k: list(v) for k, v in state.metrics.items()}
    for i, stat in enumerate(analysis.statistics):
        key = stat.metric_key
        if key is None:
            alerted.append(False)
            continue
        points = series.setdefault(key, [])
        current = _current(points)
        change: Change | None = None
        if current is None:
            change = Change(kind="new_statistic", key=f"stat:{ctx.article_id}:{key}:{i}", statistic=stat,
                            details={"metric_key": key})
        elif ctx.published >= current.published and differs(stat, current, th):
            change = Change(kind="changed_statistic", key=f"stat:{ctx.article_id}:{key}:{i}", statistic=stat,
                            previous=_previous(current), details={"metric_key": key})
        if change:
            changes.append(change)
        alerted.append(change is not None)
        points.append(MetricPoint(value=stat.value, unit=stat.unit, published=ctx.published,
                                  article_id=ctx.article_id, approx=stat.approx, value_high=stat.value_high,
                                  article_url=ctx.url, source=ctx.source, alerted=change is not None))
    for actor, stance in net_positions(analysis).items():
        latest = _latest_position(list(state.positions.get(actor, ())))
        if latest is not None and (ctx.published < latest.published or latest.position == stance.position):
            continue
        changes.append(Change(kind="stance_shift", key=f"stance:{ctx.article_id}:{actor}:{stance.position}",
                              stance=stance, previous_position=latest.position if latest else None,
                              details={"actor": actor}))
    known = [c.fingerprint for c in state.claims]
    for claim in analysis.claims:
        if not claim.fingerprint or any(same_claim(claim.fingerprint, k) for k in known):
            continue
        known.append(claim.fingerprint)
        changes.append(Change(kind="new_claim", key=f"claim:{claim.fingerprint}", claim=claim,
                              details={"speaker": claim.speaker}))
    return Decision(tuple(changes), tuple(alerted))
