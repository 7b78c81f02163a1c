"""Units stated once and carried to the numbers that rely on them.

Rules, in order:

  header        a table or list header names the unit of the bare numbers under it:
                "Imports (metric tons): 12,300 in 2014, 9,160 in 2015" (to the end of the line),
                "Average prices, in dollars per kilogram:" / "(US$/kg)" / "单位：万吨" on a line of
                its own (to the next header or blank line); a price header turns the amounts
                under it into prices ("$395 in 2014" → usd_per_kg)
  conversion    "13,250 yuan ($1,826.48) a kilogram", "每磅10美元（约合…）": the amount before a
                parenthesised conversion takes the conversion's per-mass, and back
  price_pair    "$1,000 per kilogram, up from $300", "每磅10美元升至25美元", "$300 to $1,000/kg":
                a bare amount next to a price, linked by from/to/and/versus, is a price too
  list          "5.15 and 8.63 tonnes", "20, 30 and 40%", "七成、八成": the earlier members of a
                list take the last member's unit
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from functools import lru_cache

from worker.extract.numbers.lexicon import Lexicon, alternation, key, lexicon
from worker.extract.numbers.model import Mention
from worker.extract.numbers.ranges import share_parts
from worker.extract.numbers.units import unit_phrase

__all__ = ["carry_units"]

_INLINE_HEADER = re.compile(r"\((?:in[ \t]+)?(?P<u>[^()\n\d]{1,30})\)[ \t]*[:：]")
# a line that ends in a colon or a bracket may be a header: "Average prices, in dollars per kilogram:"
_LINE_END = re.compile(r"(?m)[:：)）][ \t]*$")
_BLOCK_END = re.compile(r"\n[ \t]*\n")
_MONEY = {"usd", "cny", "eur"}


class _Patterns:
    def __init__(self, lex: Lexicon) -> None:
        links = lex.links

        def alt(name: str) -> str:
            return alternation(links.get(name, ()))

        hedges = alternation(lex.hedge_adverbs | lex.hedge_comparatives)
        self.price_link = re.compile(rf"\W*(?:{alt('price_verbs')})?\s*(?:{alt('price_links')})?\s*$")
        self.compared = re.compile(
            rf"[^\d.;!?。；]{{0,40}}?(?:{alt('comparison_links')})[ \t]*"
            rf"(?:(?:{hedges}|{alt('comparison_hedges')})[ \t]+)*$"
        )
        self.pair_back = re.compile(rf"\s*(?:{alt('pair_links')})\s*")
        self.list_link = re.compile(rf"\s*(?:{alt('list_links')})\s*(?:(?:{alt('list_hedges')})\s+)?$")
        self.conversion = re.compile(rf"[ \t]*[(（][ \t]*(?:{alt('conversion_words')})?[ \t]*")
        self.line_unit = re.compile(
            rf"(?:(?<![a-z])(?:{alt('header_in')})[ \t]+(?P<u1>[^\d,;:()]{{1,30}}?)"
            r"|[(（](?P<u2>[^\d()（）]{1,30})[)）])[ \t]*[:：]?[ \t]*$"
        )
        self.cn_header = re.compile(rf"(?:{alt('header_unit')})[:：][ \t]*(?P<u>[^\n\d,，;；。)）]{{1,12}})")
        self.per_connector = re.compile(rf"^(?:(?:{alternation(lex.per_words)})[ \t]+|/[ \t]*)")
        per = alternation([*lex.per_mass, *lex.cn_per_after])
        self.conversion_tail = re.compile(
            rf"[ \t]*[)）][ \t]*(?P<w>(?:(?:{alternation(lex.per_words)})[ \t]+|/[ \t]*)(?:{per})"
            rf"|{alternation(lex.cn_per_before)})"
        )


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns(lexicon())


def carry_units(text: str, low: str, mentions: list[Mention]) -> list[Mention]:
    p = _patterns()
    if ":" in low or "：" in low:
        _headers(low, mentions, p)
    _conversions(low, mentions, p)
    _price_pairs(low, mentions, p)
    _lists(low, mentions, p)
    return mentions


def _applicable(m: Mention) -> bool:
    return m.role is None and not m.word and "form" not in m.tags


def _apply(header: Mention, m: Mention) -> None:
    if m.bare and _applicable(m):
        share_parts(header, m, header=True)
    elif (
        m.currency is not None
        and m.per_mass is None
        and header.per_mass is not None
        and header.currency in {None, m.currency}
    ):
        m.per_mass = header.per_mass  # "$395" under "in dollars per kilogram"


def _headers(low: str, mentions: list[Mention], p: _Patterns) -> None:
    starts = [m.start for m in mentions]
    inline = list(_INLINE_HEADER.finditer(low))
    blocks: list[tuple[int, int, Mention | None]] = []
    for h in inline:
        unit = unit_phrase(h.group("u"))
        line_end = low.find("\n", h.end())
        line_end = len(low) if line_end < 0 else line_end
        if not low[h.end() : line_end].strip():
            blocks.append((h.start(), h.end(), unit))  # "Spot prices (US$/kg):" heads the lines below
            continue
        if unit is None:
            continue
        for m in mentions[bisect_left(starts, h.end()) : bisect_left(starts, line_end)]:
            _apply(unit, m)
    for e in _LINE_END.finditer(low):
        line_start = low.rfind("\n", 0, e.start()) + 1
        line = low[line_start : e.end()]
        if len(line) > 120 or any(ch.isdigit() for ch in line) or _INLINE_HEADER.search(line):
            continue
        u = p.line_unit.search(line)
        if u is not None:
            blocks.append((line_start, e.end(), unit_phrase(u.group("u1") or u.group("u2") or "")))
    for h in p.cn_header.finditer(low):
        blocks.append((h.start(), h.end(), unit_phrase(h.group("u"))))
    if not blocks:
        return
    blocks.sort(key=lambda b: b[0])
    inline_starts = [h.start() for h in inline if low[h.end() : h.end() + 1] not in {"\n", ""}]
    for k, (_, h_end, unit) in enumerate(blocks):
        if unit is None:
            continue
        stop = blocks[k + 1][0] if k + 1 < len(blocks) else len(low)
        blank = _BLOCK_END.search(low, h_end, stop)
        stop = blank.start() if blank else stop
        own = bisect_left(inline_starts, h_end)  # a line with its own header ends the block
        if own < len(inline_starts) and inline_starts[own] < stop:
            stop = low.rfind("\n", 0, inline_starts[own]) + 1
        for m in mentions[bisect_left(starts, h_end) : bisect_left(starts, stop)]:
            _apply(unit, m)


def _conversions(low: str, mentions: list[Mention], p: _Patterns) -> None:
    for a, b in itertools.pairwise(mentions):
        if a.currency is None or b.currency is None:
            continue
        gap = low[a.end : b.start]
        if len(gap) > 20 or not p.conversion.fullmatch(gap):
            continue
        if a.per_mass is None and b.per_mass is not None:
            a.per_mass = b.per_mass
        elif b.per_mass is None and a.per_mass is not None:
            b.per_mass = a.per_mass
        elif a.per_mass is None and b.per_mass is None:
            tail = p.conversion_tail.match(low, b.end)
            if tail:
                word = p.per_connector.sub("", tail.group("w"))
                kind = lexicon().per_mass.get(key(word)) or lexicon().cn_per_before.get(word)
                if kind is not None:
                    a.per_mass = b.per_mass = kind


def _price_pairs(low: str, mentions: list[Mention], p: _Patterns) -> None:
    for i, q in enumerate(mentions):
        if q.currency not in _MONEY or q.per_mass is not None:
            continue
        for j in (i - 1, i + 1):
            if not 0 <= j < len(mentions):
                continue
            other = mentions[j]
            if other.currency != q.currency or other.per_mass is None or other.kind is not None:
                continue
            lo, hi = (other.end, q.start) if j < i else (q.end, other.start)
            gap = low[lo:hi]
            forward = j < i and (
                (len(gap) <= 30 and p.price_link.match(gap + " ")) or (len(gap) <= 60 and p.compared.match(gap))
            )
            backward = j > i and len(gap) <= 30 and p.pair_back.fullmatch(gap)  # "$300 to $1,000/kg"
            comparable = other.value() > 0 and 0.01 <= q.value() / other.value() * _per_factor(other) <= 100
            if (forward or backward) and comparable:
                q.per_mass = other.per_mass
                break


def _per_factor(m: Mention) -> float:
    return 0.45359237 if m.per_mass == "pound" else 1.0


def _lists(low: str, mentions: list[Mention], p: _Patterns) -> None:
    """ "5.15 and 8.63 tonnes": earlier members of a list take the last one's unit."""
    for i in range(len(mentions) - 2, -1, -1):
        q, nxt = mentions[i], mentions[i + 1]
        if not q.bare or q.word or q.role is not None or nxt.bare or nxt.kind in {"times", "measurement"}:
            continue
        if "scaled" in q.tags and nxt.scale is not None:
            continue
        gap = low[q.end : nxt.start]
        if len(gap) <= 12 and p.list_link.match(gap + " ") and not re.search(r"\d", gap):
            share_parts(nxt, q)
