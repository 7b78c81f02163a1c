"""The learned part of attribution: who holds a number among the candidates, and how sure to be.

Both are small logistic models over general features, learned from the gold folds by
``scripts/train_attribution.py`` (deterministic) and shipped in ``data/attribution_model.json``:

- *subject ranker*: a score per subject candidate (``candidates.py``: place and role in the
  sentence, whether the rules chose it); the best one holds the number. It is what the trainer
  compares with the rules on held-out folds; it did not beat them end to end (docs/extraction.md),
  so the shipped file holds none and the rules decide subjects, materials and measures.
- *confidence*: the chance that a statistic is right in full. The evidence is what was chosen
  and how: the chosen subject's and material's candidate features, the measure's cues and unit,
  and how many other candidates there were; the probability is calibrated (isotonic) on
  predictions for folds the weights were not trained on, so the alert policy can send at once
  what is confident and hold the rest for a second source.

Without the weights file the rules decide alone and every statistic gets ``RULES_CONFIDENCE``.
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

__all__ = ["MODEL_FILE", "RULES_CONFIDENCE", "ConfidenceModel", "LearnedWeights", "SubjectRanker", "default_model",
           "evidence"]

MODEL_FILE = "attribution_model.json"
RULES_CONFIDENCE = 0.5


def evidence(measure_features: Sequence[str], subject: str | None, subjects: Sequence[Candidate],
             material: str | None, materials: Sequence[Candidate], decided_by: tuple[str, str] = ("", "")
             ) -> tuple[str, ...]:
    """The features a confidence is judged on: the rules that chose the measure and the subject, the
    chosen candidates' own features, the measure's cues, the ambiguity."""
    out = [f"m:{f}" for f in measure_features if "&" not in f and not f.startswith(("before:", "after:"))]
    out += [f"rule:{decided_by[0]}", f"held:{decided_by[1]}"]
    for prefix, key, cands in (("s", subject, subjects), ("t", material, materials)):
        chosen = next((c for c in cands if c.key == key), None)
        if chosen is not None:
            out += [f"{prefix}:{f}" for f in chosen.features if "|" not in f]
        others = sum(1 for c in cands if c.key is not None and c.key != key and "rule_far" not in c.features)
        out.append(f"{prefix}:others={min(others, 3)}")
    return tuple(out)


@dataclass(frozen=True)
class ConfidenceModel:
    """Logistic weights over ``evidence`` features and the calibration map of their probability."""

    weights: Mapping[str, float]
    bias: float
    calibration: tuple[tuple[float, float], ...] = ()

    def raw(self, features: Iterable[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def confidence(self, features: Iterable[str]) -> float:
        """The calibrated chance of being right."""
        raw = self.raw(features)
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
    def from_dict(cls, data: Mapping[str, Any]) -> ConfidenceModel:
        return cls(weights={str(k): float(v) for k, v in data["weights"].items()}, bias=float(data["bias"]),
                   calibration=tuple((float(x), float(y)) for x, y in data.get("calibration") or []))

    def to_dict(self) -> dict[str, Any]:
        return {"weights": {k: round(v, 5) for k, v in sorted(self.weights.items()) if abs(v) >= 1e-5},
                "bias": round(self.bias, 5),
                "calibration": [[round(x, 4), round(y, 4)] for x, y in self.calibration]}


@dataclass(frozen=True)
class SubjectRanker:
    """A linear score per subject candidate; the best candidate holds the number."""

    weights: Mapping[str, float]

    def choose(self, candidates: Sequence[Candidate]) -> str | None:
        scores = [sum(self.weights.get(f, 0.0) for f in c.features) for c in candidates]
        return candidates[max(range(len(candidates)), key=lambda i: (scores[i], -i))].key

    def to_dict(self) -> dict[str, Any]:
        return {"weights": {k: round(v, 5) for k, v in sorted(self.weights.items()) if abs(v) >= 1e-5}}


@dataclass(frozen=True)
class LearnedWeights:
    """What ``data/attribution_model.json`` holds: the subject ranker (optional) and the confidence judge."""

    confidence: ConfidenceModel
    subject: SubjectRanker | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LearnedWeights:
        ranker = data.get("subject_ranker")
        return cls(confidence=ConfidenceModel.from_dict(data["confidence"]),
                   subject=SubjectRanker({str(k): float(v) for k, v in ranker["weights"].items()}) if ranker else None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"confidence": self.confidence.to_dict()}
        if self.subject is not None:
            out["subject_ranker"] = self.subject.to_dict()
        return out


@lru_cache(maxsize=1)
def default_model() -> LearnedWeights | None:
    """The packaged weights, or None when the package ships none."""
    try:
        raw = read_text(MODEL_FILE)
    except FileNotFoundError:
        return None
    return LearnedWeights.from_dict(json.loads(raw))
