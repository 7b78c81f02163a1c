"""Roles and counts: what a number without a unit is.

``mark_roles`` names the numbers that are not quantities (SCHEMA "Not statistics"), by these
rules in order, the first that answers:

  measurement   "14 nm", "300MPa", "2.58 g/cc"        a physical measure, not a SCHEMA unit
  frequency     "three times a year", "两次"          occasions, not a multiplier
  citation      "[1]"
  ordinal       "5th", "第五", "第61号"
  label         "No. 18", "Group 1", "Article 5", "Section 232", "61号"
  date          "9 October", "October 9", "10月9日", "2025-10-09"
  year          "2024" (four digits, no comma), "2024年", "一九五九年"
  duration      "three years", "45 working days", "a five-year", "6个月", "十年"

and drops what is no number at all: a name glued to letters ("F-35", "COVID-19") and a Chinese
numeral with neither unit nor measure word ("一些", "统一").

``mark_counts`` names what a bare number counts (``counted``): the measure word in Chinese
("12种", "七类", "1100项"), the noun phrase in English ("seven elements", "two licences", "five
more heavy rare earths", "eight kinds of").
"""

from __future__ import annotations

import re
from functools import lru_cache

from worker.extract.numbers.lexicon import Lexicon, alternation, key, lexicon, reversed_alternation
from worker.extract.numbers.model import Mention

__all__ = ["mark_counts", "mark_roles"]


class _Patterns:
    def __init__(self, lex: Lexicon) -> None:
        self.label = re.compile(rf"[ \t]*\.?[ \t]*(?:{reversed_alternation(lex.label_before)})")
        months = alternation(lex.months)
        self.month_before = re.compile(rf"(?:{reversed_alternation(lex.months)})")
        self.month_after = re.compile(rf"[ \t]+(?:{months})")
        self.duration = re.compile(rf"(?:[ \t]+|[ \t]*-[ \t]*)(?:{alternation(lex.durations)})(?![a-z])")
        self.iso_date = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{4}/\d{1,2}/\d{1,2}")
        zh = lex.zh_roles
        self.zh_duration = re.compile(alternation(zh.get("durations", ())))
        self.zh_frequency = re.compile(alternation(zh.get("frequency", ())))
        self.zh_ordinal = re.compile(reversed_alternation(zh.get("ordinal_before", ())))
        self.zh_label = re.compile(alternation(zh.get("label_after", ())))
        self.word = re.compile(r"[ \t]+([a-z][a-z'\-]*)")
        self.classifier = re.compile(rf"[ ]{{0,2}}(?P<c>{alternation(lex.classifiers)})")


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns(lexicon())


def mark_roles(text: str, low: str, mentions: list[Mention]) -> list[Mention]:
    p = _patterns()
    lex = lexicon()
    out: list[Mention] = []
    for m in mentions:
        if m.kind == "measurement":
            m.role = "measurement"
        elif "frequency" in m.tags:
            m.role = "frequency"
        elif m.unit() is None and m.role is None:
            m.role = _role(text, low, m, p, lex)
        if m.unit() is None and "glued" in m.tags:
            continue  # "F-35", "COVID-19"
        if "chinese" in m.tags and m.unit() is None:
            cls = _classifier(text, m.high.end if m.high else m.end, p)
            if cls is None or (m.base <= 1 and m.high is None and not m.approx):
                continue  # "一些", "统一", "一种" (an article)
        out.append(m)
    return out


