"""Who issued a measure, whom it targets, which items and thresholds it names.

All functions take one prepared sentence (``vocab.prepare``) and return keys:
- ``issuer``: the authority named before the action (the most specific where several are
  named together: "MOFCOM and GACC" is mofcom), else the one named after it (", MOFCOM said");
  a country named as a destination ("exports *to* the US", "对美") is no issuer.
- ``targets``: countries named as destinations (actor keys) and end uses (``military_users``,
  ``semiconductors``).
- ``items``: what a measure covers beyond SCHEMA materials, as the text's words
  ("rare earth-related technologies", "锂电池"); ``dual_use``: a measure on dual-use items.
- ``thresholds``: the value share that brings foreign goods under control (the 0.1% rule).
- ``off_topic``: the sentence is about chips, software, tariffs or sanctions lists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from worker.extract.measures.action import Hit
from worker.extract.measures.lexicon import Lexicon
from worker.extract.numbers import find_quantities
from worker.extract.vocab import Match, Vocabulary
from worker.types import Threshold

__all__ = ["dual_use", "issuer", "items", "off_topic", "targets", "thresholds"]

# characters: issuers this close to each other are named together ("MOFCOM and GACC", "商务部会同海关总署")
_JOINED = 14
_PRONOUN = re.compile(r"\b(?:it|they|its|their)\b|其|该国", re.IGNORECASE)
_ZH_DIGITS = {"零": "0", "〇": "0", "○": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
              "六": "6", "七": "7", "八": "8", "九": "9"}
# "百分之○点一": numbers.find_quantities reads digits and "百分之十五", not a decimal spelled out
_ZH_PERCENT = re.compile(r"百分之([零〇○一二三四五六七八九]+)点([零〇○一二三四五六七八九]+)")


def _lang(chinese: bool) -> str:
    return "zh" if chinese else "en"


def _as_target(sent: str, start: int, lex: Lexicon, lang: str) -> bool:
    return bool(lex.target_before[lang].search(sent[max(0, start - 12) : start]))


def issuer(sent: str, hit: Hit, lex: Lexicon, *, chinese: bool, named: Sequence[Match] | None = None) -> str | None:
    """The issuer of the action of ``hit`` in ``sent``, or ``None`` when the sentence does not say.

    In "the restrictions it had imposed" the issuer is inside the cue, a pronoun: ``None`` (the
    caller takes the passage's issuer), not the subject of the main clause ("the US would not
    tolerate …").
    """
    lang = _lang(chinese)
    named = lex.issuers.find(sent, prepared=True) if named is None else named
    found = [m for m in named if not _as_target(sent, m.start, lex, lang)]
    if hit.anchor > hit.start:
        inner = [m for m in found if hit.start <= m.start and m.end <= hit.anchor]
        if inner:
            return inner[-1].key
        if _PRONOUN.search(sent, hit.start, hit.anchor):
            return None
    before = [m for m in found if m.end <= hit.anchor]
    if before:
        group = [before[-1]]
        for m in reversed(before[:-1]):
            if group[-1].start - m.end > _JOINED:
                break
            group.append(m)
        return min(group, key=lambda m: (lex.issuer_rank.get(m.key, 99), -m.start)).key
    after = [m for m in found if m.start >= hit.anchor]
    return after[0].key if after else None


def targets(sent: str, lex: Lexicon, vocab: Vocabulary, *, chinese: bool,
            actors: Sequence[Match] | None = None) -> tuple[str, ...]:
    """Destination countries and end uses named in the sentence, in a stable order."""
    lang = _lang(chinese)
    out: list[str] = []
    for m in vocab.find_actors(sent, prepared=True) if actors is None else actors:
        if m.weak or m.key in out:
            continue
        if _as_target(sent, m.start, lex, lang) or (chinese and m.alias.startswith("对") and m.key != "china"):
            out.append(m.key)
    out += [key for key, rx in lex.end_uses if rx[lang].search(sent)]
    return tuple(out)


def items(text: str, sent: str, lex: Lexicon, *, chinese: bool) -> tuple[str, ...]:
    """The non-material items the sentence names, as written (lower-cased, de-duplicated)."""
    out: list[str] = []
    for m in lex.items[_lang(chinese)].finditer(sent):
        word = " ".join(text[m.start() : m.end()].lower().split())
        if word and word not in out:
            out.append(word)
    return tuple(out)


def dual_use(sent: str, lex: Lexicon, *, chinese: bool) -> bool:
    """Does the sentence put dual-use items under the measure (no mineral need be named)?"""
    return bool(lex.dual_use[_lang(chinese)].search(sent))


def off_topic(sent: str, lex: Lexicon, *, chinese: bool) -> bool:
    """Does the sentence speak of chips, software, tariffs or sanctions lists?"""
    return bool(lex.off_topic[_lang(chinese)].search(sent))


def thresholds(sent: str, lex: Lexicon, *, chinese: bool) -> tuple[Threshold, ...]:
    """Small percentages named with a threshold word ("0.1% of value", "价值占比达0.1%")."""
    lang = _lang(chinese)
    kinds = [kind for kind, rx in lex.threshold_words if rx[lang].search(sent)]
    if not kinds:
        return ()
    values = [q.value for q in find_quantities(sent) if q.unit == "percent"]
    if chinese:
        values += [float("".join(_ZH_DIGITS[c] for c in m.group(1)) + "." + "".join(_ZH_DIGITS[c] for c in m.group(2)))
                   for m in _ZH_PERCENT.finditer(sent)]
    out: list[Threshold] = []
    for value in values:
        t = Threshold(kinds[0], value, "percent")
        if 0 < value <= 1 and t not in out:
            out.append(t)
    return tuple(out)
