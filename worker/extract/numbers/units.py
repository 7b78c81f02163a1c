"""Units: what a numeral is a number *of*, read from the words glued to it.

``attach`` extends a numeral over the words that belong to it and records each part on the
``Mention`` (the SCHEMA unit is composed from the parts at the end, see ``model.Mention.unit``):

before the numeral (matched right-to-left, see ``lexicon``)
  currency symbols and codes   "US$1.2bn", "AUD 400 million", "€1.8 million", "人民币50元", "MAUD 60"
  per-mass before              "每吨3020元", "每磅10美元"
  a sign                       "-22.2%", "负3.9%", "minus five percent"
after it (one anchored match of ``Patterns.suffix``), in this order
  scale                        "1.5 million", "$2.3-billion", "$400M", "25 lakh", "十多万吨"
  "more than" mark             "3000多吨", "两千多吨" (approximate)
  unit                         percent "61%", "50-percent", "a 25-per-cent"; percentage points
                               "10 percentage points", "3个百分点"; times "2.6 times", "3倍";
                               currency "20 billion yuan", "十五美元", "30 MUSD"; mass "4,075 metric
                               tons", "a three-ton", "20 (kg)"; a physical measurement "14 nm",
                               "300MPa" (not a SCHEMA unit: its role says so)
  per-mass after               "$110/kg", "$25,250 per metric ton", "$180 a kilogram", "45万元/吨"
  "and a half"                 "一吨半" (1.5 tonnes)
"""

from __future__ import annotations

import re
from copy import copy
from functools import lru_cache

from worker.common.cjk import HAN_CLASS
from worker.extract.numbers.lexicon import Lexicon, alternation, key, lexicon, reversed_alternation
from worker.extract.numbers.model import Mention

__all__ = ["attach", "unit_phrase"]

_SP = r"[ \t]{0,4}"


class _Patterns:
    def __init__(self, lex: Lexicon) -> None:
        symbols_after = [s for s in lex.currency_symbols if not s[-1:].isalpha()]  # "10 €", "100 ₡"
        codes = [s for s in lex.currency_symbols if len(s) == 3 and s.isalpha()]
        cn_big = "".join(lex.cn_big)
        per_words = alternation(w for w in lex.per_mass if len(w) > 1)  # "a t" would read "at"
        per_all = alternation(lex.per_mass)
        self.codes = frozenset(codes)
        self.per_connector = re.compile(rf"^[ \t]*(?:/|(?:{alternation(lex.per_words)}))[ \t]*")
        self.suffix = re.compile(
            r"(?P<hy>[ \t]?-?[ \t]?)"
            rf"(?:(?P<scale>{alternation(w for w in lex.scales if lex.scales[w] >= 1000)})"
            rf"|(?P<abbr>{alternation(lex.scale_abbreviations)})(?![a-z/]))?"
            rf"(?P<more>[{''.join(sorted(lex.cn_more))}])?"
            rf"(?P<cnscale>[百千]?[{cn_big}]+)?"
            rf"(?P<sp>{_SP}-?)"
            rf"(?:(?P<pp>{alternation(lex.point_words)})"
            rf"|(?P<bp>{alternation(lex.basis_point_words)})"
            rf"|(?P<pct>{alternation(lex.percent_words)})"
            rf"|(?P<times>{alternation(lex.times_words)})"
            rf"|(?P<mcur>{re.escape(lex.million_prefix)}(?:{alternation(codes)}))"
            rf"|(?P<cur>(?:{alternation(lex.currency_words)})|(?:{alternation(symbols_after)})(?![ \t]*\d)"
            rf"|(?:{alternation(lex.clause_end_currency)})(?![{HAN_CLASS}]))"
            rf"|(?P<mass>(?P<br>[(\[{{<])?(?:{alternation(lex.masses)})(?(br)[)\]}}>]))"
            rf"|(?P<meas>{alternation(lex.measurements)}))?"
            rf"(?P<per>[ \t]*/[ \t]*(?:{per_all})|[ \t]*(?:{alternation(lex.per_words)})[ \t]+(?:{per_words})"
            rf"|{alternation(lex.cn_per_after)})?"
            rf"(?P<half>{re.escape(lex.cn_half)}(?![{re.escape(lex.half_not_before)}]))?"
        )
        pre_symbols = [s for s in lex.currency_symbols]
        self.prefix = re.compile(
            r"(?P<sp>[ \t]{0,2})"
            rf"(?:(?P<per>{reversed_alternation(lex.cn_per_before)})"
            rf"|(?P<mcur>(?:{'|'.join(re.escape(c[::-1]) for c in codes)}){re.escape(lex.million_prefix)}(?![a-z]))"
            rf"|(?P<pof>fo[ \t]+(?:{reversed_alternation(lex.percent_words - {'%'})}))"
            rf"|(?P<cur>{reversed_alternation(pre_symbols)}))"
        )
        self.neg_words = re.compile(rf"[ \t]*(?:{reversed_alternation(lex.negative_words)})")
        # the last character of any prefix: a numeral with none of these before it has no prefix
        firsts = {w[-1] for w in [*pre_symbols, *lex.cn_per_before, *(c + lex.million_prefix for c in codes)]}
        self.prefix_ends = frozenset(firsts | {"f"})  # "f": "percent of 10"
        self.symbols_longest_first = sorted(lex.currency_symbols, key=len, reverse=True)


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns(lexicon())


