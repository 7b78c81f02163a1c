"""Material: which mineral a number is about.

The "of ..." phrase right after the number, else the material just before it in its clause,
else the most specific one in the sentence, else the nearest earlier sentence's, else the
document's dominant material. Lists are paired in order with "respectively" / 分别; a share of
several listed materials gives one statistic per material ("镓、锗产量占全球80%").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from worker.extract.numbers import Quantity
from worker.extract.statistics.document import GENERIC_MATERIALS, SHARE_MEASURES, Document, Span, has_cue, in_span
from worker.extract.statistics.phrase import parenthesised
from worker.extract.text import Sentence
from worker.extract.vocab import Match


def materials_for(
    ctx: Document,
    si: int,
    clause: Span,
    q: Quantity,
    measure: str | None,
    lang: str,
    count_match: Match | None,
    unit_is_money: bool = False,
) -> list[str | None]:
    sent = ctx.sentences[si]
    in_clause = in_span(ctx.materials, clause.start, clause.end)
    in_sent = in_span(ctx.materials, sent.start, sent.end)
    chosen: Match | None = None

    paired = respectively(ctx, sent, q, in_sent)
    if paired is not None:
        return [paired]
    inside = parenthesised(ctx, clause, q)
    if inside is not None:
        # "lithium (97%) and magnesium (93%)": the material named right before the parenthesis, or
        # minerals in general when the words there name another mineral
        named = in_span(ctx.materials, inside.start, inside.end)
        if named:
            return [named[-1].key]
        if ctx.vocab.find_cues("other_minerals", inside.text, prepared=True):
            return ["critical_minerals"]

    following = [m for m in in_clause if m.start >= q.end]
    preceding = [m for m in in_clause if m.end <= q.start]
    if count_match is not None:
        # "seven key rare earth elements from the medium-to-heavy group": the most specific
        window = [m for m in following if m.start - q.end <= 60]
        specific = [m for m in window if m.key not in GENERIC_MATERIALS and not m.weak]
        if specific:
            chosen = specific[0]
        elif window:
            chosen = window[0]
        elif preceding:
            group = coordination(ctx, preceding[-1], preceding)
            if len({g.key for g in group}) > 1:
                return ["critical_minerals"]
            chosen = preceding[-1]
    if chosen is None and following:
        gap = ctx.prep[q.end : following[0].start]
        # the "of ..." phrase of this number, not the next number's ("~70% of mining and ~90% of heavy-REE")
        if (
            not re.search(r"\d", gap)
            and len(gap) <= 60
            and (re.match(r"\s*(?:\)|\]|of|in|for|的)", gap) or lang == "en")
        ):
            chosen = following[0]
    if chosen is None and preceding:
        chosen = preceding[-1]
    if chosen is None and following and not re.search(r"\d", ctx.prep[q.end : following[0].start]):
        chosen = following[0]
    if chosen is None:
        before = [m for m in in_sent if m.end <= q.start]
        after = [m for m in in_sent if m.start >= q.end]
        if before:
            # "NdPr, a rare earth pair that is key to magnets, is assured a price of $110/kg":
            # the specific material the sentence is about beats a generic or vague mention
            chosen = max(before, key=lambda m: (specificity(m), m.start))
        elif after and not re.search(r"\d|;|\b(?:while|whereas|but)\b", ctx.prep[q.end : after[0].start]):
            chosen = after[0]
    if chosen is None:
        weak_fallback: Match | None = None
        for prev in range(si - 1, max(-1, si - 8), -1):
            ps = ctx.sentences[prev]
            found = in_span(ctx.materials, ps.start, ps.end)
            strong = [m for m in found if not m.weak]
            if strong:
                chosen = strong[0]
                break
            if found and weak_fallback is None:
                weak_fallback = found[0]
        chosen = chosen or weak_fallback
    if (
        chosen is not None
        and chosen.weak
        and measure == "other"
        and unit_is_money
        and not re.fullmatch(r"\s*(?:worth\s+)?of\s+(?:the\s+)?", ctx.prep[q.end : chosen.start])
    ):
        # "$400M behind domestic magnet supply": money for the industry, not for one product
        return [dominant_material(ctx)]
    if chosen is None:
        return [dominant_material(ctx)]
    if (
        measure in SHARE_MEASURES
        or measure == "import_dependence"
        or (measure == "export_volume" and q.value == 0)
    ):
        # "镓、锗产量占全球80%": one statistic per listed material
        group = coordination(ctx, chosen, in_sent)
        keys = []
        for g in group:
            if g.key not in keys and g.key not in GENERIC_MATERIALS:
                keys.append(g.key)
        if len(keys) > 1:
            return list(keys)
    return [chosen.key]


def respectively(ctx: Document, sent: Sentence, q: Quantity, in_sent: list[Match]) -> str | None:
    """ "镓、锗出口量分别为5.15吨和8.63吨", "gallium and germanium ... 5.15 and 8.63 tonnes,
    respectively": the n-th number goes with the n-th listed material."""
    if not has_cue(ctx, "respectively", sent.start, sent.end):
        return None
    before = [m for m in in_sent if m.end <= q.start]
    if not before:
        return None
    group = coordination(ctx, before[-1], in_sent)
    keys = [g.key for g in group]
    if len(set(keys)) < 2:
        for m in reversed(before[:-1]):  # the list may sit before the last material named
            group = coordination(ctx, m, in_sent)
            keys = [g.key for g in group]
            if len(set(keys)) >= 2:
                break
        else:
            return None
    peers = [x for x in ctx.quantities if x.unit == q.unit and group[-1].end <= x.start and x.end <= sent.end]
    index = next((i for i, x in enumerate(peers) if x.start == q.start), None)
    if index is None or index >= len(keys) or len(peers) != len(keys):
        return None
    return keys[index]


def specificity(m: Match) -> int:
    """2 for a named mineral, 1 for a generic class (rare earths), 0 for a vague word (magnets)."""
    if m.weak:
        return 0
    return 1 if m.key in GENERIC_MATERIALS else 2


def dominant_material(ctx: Document) -> str | None:
    """The strong material the text names most often (its topic), for numbers that name none."""
    counts: dict[str, float] = {}
    for m in ctx.materials:
        if not m.weak:
            # ties go to the generic key: "rare earths" is the topic, "NdPr" a detail
            counts[m.key] = counts.get(m.key, 0.0) + (1.0 if m.key not in GENERIC_MATERIALS else 1.01)
    return max(counts, key=lambda k: counts[k]) if counts else None


def coordination(ctx: Document, anchor: Match, pool: Sequence[Match]) -> list[Match]:
    """Materials listed together with ``anchor`` ("镓、锗", "gallium and germanium")."""
    ordered = sorted(pool, key=lambda m: m.start)
    idx = next((i for i, m in enumerate(ordered) if m.start == anchor.start), None)
    if idx is None:
        return [anchor]
    group = [anchor]
    sep = re.compile(r"\s*(?:、|,|，|和|与|及|and|&|, and)\s*", re.IGNORECASE)
    i = idx
    while i > 0 and sep.fullmatch(ctx.prep[ordered[i - 1].end : ordered[i].start]):
        group.insert(0, ordered[i - 1])
        i -= 1
    i = idx
    while i + 1 < len(ordered) and sep.fullmatch(ctx.prep[ordered[i].end : ordered[i + 1].start]):
        group.append(ordered[i + 1])
        i += 1
    return group
