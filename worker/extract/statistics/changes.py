"""Changes: a rise or fall verb (or a rate-of-change noun) governing a number makes it a signed change.

"fell 24%" is −24, "rose 660%" is 660; "rose to 15%", "降至538吨" and "由1.7%升至4.3%" are levels,
not changes; a verb governs every number of a list after it ("减少9%和8%"); what the verb governs
decides what changed ("cut scooter production by 40%" is output, not exports). Words: the ``up``,
``down``, ``level_marker``, ``fall_rate`` and ``rise_rate`` lists of ``data/cues.yaml``.
"""

from __future__ import annotations

import re

from worker.common.cjk import has_han
from worker.extract.numbers import Quantity
from worker.extract.statistics.document import (
    PRICES,
    Document,
    Span,
    cues_in,
    has_measure_cue,
    in_span,
    level_pattern,
)
from worker.extract.text import Sentence
from worker.extract.vocab import Match

NEAR_BEFORE = 40


NEAR_AFTER = 16


AFTER_ONLY = frozenset({"more", "less", "fewer"})


# "减少9%和8%", "fell 12% and 9%": a change verb governs every number of a list after it
NUMBER_LIST = re.compile(r"\s*(?:[\d.,]+\s*(?:%|percent|per cent)?\s*(?:和|与|及|、|,|and|or)\s*)+")


FROM_LEVEL = re.compile(r"(?:由|从|\bfrom)\s*(?:about\s+|约)?$", re.IGNORECASE)


LEVEL_INSIDE = re.compile(r"\s*(?:至|到)[^\d,;:。，；]{0,8}$")


def nearest_direction(ctx: Document, clause: Span, q: Quantity) -> tuple[float, Match] | None:
    """Sign of a change verb right before ("fell 24%", "下滑5.2%") or after ("a 4% decline") the number."""
    best: tuple[int, float, Match] | None = None
    lo = max(clause.start, q.start - NEAR_BEFORE)
    hi = min(clause.end, q.end + NEAR_AFTER)
    for name, sign in (("up", 1.0), ("down", -1.0)):
        for c in cues_in(ctx, name, lo, hi):
            if c.end <= q.start and c.alias.lower() in AFTER_ONLY:
                continue  # "more than 90%" is a hedge; "30% more" is a change
            if any(f.start <= c.start and c.end <= f.end and f.end - f.start > c.end - c.start
                   for f in cues_in(ctx, "share_frame", c.start - 12, c.end + 2)):
                continue  # "makes up 55%": the word belongs to a share verb, it is no change
            if c.start >= q.end and FROM_LEVEL.search(ctx.prep[max(clause.start, q.start - 6) : q.start]):
                continue  # "由1.7%升至4.3%", "from 98% to 94%": the starting level, not a change
            if c.end <= q.start:
                gap = ctx.prep[c.end : q.start]
                if re.search(r"\d", gap) and not NUMBER_LIST.fullmatch(gap):
                    continue  # another number is closer to the cue (unless the verb governs a list)
                # "rose to 15%", "降至538吨", "骤降至不足世界的50%": a level, not a change
                if level_pattern(ctx.vocab).search(gap) or LEVEL_INSIDE.match(gap):
                    continue
                dist = q.start - c.end
            elif c.start >= q.end:
                gap = ctx.prep[q.end : c.start]
                if re.search(r"\d", gap) or len(gap.split()) > 2:
                    continue
                dist = c.start - q.end
            else:
                continue
            if best is None or dist < best[0]:
                best = (dist, sign, c)
    return (best[1], best[2]) if best else None


def change_measure(ctx: Document, sent: Sentence, clause: Span, context_sent: Sentence,
                   sign: float) -> tuple[str | None, float]:
    """A signed change: of a price, of exports, else ``other`` (or not ours without a material)."""
    cs, ce = clause.start, clause.end
    if has_measure_cue(ctx, "price", cs, ce):
        return "price_change", sign
    if has_measure_cue(ctx, "import_volume", cs, ce) and not has_measure_cue(ctx, "export_volume", cs, ce):
        return "other", sign  # "…, while Japan's imports fell 5%": SCHEMA has no import change
    if has_measure_cue(ctx, "export_volume", sent.start, sent.end):
        return "export_change", sign
    if has_measure_cue(ctx, "price", sent.start, sent.end) or quotes_price(ctx, sent.start, sent.end):
        # "germanium ingots at 13,250 yuan a kilogram, after a climb of nearly a third": the price quoted
        return "price_change", sign
    if context_sent.start < sent.start and has_measure_cue(ctx, "export_volume", context_sent.start, sent.start):
        return "export_change", sign
    if context_sent.start < sent.start and (has_measure_cue(ctx, "price", context_sent.start, sent.start)
                                            or quotes_price(ctx, context_sent.start, sent.start)):
        return "price_change", sign  # "Prices hit a record. That amounts to a 38% rise since …"
    if not in_span(ctx.materials, sent.start, sent.end):
        return "", 1.0  # "EV sales rose 30%" next to a sentence about magnets
    return "other", sign


def quotes_price(ctx: Document, start: int, end: int) -> bool:
    """A price stated as a number in the span ("13,250 yuan a kilogram", "$400/mtu")."""
    return any(start <= x.start < end and (x.per is not None or (x.unit or "") in PRICES) for x in ctx.quantities)


def changed_noun(ctx: Document, clause: Span, q: Quantity, verb: Match) -> str | None:
    """The measure named by what the change verb governs, between the verb and the number ("cut scooter
    production by 40%": output, not exports), or just before a Chinese verb ("产量增长9.12%"); None when
    nothing is named there."""
    if verb.end > q.start:
        return None
    span = (verb.end, q.start)
    if has_han(ctx.prep[verb.start : verb.end]) and not has_han(ctx.prep[span[0] : span[1]].strip() or "a"):
        # Chinese puts what changed before the verb: "中国稀土产量每年平均增长9.12%"
        span = (max(clause.start, verb.start - 10), verb.start)
    if has_measure_cue(ctx, "price", *span):
        return "price_change"
    if has_measure_cue(ctx, "export_volume", *span):
        return "export_change"
    if any(has_measure_cue(ctx, m, *span) for m in ("production_volume", "import_volume", "reserves_volume")):
        return "other"
    return None


def rate_noun_sign(ctx: Document, clause: Span, q: Quantity) -> float | None:
    """The sign a rate-of-change noun before the number gives it ("年减幅缩小到15%": −15), or None."""
    for name, sign in (("fall_rate", -1.0), ("rise_rate", 1.0)):
        if cues_in(ctx, name, max(clause.start, q.start - 30), q.start):
            return sign
    return None
