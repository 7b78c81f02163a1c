"""Weighing the candidates: the learned part of attribution, and the confidence it gives.

The weights (``data/attribution_model.json``) are a small logistic model per decision, learned
from the gold folds by ``scripts/train_attribution.py`` (deterministic: scikit-learn's L-BFGS
logistic regression; only the training needs scikit-learn, applying the weights is a sum):

- *measure*: a softmax over the measures a unit family allows, from ``measure_features``;
- *subject*, *material*: a score per candidate (``candidates.py``), a softmax over the
  candidates of one number picks one.

Confidence is the product of the three chosen probabilities, mapped through the calibration
table learned on held-out folds (isotonic, stored with the weights) so that it reads as the
chance the statistic is right in full. With no weights file the rules decide alone and every
statistic gets the rules' flat confidence.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from worker.extract.resources import read_text
from worker.extract.statistics.candidates import Candidate

__all__ = ["RULES_CONFIDENCE", "AttributionModel", "default_model"]

MODEL_FILE = "attribution_model.json"
RULES_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Ranker:
    """A linear score per candidate; a softmax over one number's candidates."""

    weights: Mapping[str, float]

    def choose(self, candidates: Sequence[Candidate]) -> tuple[str | None, float]:
        scores = [sum(self.weights.get(f, 0.0) for f in c.features) for c in candidates]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
        return candidates[best].key, exp[best] / sum(exp)


@dataclass(frozen=True)
class Classifier:
    """A softmax over classes (measures)."""

    classes: tuple[str, ...]
    weights: Mapping[str, Sequence[float]]
    bias: Sequence[float]

    def classify(self, features: Iterable[str], allowed: frozenset[str] | None) -> tuple[str, float]:
        scores = list(self.bias)
        for f in features:
            w = self.weights.get(f)
            if w is not None:
                scores = [s + x for s, x in zip(scores, w, strict=True)]
        idx = [i for i, c in enumerate(self.classes) if allowed is None or c in allowed] or list(
            range(len(self.classes)))
        top = max(scores[i] for i in idx)
        exp = {i: math.exp(scores[i] - top) for i in idx}
        best = max(idx, key=lambda i: scores[i])
        return self.classes[best], exp[best] / sum(exp.values())


@dataclass(frozen=True)
class AttributionModel:
    """The three decisions' weights, the measures each unit family allows, the calibration map."""

    measure: Classifier
    subject: Ranker
    material: Ranker
    allowed: Mapping[str, frozenset[str]]
    calibration: tuple[tuple[float, float], ...] = ()

    def confidence(self, raw: float) -> float:
        """The calibrated chance of being right for a raw product of probabilities."""
        points = self.calibration
        if not points:
            return round(raw, 3)
        xs = [p[0] for p in points]
        i = bisect_right(xs, raw)
        if i == 0:
            return round(points[0][1], 3)
        if i >= len(points):
            return round(points[-1][1], 3)
        (x0, y0), (x1, y1) = points[i - 1], points[i]
        t = 0.0 if x1 == x0 else (raw - x0) / (x1 - x0)
        return round(y0 + t * (y1 - y0), 3)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AttributionModel:
        m = data["measure"]
        return cls(
            measure=Classifier(tuple(m["classes"]), {k: tuple(v) for k, v in m["weights"].items()},
                               tuple(m["bias"])),
            subject=Ranker(dict(data["subject"]["weights"])),
            material=Ranker(dict(data["material"]["weights"])),
            allowed={k: frozenset(v) for k, v in data["allowed"].items()},
            calibration=tuple((float(x), float(y)) for x, y in data.get("calibration") or []),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": {"classes": list(self.measure.classes),
                        "weights": {k: [round(x, 5) for x in v] for k, v in sorted(self.measure.weights.items())},
                        "bias": [round(x, 5) for x in self.measure.bias]},
            "subject": {"weights": {k: round(v, 5) for k, v in sorted(self.subject.weights.items())}},
            "material": {"weights": {k: round(v, 5) for k, v in sorted(self.material.weights.items())}},
            "allowed": {k: sorted(v) for k, v in sorted(self.allowed.items())},
            "calibration": [[round(x, 4), round(y, 4)] for x, y in self.calibration],
        }


@lru_cache(maxsize=1)
def default_model() -> AttributionModel | None:
    """The packaged weights, or None when the package ships none (the rules then decide alone)."""
    try:
        raw = read_text(MODEL_FILE)
    except FileNotFoundError:
        return None
    return AttributionModel.from_dict(json.loads(raw))
