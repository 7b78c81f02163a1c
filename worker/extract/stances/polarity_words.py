"""The word tables of the polarity checks, compiled once from ``data/stances/polarity.yaml``.

``union`` and ``by_lang`` are the two helpers every stance table uses to turn a YAML list (per
language or flat) into one alternation; ``Polarity`` holds the compiled patterns the checks of
``polarity`` read (``polarity.build_polarity`` compiles them, checking the order of checks
against its rule table).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from worker.extract.vocab import prepare

__all__ = ["Polarity", "by_lang", "union"]


_NEVER = re.compile(r"(?!x)x")


def union(patterns: Sequence[str]) -> re.Pattern[str]:
    """One case-insensitive alternation; Chinese patterns folded to Simplified like the text."""
    parts = [f"(?:{prepare(str(p))})" for p in patterns]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else _NEVER


def by_lang(entry: Any) -> list[str]:
    """``{en: [...], zh: [...]}`` or a list → one list of patterns."""
    if isinstance(entry, Mapping):
        out: list[str] = []
        for lang in ("en", "zh"):
            value = entry.get(lang) or []
            out += [value] if isinstance(value, str) else [str(p) for p in value]
        return out
    if isinstance(entry, str):
        return [entry]
    return [str(p) for p in (entry or [])]


@dataclass(frozen=True)
class Polarity:
    order: tuple[str, ...]
    conditional: re.Pattern[str]
    modality: re.Pattern[str]
    would: re.Pattern[str]
    reported: re.Pattern[str]
    intent: re.Pattern[str]
    allow_intent: frozenset[str]
    plan_content: re.Pattern[str]
    nominal_topic: re.Pattern[str]
    negation: re.Pattern[str]
    negated: Mapping[str, str]
    negation_after: re.Pattern[str]
    negation_after_positions: frozenset[str]
    concessive: re.Pattern[str]
    background: re.Pattern[str]
    background_after: re.Pattern[str]
    background_before: re.Pattern[str]
    other_goods: re.Pattern[str]
    other_goods_positions: frozenset[str]
    response: re.Pattern[str]
    purpose: re.Pattern[str]
    openers: re.Pattern[str]
    consequent: re.Pattern[str]
    offer: re.Pattern[str]
    alternative: re.Pattern[str]
    demand_positions: frozenset[str]
    demand_press: bool
    demand_object_before: re.Pattern[str]
    nominal_topic_after: re.Pattern[str]
    generic: re.Pattern[str]
    other_topic_before: re.Pattern[str]
    other_topic_after: re.Pattern[str]
    other_topic_anywhere: re.Pattern[str]
    talks_ended_before: re.Pattern[str]
    talks_ended_after: re.Pattern[str]
    continued: re.Pattern[str]
    obligation: re.Pattern[str]
    obligation_positions: frozenset[str]
    intensify: re.Pattern[str]