def attach(text: str, low: str, m: Mention, *, chinese: bool = False) -> None:
    """Extend ``m`` over its prefix and suffix and record the parts they name (``chinese``: the
    text is Chinese, where ¥ is the yuan)."""
    p = _patterns()
    lex = lexicon()
    _suffix(low, m, p, lex)
    before = low[max(0, m.start - 3) : m.start].rstrip(" \t")
    if before and before[-1] in p.prefix_ends:
        _prefix(low, m, p, lex, chinese)
    if before:
        _sign(low, m, p)


def _suffix(low: str, m: Mention, p: _Patterns, lex: Lexicon) -> None:
    sfx = p.suffix.match(low, m.end)
    if sfx is None or (sfx.end("hy") == sfx.start("sp") and sfx.end() == sfx.end("sp")):
        return  # nothing but spaces after the number (most numbers)
    g = sfx.groupdict()
    end = m.end
    if g["scale"]:
        m.scale = lex.scales[key(g["scale"])]
        end = sfx.end("scale")
    elif (
        g["abbr"]
        and not m.word
        and not g["hy"].strip(" \t")
        and (not g["hy"] or key(g["abbr"]) in lex.spaced_abbreviations)
    ):
        m.scale = lex.scale_abbreviations[key(g["abbr"])]  # "$400M", "5 bn"; not "5 m" (metres)
        end = sfx.end("abbr")
    if g["more"]:
        m.approx = True
        end = sfx.end("more")
    if g["cnscale"]:
        m.scale = (m.scale or 1.0) * _cn_scale(g["cnscale"], lex)
        end = sfx.end("cnscale")
    if m.scale is not None:
        m.tags.add("scaled")
    unit_end = _unit(low, m, sfx, g, lex)
    if unit_end is not None:
        end = unit_end
    if g["per"] and m.kind is None and m.mass is None:
        word = g["per"]
        kind = lex.cn_per_after.get(word) or lex.per_mass.get(key(p.per_connector.sub("", word)))
        if kind is not None:
            m.per_mass = kind
            end = sfx.end("per")
    if g["half"] and m.mass is not None and m.scale is None:
        m.base += 0.5  # "一吨半"
        end = sfx.end("half")
    m.end = max(m.end, end)


def _cn_scale(s: str, lex: Lexicon) -> float:
    v = 1.0
    for ch in s:
        v *= lex.cn_big.get(ch) or lex.cn_small.get(ch, 1.0)
    return v


def _unit(low: str, m: Mention, sfx: re.Match[str], g: dict[str, str | None], lex: Lexicon) -> int | None:
    """Record the unit group of ``sfx`` on ``m``; the end of the unit, or None if there is none."""
    if g["pp"]:
        m.kind = "percentage_points"
        return sfx.end("pp")
    if g["pct"]:
        m.kind = "percent"
        return sfx.end("pct")
    if g["bp"]:
        m.kind = "percentage_points"
        m.scale = (m.scale or 1.0) * 0.01  # "50 basis points" is 0.5 percentage points
        return sfx.end("bp")
    times = g["times"]
    if times:
        after = low[sfx.end("times") : sfx.end("times") + 14]
        if times != lex.zh_times and _frequency(after, lex):
            m.tags.add("frequency")  # "three times a year"
            return None
        if m.base == 1 and times == lex.zh_times and m.word:
            m.base = 2.0  # "增长一倍" doubles; nobody writes "one times"
        m.kind = "times"
        return sfx.end("times")
    if g["mcur"]:
        m.currency = lex.currency_symbols[key(g["mcur"][len(lex.million_prefix) :])].code
        m.scale = (m.scale or 1.0) * 1e6
        return sfx.end("mcur")
    if g["cur"]:
        word = key(g["cur"])
        cur = lex.currency_words.get(word) or lex.clause_end_currency.get(word) or lex.currency_symbols[word]
        m.currency = cur.code
        m.money_factor = cur.factor
        if word in {"元", "圆"}:
            nxt = low[sfx.end("cur") : sfx.end("cur") + 1]
            if m.word and nxt and nxt in lex.yuan_not_before:
                m.currency = None  # "三元正极材料": a word (ternary), not three yuan
                return None
            m.tags.add("yuan-word")  # "台币5306亿元": a currency sign before names the currency
        return sfx.end("cur")
    if g["mass"]:
        m.mass, m.mass_factor = lex.masses[key(g["mass"].strip("()[]{}<>"))]
        return sfx.end("mass")
    if g["meas"]:
        m.kind = "measurement"
        return sfx.end("meas")
    return None


