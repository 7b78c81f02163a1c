"""Hedges: whether a number is stated as approximate (SCHEMA "Hedges"), decided here in full.

The form itself may be approximate ("七成", "two-thirds", "3000多吨": set by the scanners). The
words around it decide the rest, by these rules in order (the first that answers wins):

  symbol          "~70%", "≈5", ">90%"                                        → hedged
  comparison      "30% more than 1,200 tonnes": a comparative right after
                  another quantity compares, it does not hedge              → not hedged
  adverb          "about 30%", "nearly 90%", "约80%"; Chinese adverbs hedge the
                  verb phrase after them: "约占全球的80%", "大约要用4173千克" → hedged
  comparative     "more than 90%", "up to 5,000 tonnes", "超过90%", "逾九成"; a
                  comparative hedges only what comes right after it: "more than the
                  1,200 tonnes shipped a year earlier" compares two values. Chinese
                  lets a share of a whole come between ("不足世界的50%"), never a value
                  of another period ("超过去年的1200吨")                       → hedged
  after           "90%以上", "80%左右", "50 tonnes or more", "十多个"           → hedged

Words inside other words are no hedge: 纽约 (New York) holds 约, 近年 holds 近 (``not_hedge``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from worker.common.cjk import has_han
from worker.extract.numbers.lexicon import Lexicon, alternation, key, lexicon, reversed_alternation
from worker.extract.numbers.model import Mention

__all__ = ["hedge_words", "mark_hedges"]

class _Patterns:
    def __init__(self, lex: Lexicon) -> None:
        symbols = reversed_alternation(lex.hedge_symbols)
        self.symbol = re.compile(rf"[ \t]*(?:{symbols})")
        words = reversed_alternation(lex.hedge_adverbs | lex.hedge_comparatives)
        # right to left from the number: a gap, then a hedge word. The gap is empty or spaces,
        # or (Chinese) a short verb phrase without numbers or punctuation.
        self.word = re.compile(rf"(?P<gap>[ \t]*|[^\d\s,.;:!?，。；：、！？()（）{{}}\[\]]{{1,10}}?)(?P<w>{words})")
        self.after = re.compile(rf"[ \t]*(?:-[ \t]*)?(?:{alternation(lex.hedge_after)})")
        self.not_after = re.compile(alternation(lex.after_not_before))
        self.not_hedge = lex.not_hedge
        self.reference = lex.comparison_reference
        pos = re.escape(lex.possessive)
        self.whole_gap = re.compile(rf"^[^\d{pos}]{{1,8}}{pos}$")
        self.wholes = lex.share_whole


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns(lexicon())


def mark_hedges(text: str, low: str, mentions: list[Mention]) -> list[Mention]:
    """Set ``approx`` on every hedged mention (the forms' own approximation is kept)."""
    p = _patterns()
    lex = lexicon()
    prev_end = -1
    for m in mentions:
        if not m.approx:
            verdict = _before(low, m, p, lex, prev_end)
            if verdict is None:
                verdict = _after(low, m.high.end if m.high is not None else m.end, p)
            m.approx = bool(verdict)
        prev_end = m.high.end if m.high is not None else m.end
    return mentions


def _before(low: str, m: Mention, p: _Patterns, lex: Lexicon, prev_end: int) -> bool | None:
    """True: hedged; False: a comparison; None: no hedge before the number."""
    s = m.start
    rev = low[max(0, s - 24) : s][::-1]
    if p.symbol.match(rev):
        return True
    hit = p.word.match(rev)
    if hit is None:
        return None
    word = key(hit.group("w")[::-1])
    gap = hit.group("gap")[::-1]
    w_start = s - hit.end()
    w_end = s - hit.start("w")
    if _inside_word(low, w_start, w_end, p):
        return None
    cjk = has_han(word)
    if gap.strip():
        if not cjk:
            return None  # English hedges bind only what follows them directly
        if word in lex.hedge_adverbs:
            return True  # "约占全球的80%": the adverb hedges the verb phrase
        if any(r in gap for r in p.reference):
            return False  # "超过去年的1200吨": a value of another period
        if p.whole_gap.match(gap) and any(w in gap for w in p.wholes):
            return True  # "不足世界的50%": a share of a whole
        return None
    # "300 tonnes more than …" compares
    return not (word in lex.hedge_comparatives and not cjk and _after_quantity(low, w_start, prev_end))


def _inside_word(low: str, start: int, end: int, p: _Patterns) -> bool:
    """The hedge is part of a longer word (纽约, 近年, 通过)."""
    window = low[max(0, start - 3) : end + 3]
    offset = max(0, start - 3)
    for w in p.not_hedge:
        i = window.find(w)
        while i >= 0:
            if offset + i < end and offset + i + len(w) > start:
                return True
            i = window.find(w, i + 1)
    return False


def _after_quantity(low: str, hedge_start: int, prev_end: int) -> bool:
    return prev_end >= 0 and 0 <= hedge_start - prev_end <= 2 and not low[prev_end:hedge_start].strip(" \t")


def _after(low: str, end: int, p: _Patterns) -> bool:
    hit = p.after.match(low, end)
    if hit is None:
        return False
    if p.not_after.match(low, hit.end()):
        return False  # 上下游, 多于, 多出
    tail = low[hit.end() : hit.end() + 1]
    word = hit.group().strip()
    return not (word.isascii() and word[-1:].isalpha() and tail.isalpha())


def hedge_words() -> dict[str, list[str]]:
    """The hedge words of both languages as cue lists (``hedge_before``, ``hedge_after``), for
    the vocabulary's cue matcher: the statistics rules read "fell to about 15%" as a level."""
    lex = lexicon()
    before = sorted({*lex.hedge_adverbs, *lex.hedge_comparatives, *lex.hedge_symbols})
    return {"hedge_before": before, "hedge_after": sorted(set(lex.hedge_after))}
