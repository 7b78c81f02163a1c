"""Why each miss or false hit happened: the error classes ``remon eval`` counts.

A score says how far the extractor is from the gold set; the classes say where the distance
comes from, so work goes to the class, not to the passage ("wrong subject 18", "number
missed 11"). The classes are decided from the gold and predicted items of one passage only:

statistics
- ``number missed``: no prediction carries the gold value at all;
- ``unit wrong`` / ``approx wrong`` / ``sign wrong`` / ``range wrong``: a prediction carries the
  value, the unit, hedge, sign or upper bound differs;
- ``out-of-scope number taken``: a prediction whose value no gold statistic carries;
- ``wrong subject`` / ``wrong material`` / ``wrong measure``: the quantity matched, that field
  differs (one finding may count in several of these).

stances
- ``wrong position``: the actor is found with another position;
- ``wrong actor``: the position is found for an actor the gold set does not name with it;
- ``stance missed``: neither (no cue for the wording, or no actor resolved);
- ``spurious stance``: a predicted pair with neither the actor nor the position in the gold set.

relevance: ``relevant passage dropped`` / ``irrelevant passage kept``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "FIELD_CLASSES",
    "count_classes",
    "field_classes",
    "stance_class",
    "statistic_false_hit_class",
    "statistic_miss_class",
]

FIELD_CLASSES = {"subject": "wrong subject", "material": "wrong material", "measure": "wrong measure"}
_TOLERANCE = 0.005


def _close(a: Any, b: Any) -> bool:
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return x == y if y == 0 else abs(x - y) <= _TOLERANCE * abs(y)


def statistic_miss_class(gold: Mapping[str, Any], unmatched_preds: Sequence[Mapping[str, Any]]) -> str:
    """The class of a gold statistic no prediction matched in quantity."""
    value = gold.get("value")
    for p in unmatched_preds:
        if _close(p.get("value"), value):
            if p.get("unit") != gold.get("unit"):
                return "unit wrong"
            if bool(p.get("approx")) != bool(gold.get("approx")):
                return "approx wrong"
        if _close(p.get("value"), -float(value or 0)) and value:
            return "sign wrong"
        if p.get("value_high") is not None and _close(p.get("value_high"), value):
            return "range wrong"
    return "number missed"


def statistic_false_hit_class(pred: Mapping[str, Any], unmatched_gold: Sequence[Mapping[str, Any]]) -> str:
    """The class of a prediction no gold statistic matched in quantity."""
    value = pred.get("value")
    for g in unmatched_gold:
        if _close(value, g.get("value")):
            if pred.get("unit") != g.get("unit"):
                return "unit wrong"
            if bool(pred.get("approx")) != bool(g.get("approx")):
                return "approx wrong"
        if value and _close(-float(value), g.get("value")):
            return "sign wrong"
    return "out-of-scope number taken"


def field_classes(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> list[str]:
    """The fields that differ between a gold statistic and the prediction matching its quantity."""
    return [label for f, label in FIELD_CLASSES.items() if gold.get(f) != pred.get(f)]


def stance_class(pair: tuple[str, str], other_side: Iterable[tuple[str, str]], *, miss: bool) -> str:
    """The class of a missed gold pair (``miss``) or of a false predicted pair."""
    actor, position = pair
    others = set(other_side)
    if any(a == actor for a, _ in others):
        return "wrong position"
    if any(p == position for _, p in others):
        return "wrong actor"
    return "stance missed" if miss else "spurious stance"


def count_classes(classes: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], Counter[str]]:
    """``(area, group, class)`` triples → counts per (area, group)."""
    out: dict[tuple[str, str], Counter[str]] = {}
    for area, group, cls in classes:
        out.setdefault((area, group), Counter())[cls] += 1
    return out