def _frequency(after: str, lex: Lexicon) -> bool:
    words = key(after).split(" ")
    rest = " ".join(words[:2])
    return any(rest == w or rest.startswith(w + " ") for w in lex.times_not_before)


def _prefix(low: str, m: Mention, p: _Patterns, lex: Lexicon, chinese: bool) -> None:
    rev = low[max(0, m.start - 20) : m.start][::-1]
    pre = p.prefix.match(rev)
    if pre is None:
        return
    if pre.group("cur"):
        outer = p.prefix.match(rev, pre.end())  # "每吨￥3000": a per-mass before the currency sign
        if outer is not None and outer.group("per") and not outer.group("sp"):
            m.per_mass = lex.cn_per_before[outer.group("per")[::-1]]
            m.start -= outer.end() - pre.end()
    if pre.group("per"):
        m.per_mass = lex.cn_per_before[pre.group("per")[::-1]]
    elif pre.group("pof"):
        if not m.bare or re.search(r"\d[ \t]*$", low[max(0, m.start - pre.end() - 4) : m.start - pre.end()]):
            return  # "20 percent of 10 tonnes": the percent belongs to the number before
        m.kind = "percent"  # "percent of 10": the number after the unit
        m.tags.add("prefix-unit")
    elif pre.group("mcur"):
        word = pre.group("mcur")[::-1]
        m.currency = lex.currency_symbols[key(word[len(lex.million_prefix) :])].code
        m.scale = (m.scale or 1.0) * 1e6
        m.tags.add("prefix-unit")
    else:
        word = pre.group("cur")[::-1]
        if word.isascii() and word.isalpha() and pre.group("sp") == "" and len(word) <= 2:
            return  # "rs5", "rm5": a code, not a currency
        if m.currency is None or "yuan-word" in m.tags:
            table = lex.chinese_symbols if chinese and key(word) in lex.chinese_symbols else lex.currency_symbols
            m.currency = table[key(word)].code
            m.tags.add("prefix-unit")
    m.start -= pre.end()


def _sign(low: str, m: Mention, p: _Patterns) -> None:
    """ "-22.2%" at the start of a cell or after a space, not the "-" of "80 -90%" or "F-35"."""
    s = m.start
    if s and low[s - 1] == "-":
        if "glued" in m.tags:
            return
        before = low[max(0, s - 12) : s - 1]
        last = before.rstrip(" \t")[-1:]
        if not last or last in "\n(:[;" or (before[-1:] in {" ", "\t"} and not last.isdigit() and last not in "%)"):
            m.sign = -1.0
            m.start = s - 1
        return
    rev = low[max(0, s - 10) : s][::-1]
    neg = p.neg_words.match(rev)
    if neg is not None:
        m.sign = -1.0
        m.start = s - neg.end()


def unit_phrase(phrase: str) -> Mention | None:
    """The unit parts a header names ("metric tons", "dollars per kilogram", "us$/kg", "万吨"),
    as a new Mention with no value; None unless the whole phrase is a unit."""
    found = _unit_phrase(phrase.strip())
    return None if found is None else copy(found)


@lru_cache(maxsize=256)
def _unit_phrase(phrase: str) -> Mention | None:
    p = _patterns()
    lex = lexicon()
    probe = Mention(0, 0, 0.0)
    for sym in p.symbols_longest_first:
        if phrase.startswith(sym) and not (sym[-1].isalpha() and phrase[len(sym) : len(sym) + 1].isalpha()):
            probe.currency = lex.currency_symbols[sym].code
            phrase = phrase[len(sym) :]
            break
    padded = " " + phrase.strip() if phrase.strip() else ""
    if padded:
        _suffix(padded, probe, p, lex)
        if probe.end != len(padded):
            return None  # more words than a unit: not a header
    if probe.bare and probe.per_mass is None:
        return None
    return probe
