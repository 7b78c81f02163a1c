"""Is a passage about export controls on rare earths / critical minerals?

The hard negatives of the gold set (chip controls, solar exports, battery recycling, soybean
tariffs, gold prices, a geology abstract, an encyclopedia entry on rare earths) share most of
the vocabulary of the real articles: "export controls", "licences", "magnets", "出口管制", and
"rare earths" itself. What sets the real articles apart is that a mineral and a control or supply
question meet in the same sentence, or the next one. The score therefore multiplies a *mineral*
signal by a *control / supply* signal counted only around the sentences that name a mineral, with
the title counting double; a mineral alone stays below the threshold however often it is named
(``data/relevance.yaml`` has the formula and the weighted terms).

The score is monotone (one more occurrence of any term never lowers it) and explainable: the
terms it counted come back as ``matched_terms``, spelled as the text spells them.

Cost: relevance runs on every page, most of them off topic; the mineral terms are looked for
first and a page that names none scores 0 without the rest.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from worker.common.cjk import has_han
from worker.extract.resources import read_data
from worker.extract.text import normalize, to_simplified

__all__ = ["RELEVANCE_THRESHOLD", "is_relevant", "score_relevance"]

# sentence ends: . ! ? before a space, Chinese stops, semicolons and line breaks
_BOUNDARY = re.compile(r"(?<=[.!?])\s+|[。！？!?；;\n]+")
_KINDS = ("mineral", "control", "supply", "industry")


@dataclass(frozen=True)
class _Term:
    kind: str  # mineral | control | supply | industry
    regex: re.Pattern[str]
    weight: float


@dataclass(frozen=True)
class _Model:
    minerals: tuple[_Term, ...]
    context: tuple[_Term, ...]  # control, supply and industry terms
    threshold: float
    cap: int
    mineral_scale: float
    control_scale: float
    base: float
    neighbour: float
    industry_alone: float
    title_weight: float
    coverage_floor: float
    coverage_gain: float


def _compile(spec: dict[str, Any]) -> re.Pattern[str]:
    """English terms get word boundaries (so "REE" does not fire inside "free"); Chinese do not."""
    pattern = str(spec["pattern"])
    flags = 0 if spec.get("case") else re.IGNORECASE
    if not has_han(pattern):
        pattern = rf"(?<!\w)(?:{pattern})(?!\w)"
    return re.compile(pattern, flags)


@lru_cache(maxsize=1)
def _model() -> _Model:
    raw = read_data("relevance.yaml")
    terms = [_Term(kind=kind, regex=_compile(spec), weight=float(spec["weight"]))
             for kind in _KINDS for spec in raw.get(kind) or []]
    if any(t.weight <= 0 for t in terms):
        raise ValueError("data/relevance.yaml: every weight must be positive (the score is monotone)")
    return _Model(
        minerals=tuple(t for t in terms if t.kind == "mineral"),
        context=tuple(t for t in terms if t.kind != "mineral"),
        threshold=float(raw["threshold"]),
        cap=int(raw["cap"]),
        mineral_scale=float(raw["mineral_scale"]),
        control_scale=float(raw["control_scale"]),
        base=float(raw["base"]),
        neighbour=float(raw["neighbour"]),
        industry_alone=float(raw["industry_alone"]),
        title_weight=float(raw["title_weight"]),
        coverage_floor=float(raw["coverage_floor"]),
        coverage_gain=float(raw["coverage_gain"]),
    )


RELEVANCE_THRESHOLD: float = _model().threshold
"""Scores at or above this are relevant (see data/relevance.yaml)."""


def _document(text: str, title: str | None) -> tuple[str, int]:
    """The title as a first line and the body, and where the body starts (before it: the title).

    When the text already starts with the title it is not repeated; if the title is the text's
    whole first line, that line counts as the title. Characters are the caller's, one for one, so
    every match is a word of the title or the text."""
    body = text or ""
    head = " ".join((title or "").split())
    if not head:
        return body, 0
    if " ".join(body[:len(head) + 200].split()).startswith(head[:40]):
        line_end = body.find("\n")
        first_line = " ".join((body if line_end < 0 else body[:line_end]).split())
        return body, (line_end + 1 if line_end >= 0 and first_line == head else 0)
    return f"{head}\n{body}", len(head) + 1


def _sentence_starts(doc: str) -> list[int]:
    return [0, *(m.end() for m in _BOUNDARY.finditer(doc))]


def score_relevance(text: str, *, title: str | None = None, vocab: object | None = None) -> tuple[
        float, tuple[str, ...]]:
    """Score in [0, 1] that the passage is on topic, and the topic terms it counted, as written.

    ``vocab`` is accepted for symmetry with the other extractors; the topic terms are kept
    in ``data/relevance.yaml`` because relevance needs weights the vocabulary does not carry.
    """
    del vocab
    model = _model()
    doc, body_start = _document(text, title)
    # full-width letters folded and Traditional characters mapped to Simplified, one for one
    folded = to_simplified(normalize(doc))
    found = [(t, list(t.regex.finditer(folded))) for t in model.minerals]
    if not any(hits for _, hits in found):
        return 0.0, ()
    starts = _sentence_starts(folded)
    n = len(starts)

    def sentence_of(pos: int) -> int:
        return bisect.bisect_right(starts, pos) - 1

    def weight_of(i: int) -> float:  # the title's sentences count more
        return model.title_weight if starts[i] < body_start else 1.0

    named = [False] * n
    for _, hits in found:
        for m in hits:
            named[sentence_of(m.start())] = True
    # the title or the lead sentence states what the whole text is about: when it names a mineral, the
    # rest of the text speaks of it ("China's de facto monopoly …, the world's reliance on it")
    lead = next((i for i in range(n) if starts[i] >= body_start and folded[starts[i]:].strip()), 0)
    topic = any(named[i] for i in range(n) if starts[i] < body_start) or (n > 0 and named[lead])
    reach = [1.0 if named[i] else model.neighbour if (i > 0 and named[i - 1]) or (i + 1 < n and named[i + 1])
             or topic else 0.0 for i in range(n)]

    matched: dict[str, None] = {}
    mineral = 0.0
    for term, hits in found:
        if hits:
            mineral += term.weight * min(sum(weight_of(sentence_of(m.start())) for m in hits), model.cap)
            matched.setdefault(_spelling(doc, hits[0]), None)
    context = {"control": 0.0, "supply": 0.0, "industry": 0.0}
    for term in model.context:
        amount = 0.0
        first: re.Match[str] | None = None
        for m in term.regex.finditer(folded):
            i = sentence_of(m.start())
            if reach[i]:
                amount += weight_of(i) * reach[i]
                first = first or m
        if first is not None:
            context[term.kind] += term.weight * min(amount, model.cap)
            matched.setdefault(_spelling(doc, first), None)
    # a long article that names a mineral in one sentence of many mentions it in passing
    spoken = sum(1 for i in range(n) if folded[starts[i]:starts[i + 1] if i + 1 < n else len(folded)].strip())
    coverage = sum(named) / max(1, spoken)
    mineral *= min(1.0, model.coverage_floor + model.coverage_gain * coverage)
    m_signal = 1.0 - math.exp(-mineral / model.mineral_scale)
    # output, refining and prices are the words of any mining story (an encyclopedia entry, a
    # recycler's funding round): they count in full only beside a control or supply question
    questioned = context["control"] + context["supply"]
    total = questioned + context["industry"] * (1.0 if questioned else model.industry_alone)
    c_signal = 1.0 - math.exp(-total / model.control_scale)
    score = m_signal * (model.base + (1.0 - model.base) * c_signal)
    return round(score, 4), tuple(matched)


def _spelling(doc: str, m: re.Match[str]) -> str:
    """The term as the text writes it (the title's or body's own characters), spaces collapsed;
    lower-cased, but for the case-sensitive terms (REE) and chemists' mixed case (NdFeB, SmCo)."""
    words = doc[m.start():m.end()].split()
    if not m.re.flags & re.IGNORECASE:
        return " ".join(words)
    return " ".join(w if _mixed_case(w) else w.lower() for w in words)


def _mixed_case(word: str) -> bool:
    tail = word[1:]
    return any(ch.isupper() for ch in tail) and any(ch.islower() for ch in tail)


def is_relevant(score: float, minimum: float | None = None) -> bool:
    """Apply the calibrated threshold (or a caller's override, e.g. a stricter source)."""
    return score >= (RELEVANCE_THRESHOLD if minimum is None else minimum)
