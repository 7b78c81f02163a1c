"""Numerals: where a number is written and what it is worth, before any unit.

Three grammars, one per writing system, each a scanner that yields ``Mention``s spanning the
numeral alone (units are ``units.attach``'s decision):

- digits: "1,720", "8.63", "12,34,567.89" (Indian grouping), the full-width and small decimal
  marks ("５．５", "5﹒5"), and Chinese scale characters written after digits ("9.2万",
  "1万8125", "3亿5000万", "60余万");
- English words: "sixty-one", "two hundred and fifty", "one hundred", "a million", "five
  million" (a run of number words is split where the grammar breaks: "two and four" is two
  numbers, "one two" too);
- Chinese numerals: "十五", "一千二百万", "四十九兆九千五百九十二亿", "一点五亿", "二〇二五",
  the financial forms ("拾万零五十六点叁叁"), the colloquial dropped unit ("一万二" is 12000),
  with spaces between the characters tolerated ("一 百 五 十").

``parse_number`` and ``parse_chinese_numeral`` are the public parsers of one numeral string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from worker.extract.numbers.lexicon import Lexicon, alternation, key, lexicon
from worker.extract.numbers.model import Mention

__all__ = [
    "digit_mentions",
    "parse_chinese_numeral",
    "parse_english_numeral",
    "parse_number",
    "patterns",
]

_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})+,\d{3}|\d+)(?:[.﹒]\d+)?"
_ARABIC_TOKEN = re.compile(r"\d[\d,]*(?:[.﹒]\d+)?")


class Patterns:
    """The numeral patterns, compiled once from the lexicon."""

    def __init__(self, lex: Lexicon) -> None:
        big = "".join(lex.cn_big)
        more = "".join(sorted(lex.cn_more))
        hundreds = "".join(ch for ch, v in lex.cn_small.items() if v >= 100 and ch not in lex.cn_financial)
        thousand = "".join(ch for ch, v in lex.cn_small.items() if v == 1000 and ch not in lex.cn_financial)
        # 千 that starts a unit word ("5千克" is 5 kg, "千米", "千瓦"): not a scale
        unit_words = [*lex.masses, *lex.measurements]
        after_thousand = "".join(sorted({w[1] for w in unit_words if len(w) > 1 and w[0] in thousand}))
        not_unit = f"(?![{after_thousand}])" if after_thousand else ""
        # digits, then Chinese scale characters ("9.2万", "60余万", "1万8125", "5千吨" but not "5千克")
        tail = rf"(?:[{more}]?(?:[{hundreds}]?[{big}]+|[{thousand}]{not_unit})(?:\d+(?![.﹒\d,]))?)*"
        # a cheap scan finds where a numeral starts; the full pattern reads it there
        self.digit_start = re.compile(r"(?<![a-z0-9.,_/\\﹒])\d[\d,.﹒]*")
        self.digits = re.compile(rf"(?P<d>{_ARABIC})(?P<t>{tail})")
        chars = "".join(sorted({*lex.cn_digits, *lex.cn_small, *lex.cn_big}))
        plain = "".join(sorted(lex.cn_digits))
        self.chinese = re.compile(
            rf"[{chars}](?:[ ]?[{chars}])*"
            rf"(?:[ ]?{lex.cn_point}[ ]?[{plain}0-9](?:[ ]?[{plain}0-9]){{0,12}}(?:[{big}]{{1,3}})?)?"
        )
        words = [*lex.en_numerals, *lex.scales]
        word = alternation(words)
        scale = alternation(lex.scales)
        # "a hundred", "an estimated" is no number: "a"/"an" only before a scale word
        first = rf"(?:{alternation(lex.en_numerals)}|an?(?=[\s\-]+(?:{scale})))"
        self.english_run = rf"(?P<run>{first}(?:[\s\-]+(?:and[\s\-]+)?(?:{word}))*)"
        # every word that can start an English number or form, as one trie: the English scan
        # tries the full grammar only where one of these starts
        a_words = [*lex.fraction_denominators, *lex.scales]
        self.english_first = alternation(
            [*lex.en_numerals, *lex.multipliers, "half", *(f"{a} {w}" for a in ("a", "an") for w in a_words)]
        )
        self.english_tokens = re.compile(r"[a-z]+")
        # financial digits alone are no numeral ("大陆" holds 陆): they count only inside a longer one
        self.financial = lex.cn_financial
        self.big = frozenset(lex.cn_big)
        self.units = frozenset({*lex.cn_small, *lex.cn_big})
        self.vague = frozenset(lex.vague_before)
        self.big_tail = re.compile(rf"[{big}]+$")
        self.common = frozenset("零〇○一二两三四五六七八九十百千万亿")


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    return Patterns(lexicon())


# ----------------------------------------------------------------------------- parsers


def parse_number(s: str) -> float | None:
    """Arabic ("1,720", "8.63"), Chinese ("九") or English ("seven", "sixty-one") numeral → float."""
    s = s.strip()
    if not s:
        return None
    try:
        return float(s.replace(",", "").replace("﹒", "."))
    except ValueError:
        pass
    words = parse_english_numeral(s.lower())
    if words is not None:
        return words
    return parse_chinese_numeral(s)


def parse_english_numeral(s: str) -> float | None:
    """A whole string of English number words ("two hundred and fifty") → its value, else None."""
    toks = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[a-z]+", s.lower())]
    if not toks:
        return None
    found = list(_english_numbers(toks, lexicon()))
    if len(found) == 1 and found[0][0] == 0 and found[0][1] == len(toks):
        return found[0][2]
    return None


def parse_chinese_numeral(s: str) -> float | None:
    """``"九"`` → 9, ``"十五"`` → 15, ``"一千二百万"`` → 12e6, ``"1万8125"`` → 18125, ``"一点五亿"`` → 1.5e8."""
    lex = lexicon()
    s = s.replace(" ", "")
    if not s:
        return None
    if lex.cn_point in s:
        whole, frac = s.split(lex.cn_point, 1)
        big = 1.0
        while frac and frac[-1] in lex.cn_big:
            big *= lex.cn_big[frac[-1]]
            frac = frac[:-1]
        digits = "".join(ch if ch.isdigit() else str(int(lex.cn_digits.get(ch, -1))) for ch in frac)
        if not frac or not digits.isdigit():
            return None
        head = _chinese_integer(whole, lex) if whole else None
        if head is None:
            return None
        return (head + float("0." + digits)) * big
    return _chinese_integer(s, lex)


def _chinese_integer(s: str, lex: Lexicon) -> float | None:
    if len(s) >= 2 and all(ch in lex.cn_digits for ch in s):
        return float("".join(str(int(lex.cn_digits[ch])) for ch in s))  # "二〇二五"
    total = section = 0.0
    num: float | None = None
    num_is_digit = False
    last_unit = 0.0  # the unit just before the current digit, for "一万二" (12000)
    max_big = 0.0
    zero = False
    pos = 0
    while pos < len(s):
        ch = s[pos]
        if ch.isdigit():
            m = _ARABIC_TOKEN.match(s, pos)
            assert m is not None
            if num is not None:
                return None
            num = float(m.group().replace(",", "").replace("﹒", "."))
            num_is_digit = False
            pos = m.end()
            continue
        pos += 1
        if ch in lex.cn_digits:
            v = lex.cn_digits[ch]
            if v == 0:
                zero, num, last_unit = True, None, 0.0
                continue
            if num is not None:
                return None  # "二三十": two digits side by side
            num, num_is_digit = v, True
        elif ch in lex.cn_small:
            unit = lex.cn_small[ch]
            if num is None and (section or total or zero):
                return None  # "七十百": a unit needs its digit (only a leading 十/百/千 stands alone)
            section += (num if num is not None else 1.0) * unit
            num, last_unit, zero = None, unit, False
        elif ch in lex.cn_big:
            unit = lex.cn_big[ch]
            section += num or 0.0
            if section == 0 and total == 0:
                section = 1.0  # "万" alone, "亿元"
            if section == 0 and num is None and last_unit in lex.cn_big.values():
                total *= unit  # "万万", "万亿": units side by side multiply
                max_big = max(max_big, total)
                last_unit = unit
                continue
            if unit > max_big:
                total = (total + section) * unit
                max_big = unit
            else:
                total += section * unit
            section, num, last_unit, zero = 0.0, None, unit, False
        else:
            return None
    if num is not None:
        if num_is_digit and not zero and last_unit > 10:
            num *= last_unit / 10  # "三千五" is 3500, "两万五" 25000
        section += num
    return total + section


def _english_numbers(toks: list[tuple[int, int, str]], lex: Lexicon) -> Iterator[tuple[int, int, float]]:
    """Split a run of number-word tokens into valid numbers: (first token, end token, value)."""
    i = 0
    n = len(toks)
    while i < n:
        total = 0.0
        current: float | None = None
        last: str | None = None
        last_scale = float("inf")
        start = i
        end = i
        j = i
        while j < n:
            w = toks[j][2]
            nxt = toks[j + 1][2] if j + 1 < n else ""
            v = lex.en_numerals.get(w)
            if w in {"a", "an"}:
                if last is not None or nxt not in lex.scales:
                    break
                current, last = 1.0, "unit"
            elif v is not None and v < 10 and v > 0:
                if last not in {None, "tens", "hundred", "and", "scale"}:
                    break
                current = (current or 0.0) + v
                last = "unit"
            elif v is not None:  # zero, ten … nineteen, twenty … ninety
                if last not in {None, "hundred", "and", "scale"} or (v == 0 and last is not None):
                    break
                current = (current or 0.0) + v
                last = "tens" if v >= 20 and v % 10 == 0 else "teen"
            elif w == "and":
                if last not in {"hundred", "scale"} or lex.en_numerals.get(nxt) is None:
                    break
                last = "and"
                j += 1
                continue
            elif w in lex.scales:
                scale = lex.scales[w]
                if scale == 100:
                    if last not in {"unit", "teen"} or current is None or current >= 100:
                        break
                    current *= 100
                    last = "hundred"
                else:
                    if current is None or scale >= last_scale:
                        break
                    total += current * scale
                    current, last, last_scale = None, "scale", scale
            else:
                break
            j += 1
            end = j
        if end == start:
            i += 1
            continue
        yield start, end, total + (current or 0.0)
        i = end


# ----------------------------------------------------------------------------- scanners


def digit_mentions(text: str, low: str) -> Iterator[Mention]:
    """Numerals written in digits, Chinese scale characters after them included."""
    pat = patterns()
    lex = lexicon()
    for start in pat.digit_start.finditer(low):
        m = pat.digits.match(low, start.start())
        if m is None:
            continue
        s = m.start()
        value: float | None
        tail = m.group("t")
        approx = False
        if tail:
            for ch in lex.cn_more:
                if ch in tail:
                    approx = True
                    tail = tail.replace(ch, "")
            value = parse_chinese_numeral(m.group("d") + tail)
        else:
            value = float(m.group("d").replace(",", "").replace("﹒", "."))
        if value is None:
            continue
        if s and low[s - 1] == "-" and s >= 2 and text[s - 2].isalpha():
            # "F-35", "COVID-19" are names; "then-145 percent" keeps the number if a unit follows
            mention = Mention(s, m.end(), value, approx=approx, tags={"glued"})
        else:
            mention = Mention(s, m.end(), value, approx=approx)
        if tail:
            mention.tags.add("scaled")
            _split_scale(mention, m.group("d").replace(",", "") + tail, pat)
        yield mention


def english_mentions(low: str, start: int, run: str) -> Iterator[Mention]:
    """The numbers in one run of English number words found at ``start``."""
    pat = patterns()
    toks = [(m.start(), m.end(), m.group()) for m in pat.english_tokens.finditer(run)]
    for a, b, value in _english_numbers(toks, lexicon()):
        s, e = start + toks[a][0], start + toks[b - 1][1]
        yield Mention(s, e, value, word=True, tags={"scaled"} if _has_scale(toks[a:b]) else set())


def _has_scale(toks: list[tuple[int, int, str]]) -> bool:
    lex = lexicon()
    return any(key(t[2]) in lex.scales and lex.scales[key(t[2])] >= 1000 for t in toks)


def chinese_mentions(text: str) -> Iterator[Mention]:
    """Chinese numerals (kept later only with a unit, a measure word or a percent form)."""
    pat = patterns()
    for m in pat.chinese.finditer(text):
        raw = m.group()
        if len(raw) > 48:
            continue  # no numeral is this long: a run of numeral characters is something else
        stripped = raw.replace(" ", "")
        if len(stripped) == 1 and stripped in pat.financial:
            continue  # a financial digit alone: 陆 of 大陆
        if all(ch in pat.big for ch in stripped):
            continue  # "万吨", "亿元": a unit, no number
        if m.start() and text[m.start() - 1] in pat.vague and stripped[0] in pat.units:
            continue  # "数十亿", "几千吨", "上百家": a vague amount
        value = parse_chinese_numeral(stripped)
        if value is None:
            continue
        mention = Mention(m.start(), m.end(), value, word=True, tags={"chinese"})
        _split_scale(mention, stripped, pat)
        yield mention


def _split_scale(m: Mention, numeral: str, pat: Patterns) -> None:
    """ "十五万", "15万": the big unit at the end is a scale, shared along a range ("十到十五万吨")."""
    tail = pat.big_tail.search(numeral)
    if tail is None or tail.start() == 0:
        return
    head = numeral[: tail.start()]
    if any(ch in pat.big for ch in head) or head[-1:] in {"多", "余"}:
        return
    base = parse_chinese_numeral(head)
    if base:
        m.scale = m.base / base
        m.base = base
