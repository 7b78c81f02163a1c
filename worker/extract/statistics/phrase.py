"""The governing phrase of a number: the words that say what the number is a part of.

A share or a level is governed by a noun phrase, not by the nearest keyword: in "90% of the
lithium refined worldwide comes from China" the number is a part of "the lithium refined
worldwide" (refining, global), in "占全球精炼产量的90%" of "全球精炼产量" (refining), in
"中国在稀土开采上占70%、加工占90%" the second number of "加工" alone. The phrase is:

- English: the "of …" (or "in …") phrase right after the number, up to the next verb, clause
  mark or conjunction before another number; or the "share of …" phrase before it;
- Chinese: the noun after 的 when the number modifies it ("达九成的分离精炼市场"), else the words
  from the start of the number's segment (clause start or the last 、) up to the number: "加工占" /
  "占全球精炼产量的";
- a number in parentheses belongs to the words right before them: "lithium (97%)", "processing
  (60–90%)".

Measures read cues inside this span first (``measure.share_subtype``, ``measure.percent_measure``).
"""

from __future__ import annotations

import re

from worker.common.cjk import has_han
from worker.extract.numbers import Quantity
from worker.extract.statistics.document import Document, Span

__all__ = ["governing_phrase", "parenthesised"]

_OF = re.compile(r"\s*(?:of|in)\s+")
# where an English "of" phrase ends: a clause mark, a finite verb, a new clause
_PHRASE_ENDS: dict[int, re.Pattern[str]] = {}


def _phrase_end(doc: Document) -> re.Pattern[str]:
    """Where an English "of" phrase ends: a clause mark, a predicate or clause word (``data/cues.yaml``
    ``phrase_end_words``), "and" before another number, a digit."""
    pat = _PHRASE_ENDS.get(id(doc.vocab))
    if pat is None:
        words = "|".join(re.escape(w) for w in sorted(doc.vocab.cues.get("phrase_end_words", []), key=len,
                                                       reverse=True)) or "(?!)"
        verbs = "|".join(re.escape(w) for w in doc.vocab.cues.get("predicate_verbs", [])) or "(?!)"
        # "mines more than half of the world's rare earths and controls …": a second predicate
        # a full stop ends it, the one of an abbreviation ("U.S.") does not
        pat = re.compile(rf"[,;:()\[\]]|(?<![A-Z])\.(?=\s|$)|\s(?:{words})\b|\sand\s(?=[^,;.]*\d)"
                         rf"|\sand\s+(?:{verbs})\b|\d")
        if len(_PHRASE_ENDS) > 16:
            _PHRASE_ENDS.clear()
        _PHRASE_ENDS[id(doc.vocab)] = pat
    return pat
_SHARE_OF = re.compile(r"\bshare\s+of\s+", re.IGNORECASE)
_ZH_SEGMENT = re.compile(r"[、，,；;：:]")
_PHRASE_MAX = 70


_PAREN_BEFORE = re.compile(r"([^\s(（,，;；:：]+(?:[ \t]+[^\s(（,，;；:：]+){0,3})[ \t]*[（(][ \t]*$")


def parenthesised(doc: Document, clause: Span, q: Quantity) -> Span | None:
    """The words a parenthesised number belongs to: "lithium (97%)", "processing (60–90%)", "越南（15.4%）"."""
    m = _PAREN_BEFORE.search(doc.prep, max(clause.start, q.start - 60), q.start)
    if m is None or not re.match(r"\s*[)）]", doc.prep[q.end : q.end + 3]):
        return None
    return Span(m.start(1), m.end(1), m.group(1))


def governing_phrase(doc: Document, clause: Span, q: Quantity) -> Span | None:
    """The span of the phrase that governs ``q`` in its clause, or None where none is found."""
    inside = parenthesised(doc, clause, q)
    if inside is not None:
        return inside
    if has_han(doc.prep[max(clause.start, q.start - 4) : q.start] or doc.prep[q.end : q.end + 2]):
        return _zh_phrase(doc, clause, q)
    after = _OF.match(doc.prep, q.end, clause.end)
    if after:
        limit = min(clause.end, after.end() + _PHRASE_MAX)
        stop = _phrase_end(doc).search(doc.prep, after.end(), limit)
        end = stop.start() if stop else limit
        if end > after.end():
            return Span(after.end(), end, doc.prep[after.end() : end])
    before = None
    for m in _SHARE_OF.finditer(doc.prep, clause.start, q.start):
        before = m
    if before is not None and q.start - before.end() <= _PHRASE_MAX:
        return Span(before.end(), q.start, doc.prep[before.end() : q.start])
    return None


# "达九成的分离精炼市场": a number that modifies the noun after 的 is a part of that noun
_ZH_OF = re.compile(r"\s*(?:以上|左右|多|余)?\s*的")
_ZH_NOUN_END = re.compile(r"[,，;；:：。、(（]|和|与|及|而|但|是|为|占|由|来自")


def _zh_phrase(doc: Document, clause: Span, q: Quantity) -> Span | None:
    of = _ZH_OF.match(doc.prep, q.end, clause.end)
    if of:
        stop = _ZH_NOUN_END.search(doc.prep, of.end(), min(clause.end, of.end() + 20))
        end = stop.start() if stop else min(clause.end, of.end() + 20)
        if end - of.end() >= 2:
            return Span(of.end(), end, doc.prep[of.end() : end])
    start = clause.start
    for m in _ZH_SEGMENT.finditer(doc.prep, clause.start, q.start):
        start = m.end()
    start = max(start, q.start - 40)
    if q.start - start < 2:
        return None
    return Span(start, q.start, doc.prep[start : q.start])
