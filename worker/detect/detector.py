"""The pure change detector: stored state + one article's analysis → the changes worth an alert.

Rules (SCHEMA.md "Alerts"), all here so they can be read in one place:

- Articles count in publication order. A metric key is subject/material/measure, all known and
  the measure not ``other``; other statistics are stored by the caller, never alerted.
- ``new_statistic``: the first value ever seen for a metric key.
- ``changed_statistic``: a value that differs from the metric's *current* value (the value of
  its latest alert) by ≥ ``percent_points`` for percent, ≥ ``relative`` for other units, and
  ≥ ``hedged_relative`` where either value is approximate. Smaller differences are repeats that
  corroborate the current value. An article published before the current value's article adds
  history only. Two values for one metric in one article are compared in turn.
- ``stance_shift``: an actor's net position in the article (``state.net_position``) differs
  from its latest known one; the first position seen for an actor counts. An article older than
  the actor's latest position adds history only. At most one shift per actor and article.
- ``new_claim``: an attributed claim (known speaker) that no stored claim nor an earlier claim of
  the same article carries (``same_claim`` decides near-duplicates).
- A syndicated copy (``ctx.is_duplicate``) raises nothing; its statistics are kept as
  corroborating history.

Nothing here does I/O: the caller loads ``DetectorState``, stores ``Decision``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import Any

from worker.config import Thresholds
from worker.detect.state import (
    ArticleContext,
    Decision,
    DetectorState,
    KnownClaim,
    MetricPoint,
    MetricUpdate,
    PositionPoint,
    PositionUpdate,
    aware,
    net_position,
)
from worker.detect.tolerance import values_differ
from worker.types import Analysis, Change, Claim, Statistic

SameClaim = Callable[[str, str], bool]

_EMPTY_FP = "0" * 16


def differs(new_value: float, new_unit: str, new_approx: bool, current: MetricPoint, th: Thresholds) -> bool:
    """True when a value is a change, not a repeat, of the metric's current value (``tolerance``).

    Hedged values get the widest tolerance whatever the unit ("about 90%" and "92%" agree);
    units that convert (kg/tonnes) are compared converted; values in units that cannot be
    compared (tonnes vs usd) differ, since the metric now reports something else.
    """
    return values_differ(new_value, new_unit, new_approx, current.value, current.unit, current.approx, th)


def _differs_stat(stat: Statistic, current: MetricPoint, th: Thresholds) -> bool:
    if differs(stat.value, stat.unit, stat.approx, current, th):
        return True
    if stat.value_high is not None and current.value_high is not None:
        high = MetricPoint(current.value_high, None, current.unit, current.approx, current.published,
                           current.article_id, current.article_url, current.source, True)
        return differs(stat.value_high, stat.unit, stat.approx, high, th)
    return False


def _previous(point: MetricPoint) -> dict[str, Any]:
    return {"value": point.value, "value_high": point.value_high, "unit": point.unit, "approx": point.approx,
            "article_url": point.article_url, "published": point.published, "source": point.source,
            "article_id": point.article_id}


def corroborating_sources(points: list[MetricPoint], value: float, unit: str, approx: bool,
                          th: Thresholds, since: datetime | None = None) -> int:
    """How many distinct sources carry ``value`` (within tolerance), optionally since a date."""
    probe_sources: set[str] = set()
    for p in points:
        if since is not None and aware(p.published) < since:
            continue
        probe = MetricPoint(value, None, unit, approx, p.published, p.article_id, p.article_url, p.source,
                            True)
        if not differs(p.value, p.unit, p.approx, probe, th):
            probe_sources.add(p.source or p.article_url or str(p.article_id))
    return len(probe_sources)


# ----------------------------------------------------------------------------- claims


def claim_key(text: str) -> str:
    """A fallback fingerprint (exact, normalised text) for claims that carry none."""
    norm = re.sub(r"\W+", " ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return "t:" + hashlib.blake2b(norm.encode("utf-8"), digest_size=8).hexdigest()


def default_same_claim(fp_a: str, fp_b: str) -> bool:
    """Equal fingerprints, or 64-bit SimHashes (16 hex digits) within 3 bits of each other."""
    if fp_a == fp_b:
        return True
    if len(fp_a) == len(fp_b) == 16:
        try:
            return bin(int(fp_a, 16) ^ int(fp_b, 16)).count("1") <= 3
        except ValueError:
            return False
    return False


def _fingerprint(fp: str, text: str) -> str:
    return fp if fp and fp != _EMPTY_FP else claim_key(text)


# ----------------------------------------------------------------------------- detect


def detect(state: DetectorState, analysis: Analysis, ctx: ArticleContext, th: Thresholds,
           same_claim: SameClaim = default_same_claim) -> Decision:
    """Decide what in ``analysis`` is new or changed given ``state`` (pure: no I/O).

    The result's changes come in a fixed order (statistics in text order, then stances by
    actor's first mention, then claims) with keys that depend only on the article and the
    change, so running the same article twice yields the same alerts (dedup in storage).
    """
    published = aware(ctx.published)
    changes: list[Change] = []
    updates: list[MetricUpdate] = []
    alerted_flags: list[bool] = []
    series: dict[str, list[MetricPoint]] = {k: list(v) for k, v in state.metrics.items()}
    for i, stat in enumerate(analysis.statistics):
        key = stat.metric_key
        change = None if key is None else _statistic_change(series.setdefault(key, []), stat, i, key, ctx,
                                                            published, th)
        alerted_flags.append(change is not None)
        if key is None:
            continue
        if change is not None:
            changes.append(change)
        point = MetricPoint(value=stat.value, value_high=stat.value_high, unit=stat.unit, approx=stat.approx,
                            published=published, article_id=ctx.article_id, article_url=ctx.url,
                            source=ctx.source, alerted=change is not None)
        series[key].append(point)
        updates.append(MetricUpdate(metric_key=key, index=i, point=point))
    corroboration = _corroboration(series, {u.metric_key for u in updates}, th)
    if ctx.is_duplicate:
        # A syndicated copy: its numbers corroborate, nothing alerts, nothing else moves.
        plain = tuple(MetricUpdate(u.metric_key, u.index, _unalerted(u.point)) for u in updates)
        return Decision(metric_points=plain, alerted_statistics=tuple(False for _ in analysis.statistics),
                        corroboration=corroboration)
    stance_changes, positions = _stances(state, analysis, ctx, published)
    claim_changes, claims = _claims(state, analysis, ctx, same_claim)
    return Decision(changes=(*changes, *stance_changes, *claim_changes), metric_points=tuple(updates),
                    positions=positions, claims=claims, alerted_statistics=tuple(alerted_flags),
                    corroboration=corroboration)


def _unalerted(p: MetricPoint) -> MetricPoint:
    return MetricPoint(p.value, p.value_high, p.unit, p.approx, p.published, p.article_id, p.article_url,
                       p.source, False)


def _current(points: list[MetricPoint]) -> MetricPoint | None:
    best: MetricPoint | None = None
    for p in points:  # later in the list wins ties: insertion order after (published, id)
        if p.alerted and (best is None or aware(p.published) >= aware(best.published)):
            best = p
    return best


def _statistic_change(points: list[MetricPoint], stat: Statistic, index: int, key: str, ctx: ArticleContext,
                      published: datetime, th: Thresholds) -> Change | None:
    current = _current(points)
    change_key = f"stat:{ctx.article_id}:{key}:{index}"
    if ctx.is_duplicate:
        return None
    if current is None:
        sources = 1 + corroborating_sources(points, stat.value, stat.unit, stat.approx, th)
        return Change(kind="new_statistic", key=change_key, statistic=stat,
                      details={"metric_key": key, "sources_count": sources, "index": index})
    if published < aware(current.published) or not _differs_stat(stat, current, th):
        return None  # late history, or a repeat that corroborates the current value
    others = [p for p in points if p.source != ctx.source]
    sources = 1 + corroborating_sources(others, stat.value, stat.unit, stat.approx, th)
    return Change(kind="changed_statistic", key=change_key, statistic=stat, previous=_previous(current),
                  details={"metric_key": key, "sources_count": sources, "index": index})


def _corroboration(series: dict[str, list[MetricPoint]], keys: set[str], th: Thresholds) -> dict[str, int]:
    """Per touched metric key: distinct sources carrying its current value since its alert."""
    out: dict[str, int] = {}
    for key in sorted(keys):
        current = _current(series[key])
        if current is not None:
            out[key] = corroborating_sources(series[key], current.value, current.unit, current.approx, th,
                                             since=aware(current.published))
    return out


def _stances(state: DetectorState, analysis: Analysis, ctx: ArticleContext,
             published: datetime) -> tuple[list[Change], tuple[PositionUpdate, ...]]:
    by_actor: dict[str, list[tuple[PositionPoint, int]]] = {}
    for i, stance in enumerate(analysis.stances):
        stated = by_actor.setdefault(stance.actor, [])
        if all(p.position != stance.position for p, _ in stated):
            stated.append((PositionPoint(stance.position, published, ctx.article_id, stance.confidence), i))
        else:  # the same position twice: keep its highest confidence
            stated[:] = [(PositionPoint(p.position, p.published, p.article_id,
                                        max(p.confidence, stance.confidence)), j)
                         if p.position == stance.position else (p, j) for p, j in stated]
    changes: list[Change] = []
    updates: list[PositionUpdate] = []
    for actor, stated in by_actor.items():
        latest = state.latest_position(actor)
        net = net_position([p for p, _ in stated], latest.position if latest else None)
        late = latest is not None and published < aware(latest.published)
        shift = not late and (latest is None or net.position != latest.position)
        if shift:
            stance = analysis.stances[next(j for p, j in stated if p is net)]
            changes.append(Change(
                kind="stance_shift", key=f"stance:{ctx.article_id}:{actor}:{net.position}", stance=stance,
                previous_position=latest.position if latest else None,
                details={"actor": actor, "sources_count": 1,
                         "previous_published": latest.published if latest else None,
                         "previous_article_id": latest.article_id if latest else None}))
        updates.extend(PositionUpdate(actor=actor, point=p, alerted=shift and p is net) for p, _ in stated)
    return changes, tuple(updates)


def _claims(state: DetectorState, analysis: Analysis, ctx: ArticleContext,
            same_claim: SameClaim) -> tuple[list[Change], tuple[KnownClaim, ...]]:
    known = [_fingerprint(c.fingerprint, c.text) for c in state.claims]
    changes: list[Change] = []
    added: list[KnownClaim] = []
    for claim in analysis.claims:
        fp = _fingerprint(claim.fingerprint, claim.text)
        if any(same_claim(fp, k) for k in known):
            continue
        known.append(fp)
        added.append(KnownClaim(fingerprint=fp, speaker=claim.speaker, text=claim.text))
        if not claim.speaker:
            continue  # unattributed: remembered, never alerted
        changes.append(Change(kind="new_claim", key=f"claim:{fp}", claim=_with_fp(claim, fp),
                              details={"speaker": claim.speaker, "sources_count": 1,
                                       "article_id": ctx.article_id}))
    return changes, tuple(added)


def _with_fp(claim: Claim, fp: str) -> Claim:
    return claim if claim.fingerprint == fp else Claim(claim.speaker, claim.text, claim.sentence, fp)
