"""Which action a sentence reports: ``find_actions``.

A cue (data/measures_events/actions.yaml) is a verb with its object ("imposed export controls",
"暂停实施…管制"), a measure taking effect ("the curbs came into force"), a requirement ("will need
an export licence"), or a measure named with its date ("the export controls of April 2025").
A cue stands only as a statement of fact: one shortly after a hedge, plan, proposal, threat,
demand, condition or negation in its clause is dropped ("is looking into restricting",
"urged Beijing to lift", "若…恢复管制", "尚未实施"), as is an English infinitive nobody decided
("convened to tighten controls", but "agreed to suspend"). An adjective is no action ("China's
tightening export controls"), nor is a cue inside a book title (《禁止出口限制出口技术目录》).

Overlapping cues of one action are one cue; "announced wider controls" is expand, not also
impose; a relative clause inside another action's cue ("suspend the controls it had placed")
keeps both, since the text states both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from worker.extract.measures.lexicon import Cue, Lexicon
from worker.extract.text import fold

__all__ = ["Hit", "find_actions"]

_CLAUSE_BREAK = re.compile(r"[,;:，；：!?！？。]|\s[-–—]\s|—")
_TO_BEFORE = re.compile(r"\bto\s+$", re.IGNORECASE)
_WORDS_BEFORE = re.compile(r"(?:\S+\s+){1,4}$")
_POSSESSIVE = re.compile(r"(?:'s|’s|\bits|\btheir|\bthe|\bhis|\bher)\s+$", re.IGNORECASE)
_PARTICIPLE = re.compile(r"\s*\w+(?:ing|ed)\b(?!\s+(?:of|on|to|up)\b)", re.IGNORECASE)
# a gerund governed by a preposition is a topic, not an act: "talks on lifting controls",
# "meetings focused on tightening controls", "the possibility of limiting supplies"
_GERUND_AFTER_PREP = re.compile(r"\b(?:on|about|of|for|against|regarding|towards?|over)\s+$", re.IGNORECASE)
_GERUND = re.compile(r"\w+ing\b", re.IGNORECASE)


@dataclass(frozen=True)
class Hit:
    """One action cue found in a sentence: its action and span (offsets into the sentence)."""

    action: str
    start: int
    end: int
    anchor: int  # where the verb is (the start, unless the verb follows its object)
    weight: float
    rank: int
    effect: bool
    nominal: bool
    descriptive: bool = False
    bare: bool = False


def find_actions(sent: str, lex: Lexicon, *, chinese: bool) -> list[Hit]:
    """The action cues of one prepared sentence that state facts, overlaps resolved.

    A cue is tried only when the sentence holds the literals its regex needs (cheap ``in``
    tests before any regex). A question states nothing ("为什么选在此时收紧出口管制？").
    """
    if sent.rstrip().rstrip("\"'”’」)").endswith(("?", "？")):
        return []
    lang = "zh" if chinese else "en"
    has_ctrl: bool | None = None
    hits: list[Hit] = []
    low = fold(sent)
    for cue in lex.cues:
        if cue.lang != lang or not all(any(lit in low for lit in group) for group in cue.needs):
            continue
        for m in cue.regex.finditer(sent):
            if cue.need_ctrl:
                if has_ctrl is None:
                    has_ctrl = bool(lex.ctrl[lang].search(sent))
                if not has_ctrl:
                    break
            hit = _hit(cue, m)
            if _stands(sent, hit, cue, lex, lang):
                hits.append(hit)
    return _resolve(sent, hits)


def _hit(cue: Cue, m: re.Match[str]) -> Hit:
    anchor = m.start()
    if "v" in cue.regex.groupindex and m.group("v"):
        anchor = m.start("v")
    return Hit(cue.action, m.start(), m.end(), anchor, cue.weight, cue.rank, cue.effect, cue.nominal, cue.descriptive,
               cue.bare)


def _clause_start(sent: str, pos: int) -> int:
    """Where the clause holding ``pos`` begins; a short parenthetical (", too,") is no clause."""
    breaks = [m for m in _CLAUSE_BREAK.finditer(sent, 0, pos)]
    start = 0
    for i, m in enumerate(breaks):
        near_next = i + 1 < len(breaks) and breaks[i + 1].start() - m.end() <= 6
        near_prev = i > 0 and m.start() - breaks[i - 1].end() <= 6
        if not (near_next or near_prev):
            start = m.end()
    return start


def _stands(sent: str, hit: Hit, cue: Cue, lex: Lexicon, lang: str) -> bool:
    """Is the cue a statement of fact (not hedged, planned, demanded, negated, adjectival, quoted)?"""
    if lang == "zh" and sent.rfind("《", 0, hit.start) > sent.rfind("》", 0, hit.start):
        return False  # inside the title of a law or catalogue
    if cue.attributive and _POSSESSIVE.search(sent, 0, hit.start) and _PARTICIPLE.match(sent, hit.start):
        return False  # "China's tightening export controls": an adjective
    if lang == "en" and _GERUND.match(sent, hit.anchor) and _GERUND_AFTER_PREP.search(sent, 0, hit.anchor):
        return False
    # the window before the verb: inside the cue when the verb follows its object ("the
    # restrictions it had imposed"), else the clause before the cue
    if hit.anchor > hit.start and not cue.subject_first:
        lo = hit.start
    else:
        lo = max(_clause_start(sent, hit.start), hit.start - lex.window[lang])
    if cue.negation_ok:
        return True
    if lex.blockers[lang].search(sent, lo, hit.anchor):
        return False
    if lang == "en" and hit.anchor == hit.start and lex.blockers[lang].search(sent, hit.anchor, hit.end):
        return False  # "halts if supplies are restricted"
    if lang == "zh" and lex.topic_after.match(sent, hit.end):
        return False  # "加强管制对中国而言既属…": a policy judged, not an act
    if lang == "zh":
        brk = _CLAUSE_BREAK.search(sent, hit.end)
        if lex.blockers_after.search(sent, hit.end, brk.start() if brk else len(sent)):
            return False  # "就把…列入目录一事征求意见"
    if lang == "en" and _TO_BEFORE.search(sent, 0, hit.anchor):
        before = _WORDS_BEFORE.search(sent, 0, _TO_BEFORE.search(sent, 0, hit.anchor).start())  # type: ignore[union-attr]
        if before is None or not lex.realised.search(before.group()):
            return False  # "convened to tighten controls", "urged … to lift"
    return True


_CHANGES = frozenset({"suspend", "lift", "extend", "resume"})
_ZH_NAMED = re.compile(r"(?:公布|宣布|发布|实施|实行|出台|推出|提出)的")


def _named(sent: str, h: Hit) -> bool:
    """Is an imposition cue a measure named with its own verb ("the controls it had placed",
    "10月9日公布的管制"), rather than the bare object of another action ("the ban on exports")?"""
    return h.nominal or h.anchor > h.start or bool(_ZH_NAMED.match(sent, h.start))


def _one(sent: str, h: Hit, k: Hit) -> bool:
    """Are two overlapping cues one statement?"""
    actions = {h.action, k.action}
    if h.action == k.action or actions == {"impose", "expand"} or actions == {"extend", "suspend"}:
        return True
    imposed = h if h.action == "impose" else k if k.action == "impose" else None
    return imposed is not None and bool(actions & _CHANGES) and not _named(sent, imposed)


def _resolve(sent: str, hits: list[Hit]) -> list[Hit]:
    """Overlapping cues: one statement (same action; impose inside expand; a bare ban inside a
    suspension, lifting, extension or resumption; a suspension inside an extension) takes the
    higher-ranked action; else both stand."""
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for h in hits:
        drop = False
        for i, k in enumerate(kept):
            if h.start >= k.end or k.start >= h.end:
                continue
            if _one(sent, h, k):
                winner = max((k, h), key=lambda x: (x.rank, x.end - x.start, -x.start))
                kept[i] = Hit(winner.action, min(h.start, k.start), max(h.end, k.end), winner.anchor,
                              max(h.weight, k.weight), winner.rank, h.effect or k.effect,
                              h.nominal and k.nominal, h.descriptive and k.descriptive, h.bare and k.bare)
                drop = True
                break
        if not drop:
            kept.append(h)
    return kept
