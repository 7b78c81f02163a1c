"""The engine: find every number expression of a text, in one pass per writing system.

``find_quantities`` runs the stages in order, each a module with one job and its own table of
named rules:

1. scan      numerals (``scalars``: digits, English words, Chinese numerals) and forms with their
             own unit (``forms``: fractions, multipliers, 成, 分之) → candidate ``Mention``s;
             ``units.attach`` gives each numeral its currency, scale, unit and per-mass;
2. resolve   overlapping candidates: the leftmost, then the longest, wins ("one-third" over
             "one", "7成" over "7", "百分之六十一" over "六十一");
3. ranges    "80-90%", "two to four times", "between 10 and 20 per cent" (``ranges``);
4. roles     years, dates, ordinals, labels, durations, measurements; names and stray Chinese
             numerals are dropped (``roles``);
5. carry     units stated once: table headers, conversions, price pairs, lists (``carry``);
6. hedges    ``approx`` in full (``hedges``);
7. counts    what a bare number counts (``roles.mark_counts``).

Nothing here names a word of any language: the words are in ``data/numbers/*.yaml``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from worker.common.cjk import has_han
from worker.extract.numbers.carry import carry_units
from worker.extract.numbers.forms import chinese_forms, english_forms
from worker.extract.numbers.hedges import mark_hedges
from worker.extract.numbers.model import Mention, Quantity
from worker.extract.numbers.ranges import join_ranges
from worker.extract.numbers.roles import mark_counts, mark_roles
from worker.extract.numbers.scalars import chinese_mentions, digit_mentions
from worker.extract.numbers.units import attach

__all__ = ["find_quantities"]

_HAS_LATIN = re.compile(r"[a-z]")
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}

# No trade or production figure comes near this in any unit (world GDP is ~1e14 dollars): a longer
# run of digits is hostile or garbled input ("999…9%" read as 1e302%), not a statistic to alert on.
_MAX_MAGNITUDE = 1e15

Stage = Callable[[str, str, list[Mention]], list[Mention]]

STAGES: tuple[tuple[str, Stage], ...] = (
    ("ranges", join_ranges),
    ("roles", mark_roles),
    ("carry", carry_units),
    ("hedges", mark_hedges),
    ("counts", mark_counts),
)


def find_quantities(text: str) -> list[Quantity]:
    """Every number expression in ``text`` (the matcher form, ``vocab.prepare``), in text order,
    non-overlapping; spans are offsets into ``text``."""
    if not text:
        return []
    low = _lower(text)
    candidates: list[Mention] = []
    chinese = has_han(text)
    for m in digit_mentions(text, low):
        attach(text, low, m, chinese=chinese)
        candidates.append(m)
    if _HAS_LATIN.search(low):
        for m in english_forms(low):
            if "form" not in m.tags:
                attach(text, low, m, chinese=chinese)
            candidates.append(m)
    if chinese:
        for m in chinese_mentions(text):
            attach(text, low, m, chinese=chinese)
            candidates.append(m)
        candidates.extend(chinese_forms(low))
    mentions = _resolve(candidates)
    for _name, stage in STAGES:
        mentions = stage(text, low, mentions)
    out = []
    for m in mentions:
        q = m.quantity(text)
        if _plausible(q.value) and (q.value_high is None or _plausible(q.value_high)):
            out.append(q)
    return out


def _lower(text: str) -> str:
    """ASCII-lower-cased and length-stable (``str.lower`` is, unless a rare letter expands)."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


def _resolve(candidates: list[Mention]) -> list[Mention]:
    """Non-overlapping mentions: the leftmost wins, then the longest.

    A mention whose only overlap is its prefix keeps its numeral and loses the prefix: in
    "4人民币 5美元" the 人民币 belongs to the 4, and 5 is read from its own 美元."""
    candidates.sort(key=_order)
    out: list[Mention] = []
    last_end = -1
    for m in candidates:
        if m.start < last_end <= m.numeral_start:
            _drop_prefix(m)
        if m.start >= last_end:
            out.append(m)
            last_end = m.end
    return out


def _order(m: Mention) -> tuple[int, int, bool]:
    return m.start, -m.end, "form" not in m.tags  # a form wins a tie ("为零" over the numeral 零)


def _drop_prefix(m: Mention) -> None:
    if "prefix-unit" in m.tags:
        if m.kind == "percent" and "form" not in m.tags:
            m.kind = None  # "twenty percent of 10": the percent was the first number's
        elif m.currency is not None:
            m.currency = None
    m.tags.discard("prefix-unit")
    m.sign = 1.0
    m.start = m.numeral_start


def _plausible(value: float) -> bool:
    return math.isfinite(value) and abs(value) < _MAX_MAGNITUDE
