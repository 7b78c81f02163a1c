"""Clauses inside a sentence: where a cue's subject, hedges and negations are looked for.

A sentence is cut at clause punctuation (commas, semicolons, colons, dashes, in both scripts).
That is crude grammar but it is the grammar news sentences follow: "Beijing, which …, said
it would lift the curbs" keeps its subject across a relative clause (handled in ``actors``),
"If China reimposes curbs, Japan will stockpile" puts the condition in its own clause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

__all__ = ["CLAUSE_BREAK", "clause_bounds", "clause_end", "clause_start", "clause_text", "in_parens", "window"]

CLAUSE_BREAK = re.compile(r"[,;:，；：!?！？]|\s[-–—]\s|—")
_CLOSE = re.compile(r"\s*[)）]")


@lru_cache(maxsize=512)
def _breaks(sent: str) -> tuple[tuple[int, int], ...]:
    """Clause breaks of ``sent`` outside parentheses ("the G7 (the U.S., the UK, Japan) endorsed")."""
    out: list[tuple[int, int]] = []
    for m in CLAUSE_BREAK.finditer(sent):
        before = sent[:m.start()]
        if before.count("(") + before.count("（") <= before.count(")") + before.count("）"):
            out.append((m.start(), m.end()))
    return tuple(out)


def clause_start(sent: str, pos: int) -> int:
    """Start of the clause containing ``pos``."""
    start = 0
    for _s, e in _breaks(sent):
        if e > pos:
            break
        start = e
    return start


def clause_end(sent: str, pos: int) -> int:
    """End of the clause containing ``pos`` (the next break, or the sentence end)."""
    for s, _ in _breaks(sent):
        if s >= pos:
            return s
    return len(sent)


def clause_text(sent: str, start: int, end: int) -> str:
    """The clause around the span ``[start, end)``."""
    return sent[clause_start(sent, start):clause_end(sent, end)]


def clause_bounds(sent: str, pos: int) -> list[tuple[int, int]]:
    """``(start, end)`` of every clause up to the one containing ``pos``."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for s, e in _breaks(sent):
        bounds.append((start, s))
        start = e
        if start > pos:
            return bounds
    bounds.append((start, len(sent)))
    return bounds


def window(sent: str, start: int, zh: bool, masked: Sequence[tuple[int, int]] = (),
           openers: re.Pattern[str] | None = None) -> str:
    """The few words (10) or characters (12) before ``start`` inside its clause: where hedges bind.

    Spans in ``masked`` (other cues overlapping this one) are blanked: in "refused U.S.
    requests to relax", "refused" negates Beijing's answer, not the US request. A word of
    ``openers`` ("now that", "because", "因为") starts a clause without punctuation: the window
    begins after it.
    """
    begin = clause_start(sent, start)
    if openers is not None:
        for m in openers.finditer(sent, begin, start):
            begin = m.end()
    chars = list(sent[begin:start])
    for s, e in masked:
        if s < start < e or (s < start and e > start):
            for i in range(max(s, begin), min(e, start)):
                chars[i - begin] = " "
    prefix = "".join(chars)
    if zh:
        return prefix[-12:]
    words = prefix.split()
    return " ".join(words[-10:]) + (" " if words else "")


def in_parens(sent: str, pos: int, end: int | None = None) -> bool:
    """Inside a parenthetical list ("the G7 (the United States, Canada, …)"); an acronym gloss
    that is nothing but the mention ("the German association (VDA)") does not count."""
    depth = 0
    opened = -1
    for i, ch in enumerate(sent[:pos]):
        if ch in "(（":
            depth += 1
            opened = i
        elif ch in ")）" and depth:
            depth -= 1
    if depth <= 0:
        return False
    gloss = end is not None and opened >= 0 and _CLOSE.match(sent, end) and not sent[opened + 1:pos].strip()
    return not gloss