def _role(text: str, low: str, m: Mention, p: _Patterns, lex: Lexicon) -> str | None:
    s = m.start
    e = m.high.end if m.high is not None else m.end
    raw = text[m.start : m.end]
    if s and low[s - 1] == "[" and low[e : e + 1] == "]":
        return "citation"
    if low[e : e + 2] in lex.ordinal_suffixes and not low[e + 2 : e + 3].isalpha() and raw.isdigit():
        m.end = e + 2
        return "ordinal"
    rev = low[max(0, s - 16) : s][::-1]
    if p.zh_ordinal.match(rev):
        return "ordinal"
    if (not m.word and p.label.match(rev)) or p.zh_label.match(text, e):
        return "label"  # "No. 18", "Group 1", "第61号" (not the "one" of "no one")
    if (low[s - 1 : s] in {"-", "/"} or low[e : e + 1] in {"-", "/"}) and _in_date(low, s):
        return "date"
    month = p.month_before.match(rev.lstrip(" \t.,")) or p.month_after.match(low, e)
    if month and (m.base <= 31 or (raw.isdigit() and len(raw) == 4)):
        return "date"
    if (text.startswith(lex.month_after, e) and 1 <= m.base <= 12) or (
        any(text.startswith(d, e) for d in lex.day_after) and 1 <= m.base <= 31
    ):
        return "date"  # "10月9日"
    year_like = raw.isdigit() and len(raw) == 4 and 1800 <= m.base <= 2100
    if year_like or (text.startswith(lex.year_after, e) and m.base >= 1000 and m.base == int(m.base)):
        return "year"
    if p.duration.match(low, e) or p.zh_duration.match(text, e):
        return "duration"
    if p.zh_frequency.match(text, e):
        return "frequency"
    return None


def _in_date(low: str, s: int) -> bool:
    """The number is a piece of a date written with dashes or slashes ("2025-10-09")."""
    lo = max(0, s - 8)
    return any(d.start() <= s < d.end() for d in _patterns().iso_date.finditer(low, lo, s + 10))


def _classifier(text: str, end: int, p: _Patterns) -> tuple[int, int] | None:
    """The span of the measure word right after a number ("12种", "七 类")."""
    c = p.classifier.match(text, end)
    return c.span("c") if c else None


def mark_counts(text: str, low: str, mentions: list[Mention]) -> list[Mention]:
    """Set ``counted`` on bare numbers followed by a measure word or a counted noun phrase."""
    p = _patterns()
    lex = lexicon()
    for m in mentions:
        if m.role is not None or m.unit() is not None or (m.kind is not None and m.kind != "measurement"):
            continue
        e = m.high.end if m.high is not None else m.end
        cls = _classifier(text, e, p)
        if cls is not None:
            m.counted, m.counted_span = text[cls[0] : cls[1]], cls
            continue
        if "nil" in m.tags or (m.base <= 1 and m.high is None):
            continue  # "no one knew": a single thing is no count
        found = _noun_phrase(low, e, m.base, p, lex)
        if found is not None:
            a, b = found
            m.counted, m.counted_span = text[a:b], (a, b)
    return mentions


def _noun_phrase(low: str, end: int, value: float, p: _Patterns, lex: Lexicon) -> tuple[int, int] | None:
    """The span of the noun phrase a number counts, or None (see the module doc)."""
    words: list[tuple[int, int, str]] = []
    pos = end
    skipping = True
    while len(words) < 6:
        w = p.word.match(low, pos)
        if w is None:
            break
        word = w.group(1)
        pos = w.end()
        if skipping and word in lex.counted_skip:
            continue
        skipping = False
        if word in lex.counted_joiners and words:
            words.append((w.start(1), w.end(1), word))
            continue
        if word in lex.counted_stop:
            break
        words.append((w.start(1), w.end(1), word))
        if word in lex.counted_kinds and low.startswith(" of", pos):
            return words[0][0], w.end(1)  # "eight kinds of"
    while words and not _plural(words[-1][2], value, lex):
        words.pop()
    if not words or key(words[0][2]) in lex.durations:
        return None
    return words[0][0], words[-1][1]


def _plural(word: str, value: float, lex: Lexicon) -> bool:
    if word in lex.counted_joiners:
        return False
    if word in lex.counted_plurals:
        return True
    return word.endswith("s") and not word.endswith(("ss", "us", "is", "'s"))
