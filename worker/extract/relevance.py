"""Is a passage about export controls on rare earths / critical minerals?

The hard negatives of the gold set (chip controls, solar exports, battery recycling, soybean
tariffs, gold prices…) share most of the vocabulary of the real articles: "export controls",
"licences", "magnets", "tariffs", "出口管制". A mineral term alone is not enough either: an EV
story may mention rare-earth motors in passing. The score therefore multiplies a *mineral*
signal by a *control / supply* signal (see ``data/relevance.yaml`` for the formula and the
weighted terms); both vocabularies live in that data file, not here.

Everything is compiled once at import time so scoring is a handful of regex scans.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from worker.extract.resources import read_data

__all__ = ["RELEVANCE_THRESHOLD", "is_relevant", "score_relevance"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+|[。！？!?；;\n]+")


@dataclass(frozen=True)
class _Term:
    label: str
    kind: str  # mineral | control | supply
    regex: re.Pattern[str]
    weight: float


@dataclass(frozen=True)
class _Model:
    terms: tuple[_Term, ...]
    threshold: float
    cap: int
    mineral_scale: float
    control_scale: float
    base: float
    coverage_floor: float
    coverage_gain: float


def _has_cjk(pattern: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in pattern)


def _compile(spec: dict[str, Any]) -> re.Pattern[str]:
    """English terms get word boundaries (so "REE" does not fire inside "free"); Chinese do not."""
    pattern = str(spec["pattern"])
    flags = 0 if spec.get("case") else re.IGNORECASE
    if not _has_cjk(pattern):
        pattern = rf"(?<!\w)(?:{pattern})(?!\w)"
    return re.compile(pattern, flags)


@lru_cache(maxsize=1)
def _model() -> _Model:
    raw = read_data("relevance.yaml")
    terms = [
        _Term(label=str(spec.get("label", spec["pattern"])), kind=kind, regex=_compile(spec),
              weight=float(spec["weight"]))
        for kind in ("mineral", "control", "supply")
        for spec in raw.get(kind, [])
    ]
    return _Model(
        terms=tuple(terms),
        threshold=float(raw["threshold"]),
        cap=int(raw["cap"]),
        mineral_scale=float(raw["mineral_scale"]),
        control_scale=float(raw["control_scale"]),
        base=float(raw["base"]),
        coverage_floor=float(raw.get("coverage_floor", 1.0)),
        coverage_gain=float(raw.get("coverage_gain", 0.0)),
    )


RELEVANCE_THRESHOLD: float = _model().threshold
"""Scores at or above this are relevant (calibrated on dev.jsonl, see data/relevance.yaml)."""


def _prepare(text: str, title: str | None) -> str:
    """NFKC (full-width forms) and the title once, unless the text already starts with it."""
    body = unicodedata.normalize("NFKC", text or "")
    if title:
        head = unicodedata.normalize("NFKC", title).strip()
        if head and not body.lstrip().startswith(head[:40]):
            body = f"{head}\n{body}"
    return body


def score_relevance(text: str, *, title: str | None = None, vocab: object | None = None) -> tuple[
        float, tuple[str, ...]]:
    """Score in [0, 1] that the passage is on topic, and the topic terms that matched.

    ``vocab`` is accepted for symmetry with the other extractors; the topic terms are kept
    in ``data/relevance.yaml`` because relevance needs weights the vocabulary does not carry.
    """
    del vocab
    model = _model()
    body = _prepare(text, title)
    # control / supply words count only in and next to sentences that name a mineral: a
    # chip-controls story that mentions gallium once, elsewhere, is not about gallium's controls
    sentences = _SENTENCE.split(body)
    named = [any(t.regex.search(s) for t in model.terms if t.kind == "mineral") for s in sentences]
    focus = " \n".join(s for i, s in enumerate(sentences) if any(named[max(0, i - 1):i + 2]))
    mineral = control = 0.0
    matched: dict[str, None] = {}
    for term in model.terms:
        count = sum(1 for _ in term.regex.finditer(body if term.kind == "mineral" else focus))
        if not count:
            continue
        matched.setdefault(term.label, None)
        gained = term.weight * min(count, model.cap)
        if term.kind == "mineral":
            mineral += gained
        else:
            control += gained
    # a long article that names a mineral in one sentence of many mentions it in passing
    coverage = sum(named) / max(1, len([s for s in sentences if s.strip()]))
    mineral *= min(1.0, model.coverage_floor + model.coverage_gain * coverage)
    m = 1.0 - math.exp(-mineral / model.mineral_scale)
    c = 1.0 - math.exp(-control / model.control_scale)
    score = m * (model.base + (1.0 - model.base) * c)
    return round(score, 4), tuple(matched)


def is_relevant(score: float, minimum: float | None = None) -> bool:
    """Apply the calibrated threshold (or a caller's override, e.g. a stricter source)."""
    return score >= (RELEVANCE_THRESHOLD if minimum is None else minimum)
