"""Amounts: masses, sums of money and multipliers, and what they measure.

A mass is an export, import, output, reserve or quota volume by the cue that governs it (its
clause first, then its sentence), an output rate when stated per year; money is an export or
import value when a trade verb governs it; a multiplier is a price or export change when it
states one. Amounts of other goods ("12 million tonnes of soybeans", "$300 billion of Chinese
goods") are not ours.
"""

from __future__ import annotations

import re

from worker.extract.numbers import Quantity
from worker.extract.statistics.document import (
    Document,
    Span,
    cues_in,
    has_cue,
    has_measure_cue,
    has_role,
    in_span,
    measure_cues_in,
    strong_actors,
    with_topic,
)
from worker.extract.text import Sentence


def times_measure(ctx: Document, sent: Sentence, clause: Span, q: Quantity) -> str:
    word = ctx.prep[q.start : q.end].lower()
    verb = word.endswith("ed") or word.endswith("ing")
    rose = bool(cues_in(ctx, "up", max(clause.start, q.start - 25), q.start))
    compared = has_cue(ctx, "period_compare", q.end, min(clause.end, q.end + 30))
    if verb or rose or compared or "倍" in word:
        if has_measure_cue(ctx, "price", clause.start, clause.end):
            return "price_change"
        if has_measure_cue(ctx, "export_volume", sent.start, sent.end):
            return "export_change"
        if has_measure_cue(ctx, "price", sent.start, sent.end):
            return "price_change"
    return "other"


def volume_measure(
    ctx: Document, sent: Sentence, clause: Span, q: Quantity, unit: str, context_sent: Sentence
) -> str:
    before = ctx.prep[max(clause.start, q.start - 6) : q.start].lower()
    if re.search(r"\bby\s*(?:about|around|some|nearly)?\s*$", before):
        return "other"  # "lifted its mining by 15,000 tons": a change of a volume
    if unit == "kg" and not has_measure_cue(ctx, "export_volume", clause.start, clause.end):
        return "other"
    if has_cue(ctx, "content", clause.start, clause.end) or has_cue(ctx, "trade_total", clause.start, clause.end):
        return "other"  # per-unit content; imports and exports counted together
    if PER_YEAR.match(ctx.prep, q.end) and not any(
            has_measure_cue(ctx, m, clause.start, clause.end)
            for m in ("export_volume", "import_volume", "production_quota", "reserves_volume")):
        return "production_volume"  # "can make 2,000 tonnes per year", "年产5000吨": a rate of output
    spans = [(clause.start, clause.end), (sent.start, sent.end)]
    if not has_cue(ctx, "demand_word", clause.start, clause.end):
        # "Apparent consumption (metric tons): 12,200" below a row of exports measures use, not exports
        spans.append((context_sent.start, context_sent.end))
    for span in spans:
        for measure in (
            "production_quota",
            "export_volume",
            "import_volume",
            "reserves_volume",
            "production_volume",
        ):
            if has_measure_cue(ctx, measure, *span):
                if measure == "production_quota" and export_quota(ctx, *span):
                    return "other"  # an export quota limits exports, not output
                return measure
    if has_cue(ctx, "flow_verb", sent.start, sent.end) and any(
            has_role(ctx, a, "destination_marker") for a in strong_actors(ctx, sent.start, sent.end)):
        return "export_volume"  # "most Chinese magnets went to Vietnam, which took 235 tons": a flow abroad
    return "other"


PER_YEAR = re.compile(
    r"\s*(?:a|per|each|every)\s+year\b(?!\s+(?:earlier|before|ago|later|on|previously))|\s*/\s*(?:year|yr|y)\b"
    r"|\s*annually\b|\s*(?:/年|每年)")


def export_quota(ctx: Document, start: int, end: int) -> bool:
    """ "export quotas", "出口配额": a quota on exports (SCHEMA's production_quota is about output)."""
    return any(re.search(r"(?:export|出口)\s*$", ctx.prep[max(start, c.start - 8) : c.start], re.IGNORECASE)
               for c in measure_cues_in(ctx, "production_quota", start, end))


def value_measure(ctx: Document, sent: Sentence, clause: Span, q: Quantity) -> str:
    """export_value / import_value for an amount of money the trade governs, else ``other``."""
    span = with_topic(ctx, sent, clause)
    for measure in ("export_value", "import_value"):
        if has_measure_cue(ctx, measure, span.start, span.end):
            return measure
    # a trade verb or noun before the amount in its clause: "imported into the United States at $160
    # million", "美国共进口2434万美元的锗", "同期美国自中国进口的锑为374万美元"
    trade = [(c.end, measure) for trade_cue, measure in (("export_volume", "export_value"),
                                                         ("import_volume", "import_value"))
             for c in measure_cues_in(ctx, trade_cue, span.start, q.start)]
    if trade and not has_measure_cue(ctx, "tariff_rate", span.start, span.end):
        return max(trade)[1]
    # "their value fell 20% to $2.1 billion" in a sentence about exports
    if has_cue(ctx, "value_word", clause.start, clause.end):
        for measure, trade_cue in (("export_value", "export_volume"), ("import_value", "import_volume")):
            if has_measure_cue(ctx, trade_cue, sent.start, sent.end):
                return measure
    return "other"


def names_in(ctx: Document, sent: Sentence) -> bool:
    """An organisation the vocabulary does not know is named in the sentence (``worker.extract.names``)."""
    return bool(ctx.names(sent.start, sent.end))


def buys_goods(ctx: Document, clause: Span, q: Quantity) -> bool:
    """An amount of money whose own phrase names goods that are not minerals ("$300 billion of Chinese
    goods", "3000亿美元的中国输美商品")."""
    after = ctx.prep[q.end : min(clause.end, q.end + 30)]
    stop = re.search(r"[,;:.，。；]", after)
    end = q.end + (stop.start() if stop else len(after))
    if not re.match(r"\s*(?:of|worth of|in|的)", after):
        return False
    return bool(cues_in(ctx, "goods_words", q.end, end)) and not in_span(ctx.materials, q.end, end)
