"""Period: the time a number is stated for ("in the first half of 2025", "前8个月", "去年")."""

from __future__ import annotations

import re

from worker.extract.numbers import Quantity
from worker.extract.statistics.document import Document, Span
from worker.extract.text import Sentence

PERIOD_RE = re.compile(
    r"\b(?i:in|during|for|over|since)\s+(?:the\s+)?(?:(?:first|second|third|fourth|last)\s+"
    r"(?:half|quarter|\w+\s+months)(?:\s+of\s+\d{4})?|(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)(?:\s+\d{4})?|\d{4})\b"
    r"|\b(?:last|this)\s+(?:month|year|quarter)\b"
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)(?=['’]s\b|\s+(?:exports|shipments|imports)\b)"
    r"|(?:\d{4}年)?(?:前\d{1,2}个?月|\d{1,2}(?:至|-)\d{1,2}月|\d{1,2}月份?)|(?:\d{4}年)?(?:上半年|下半年|全年)|\d{4}年|今年|去年|上月",
)


def period_of(ctx: Document, sent: Sentence, clause: Span, q: Quantity) -> str | None:
    """The period the number is stated for, when the clause (or else the sentence) says it."""
    for span in ((clause.start, clause.end), (sent.start, sent.end)):
        best: tuple[int, str] | None = None
        for m in PERIOD_RE.finditer(ctx.prep, span[0], span[1]):
            if re.fullmatch(r"\d{1,2}月", m.group(0)) and ctx.prep[m.end() : m.end() + 1].isdigit():
                continue
            if re.fullmatch(r"\d{1,2}月", m.group(0)) and ctx.prep[m.end() : m.end() + 3].rstrip().endswith(
                "日"
            ):
                continue
            if re.search(r"(?:较|比|与|than|from)\s*$", ctx.prep[max(span[0], m.start() - 6) : m.start()]):
                continue  # "较去年同期", "from a year earlier": the base of a comparison
            dist = min(abs(m.start() - q.end), abs(q.start - m.end()))
            text = ctx.text[m.start() : m.end()]
            text = re.sub(r"^(?:in|during|for|over|since)\s+(?:the\s+)?", "", text, flags=re.IGNORECASE)
            if best is None or dist < best[0]:
                best = (dist, text)
        if best:
            return best[1]
    return None
