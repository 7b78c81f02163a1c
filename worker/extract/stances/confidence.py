"""Confidence of a stance from the evidence that produced it (``data/stances/confidence.yaml``).

The number is meant to be read as "right this often": the alert policy sends confident items
at once and holds the others for corroboration. It starts from the cue's weight (how reliably
the wording states that position) and loses points for each weakness of the reading: how the
actor was found (a default controller or a pronoun is a guess), where the sentence stands (a
headline, a hedged report), what polarity had to accept (a reported future, an event inside
"despite …"). A pair stated in several sentences gains a little. The data file lists every
rule with its amount.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from worker.extract.stances.polarity_words import by_lang, union

__all__ = ["Confidence", "build_confidence"]

_PUNCT_END = re.compile(r"[.!?。！？;；:：\"'”’」』)）]\s*$")


@dataclass(frozen=True)
class Confidence:
    source: Mapping[str, float]
    context: Mapping[str, float]
    hedged: re.Pattern[str]
    per_sentence: float
    most: float
    low: float
    high: float

    def headline(self, sentence: str, whole_line: bool) -> bool:
        """A line of its own without sentence punctuation: a title or a subhead."""
        return whole_line and not _PUNCT_END.search(sentence) and len(sentence) < 200

    def score(self, weight: float, source: str, flags: Iterable[str]) -> float:
        value = weight - self.source.get(source, 0.2) - sum(self.context.get(f, 0.0) for f in set(flags))
        return round(min(self.high, max(self.low, value)), 3)

    def corroborated(self, value: float, sentences: int) -> float:
        bonus = min(self.most, self.per_sentence * max(0, sentences - 1))
        return round(min(self.high, value + bonus), 3)


def build_confidence(raw: Mapping[str, Any]) -> Confidence:
    corroboration = raw.get("corroboration") or {}
    low, high = (raw.get("bounds") or [0.05, 0.99])[:2]
    return Confidence(
        source={str(k): float(v) for k, v in (raw.get("source") or {}).items()},
        context={str(k): float(v) for k, v in (raw.get("context") or {}).items()},
        hedged=union(by_lang(raw.get("hedged"))),
        per_sentence=float(corroboration.get("per_sentence", 0.0)),
        most=float(corroboration.get("max", 0.0)),
        low=float(low),
        high=float(high),
    )
