"""Forms that carry their own unit: fractions, multipliers, tenths, nil.

Each rule is a named pattern with its reading; together they are the second source of
``Mention``s beside the plain numerals of ``scalars``. English (matched on the lower-cased text):

  fraction      "two-thirds of output", "a quarter of the applications", "cut by a third",
                "nearly a third"               → percent, approximate
  half          "half of", "by half", "nearly half"  → 50 percent, approximate
  multiplier    "tripled", "twice", "threefold", "halved"  → times
  (number words "sixty-one", "two hundred and fifty" come from ``scalars``)

Chinese (matched on the matcher form):

  cheng         "七成", "9成", "三成半", "七成六", "7.2成", "半成"  → percent (tenths), approximate
  part_of       "百分之六十一" (exact), "千分之一" (exact), "三分之一" (approximate)
  halves        "一半", "过半", "逾半"           → 50 percent, approximate
  multiplier    "翻了一番", "翻两番", "减半"     → times
  nil           "为零", "降至零"                 → 0 (its unit comes from the sentence)
  slash share   "约1/3的" (a small slash fraction in Chinese text is a share, not a date)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from worker.extract.numbers.lexicon import Lexicon, alternation, key, lexicon
from worker.extract.numbers.model import Mention
from worker.extract.numbers.scalars import english_mentions, parse_chinese_numeral, patterns

__all__ = ["chinese_forms", "english_forms"]


class _Patterns:
    def __init__(self, lex: Lexicon) -> None:
        hedges = alternation(lex.hedge_adverbs | lex.hedge_comparatives)
        self.english = re.compile(
            rf"(?<![a-z0-9_])(?={patterns().english_first})(?:(?P<frac>(?P<n>{alternation(lex.fraction_numerators)})[\s\-]+"
            rf"(?P<d>{alternation(lex.fraction_denominators)}))"
            r"|(?P<half>half)(?![a-z\-])"
            rf"|(?P<mult>{alternation(lex.multipliers)})(?![a-z\-])"
            rf"|{patterns().english_run}(?![a-z]))"
        )
        self.of_after = re.compile(rf"[ \t]+(?:{alternation(lex.fraction_of)})")
        self.half_after = re.compile(rf"[ \t]+(?:{alternation(lex.half_before)})")
        singular = [w for w, v in lex.fraction_numerators.items() if v == 1]
        self.a_before = re.compile(rf"(?<![a-z])(?:{alternation(singular)})[ \t]+$")
        # "by a third", "by nearly half", "nearly a third", "more than half"
        self.before = re.compile(
            rf"(?<![a-z])(?:{alternation(lex.fraction_by)}|{hedges})[ \t]+(?:(?:{hedges})[ \t]+)?$"
        )
        periods = alternation(lex.period_words)
        # "the first half", "the first three quarters"; "three quarters of 2025", "half of this year"
        self.period_before = re.compile(rf"\b(?:{periods})[ \t]+(?:(?:{alternation(lex.fraction_numerators)})[ \t]+)?$")
        self.period_after = re.compile(
            rf"[ \t]+(?:{alternation(lex.fraction_of)})[ \t]+(?:\d{{4}}\b|(?:{alternation(lex.period_after_of)}))"
        )
        self.period_fractions = lex.period_fractions
        digits = "".join(sorted(lex.cn_digits))
        chars = "".join(sorted({*lex.cn_digits, *lex.cn_small, *lex.cn_big}))
        # bounded: a numeral is never longer, and an unbounded run before a required "分之" would
        # make a long run of numeral characters quadratic
        cn_part = rf"[{chars}](?:[ ]?[{chars}]){{0,24}}(?:[ ]?{lex.cn_point}[ ]?[{digits}](?:[ ]?[{digits}]){{0,12}})?"
        arabic = r"\d[\d,]{0,24}(?:[.﹒]\d{1,12})?"
        mark = r"[ ]*".join(lex.fraction_mark)
        scale = alternation(lex.scale_abbreviations)
        # "X分之Y" is found at its mark: the whole X is read right to left from there
        self.part_mark = re.compile(mark)
        self.part_whole = re.compile(rf"[ ]*(?P<d>[{chars}](?:[ ]?[{chars}]){{0,24}}|\d{{1,9}})")
        self.part_part = re.compile(rf"[ ]*(?P<n>{arabic}|{cn_part})(?:[ ]*(?P<k>{scale}))?")
        ones = "".join(d for d, v in lex.cn_digits.items() if v > 0 and d not in lex.cn_financial)
        ten = "".join(d for d, v in lex.cn_small.items() if v == 10 and d not in lex.cn_financial)
        small, half, point = ones + ten, re.escape(lex.cn_half), re.escape(lex.cn_point)
        self.cheng = re.compile(
            rf"(?:(?<![\d.])(?P<a>\d{{1,2}}(?:\.\d)?)|(?P<c>[{small}](?:[ ]?{point}[ ]?[{small}])?)|(?P<h>{half}))"
            rf"[ ]*{re.escape(lex.cheng)}(?:[ ]?(?P<u>[{ones}1-9])(?![{small}\d]|{re.escape(lex.cheng)})"
            rf"|(?P<uh>{half}))?(?![{re.escape(lex.cheng_not_before)}])"
        )
        self.halves = re.compile(alternation(lex.cn_halves))
        self.multipliers = re.compile(alternation(lex.cn_multipliers))
        after = "".join(sorted(lex.cn_zero_after))
        zero = "".join(d for d, v in lex.cn_digits.items() if v == 0)
        self.zero = re.compile(rf"(?<=[{after}])[{zero}](?![{chars}{point}])")
        share_after = alternation(lex.slash_share_after)
        self.slash = re.compile(
            rf"(?<=[{lex.slash_share_before}])([1-9])/([2-9]|10)(?![\d/.])"
            rf"|(?<![\d/.])([1-9])/([2-9]|10)(?={share_after})"
        )


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns(lexicon())


def english_forms(low: str) -> Iterator[Mention]:
    """English fractions, halves, multipliers and spelled-out numbers."""
    p = _patterns()
    lex = lexicon()
    for m in p.english.finditer(low):
        s, e = m.start(), m.end()
        if s >= 2 and low[s - 1] == "-" and low[s - 2].isalpha():
            continue  # inside a compound: "non-one", "top-ten"
        if m.group("frac"):
            before = low[max(0, s - 30) : s]
            if not (p.of_after.match(low, e) or p.before.search(before)):
                continue  # "a third country", "one quarter" of a year
            if key(m.group("d")) in p.period_fractions and _period(low, s, e, p):
                continue  # "the first three quarters", "three quarters of 2025"
            value = lex.fraction_numerators[key(m.group("n"))] / lex.fraction_denominators[key(m.group("d"))]
            yield Mention(s, e, value * 100, kind="percent", approx=True, tags={"form"})
        elif m.group("half"):
            before = low[max(0, s - 30) : s]
            if _period(low, s, e, p) or p.a_before.search(before):
                continue  # "the first half of 2024" is a period; "a half" is read as a fraction
            if not (p.half_after.match(low, e) or p.before.search(before)):
                continue
            yield Mention(s, e, 50.0, kind="percent", approx=True, tags={"form"})
        elif m.group("mult"):
            value = lex.multipliers[key(m.group("mult"))]
            yield Mention(s, e, value, word=True, kind="times", tags={"form"})
        else:
            yield from english_mentions(low, s, m.group("run"))


def _period(low: str, s: int, e: int, p: _Patterns) -> bool:
    return bool(p.period_before.search(low, max(0, s - 24), s) or p.period_after.match(low, e))


def chinese_forms(text: str) -> Iterator[Mention]:
    """Chinese tenths, "X分之Y" parts, halves, multipliers, nil and slash shares."""
    p = _patterns()
    lex = lexicon()
    for m in p.cheng.finditer(text):
        if m.group("a"):
            tenths = float(m.group("a"))
        elif m.group("c"):
            parsed = parse_chinese_numeral(m.group("c"))
            if parsed is None:
                continue
            tenths = parsed
        else:
            tenths = 0.5
        if m.group("u"):
            unit = m.group("u")
            tenths += (float(unit) if unit.isdigit() else lex.cn_digits[unit]) / 10
        elif m.group("uh"):
            tenths += 0.5
        if not 0 < tenths <= 10:
            continue
        yield Mention(
            m.start(),
            m.end(),
            tenths,
            word=not m.group("a"),
            scale=10.0,
            kind="percent",
            approx=True,
            tags={"form", "scaled"},
        )
    for mark in p.part_mark.finditer(text):
        rev = text[max(0, mark.start() - 50) : mark.start()][::-1]
        d = p.part_whole.match(rev)
        n = p.part_part.match(text, mark.end())
        if d is None or n is None:
            continue
        start = mark.start() - d.end()
        whole = parse_chinese_numeral(d.group("d")[::-1].replace(" ", ""))
        raw, end = n.group("n"), n.end("n")
        part = _part(raw)
        while part is None and len(raw.rstrip()) > 1 and not raw[:1].isdigit():
            raw = raw.rstrip()[:-1]  # "百分之七十百分位": the numeral ends before 百分位
            end = n.start("n") + len(raw)
            part = _part(raw)
        if not whole or part is None:
            continue
        if n.group("k") and end == n.end("n"):
            part *= lex.scale_abbreviations[key(n.group("k"))]
            end = n.end()
        exact = whole >= 100 and str(int(whole)).rstrip("0") == "1"  # 百分之, 千分之: a stated rate
        yield Mention(start, end, part / whole * 100, word=True, kind="percent", approx=not exact, tags={"form"})
    for m in p.halves.finditer(text):
        yield Mention(
            m.start(), m.end(), lex.cn_halves[m.group()], word=True, kind="percent", approx=True, tags={"form"}
        )
    for m in p.multipliers.finditer(text):
        yield Mention(m.start(), m.end(), lex.cn_multipliers[m.group()], word=True, kind="times", tags={"form"})
    for m in p.zero.finditer(text):
        yield Mention(m.start(), m.end(), 0.0, word=True, tags={"form", "nil"})
    for m in p.slash.finditer(text):
        num, den = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        yield Mention(m.start(), m.end(), int(num) / int(den) * 100, kind="percent", approx=True, tags={"form"})


def _part(s: str) -> float | None:
    s = s.replace(" ", "")
    if s[:1].isdigit():
        try:
            return float(s.replace(",", "").replace("﹒", "."))
        except ValueError:
            return None
    return parse_chinese_numeral(s)
