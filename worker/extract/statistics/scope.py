"""Scope: is a number a statistic at all, and which unit does a bare number get?

SCHEMA.md: years, dates, durations, announcement numbers, share prices, technical thresholds of
other goods are not statistics; counts of licences and of controlled items are (unit ``count``);
a nil export ("zero gallium") is a volume. Each rule below decides one of these by the words
around the number (``data/cues.yaml``: ``exclude``, ``counted``, ``licence_items``, ``content``).
"""

from __future__ import annotations

import re

from worker.common.cjk import has_han
from worker.extract.numbers import Quantity
from worker.extract.statistics.document import Document, Span, cues_in, has_cue, has_measure_cue, in_span
from worker.extract.text import Sentence
from worker.extract.vocab import Match, prepare

# Words after "tonnes of" that refer back to the minerals ("44 million tons of the elements")


def unit_of(
    ctx: Document, sent: Sentence, clause: Span, q: Quantity
) -> tuple[str | None, Match | None, bool]:
    """The SCHEMA unit, the counted noun of a count, and whether the count is of licences.

    A bare number gets a unit only as a nil export ("zero gallium"), a count of licences or a
    count of controlled items; ``unit`` None means "not a statistic" (a year, "Group 1").
    """
    if q.unit == "times" and frequency(ctx, q):
        return None, None, False
    if q.unit is not None:
        return q.unit, None, False
    if q.value == 0 and q.word and zero_export(ctx, sent, q):
        return "tonnes", None, False
    if licence_items(ctx, clause, q):
        return "count", None, True
    counted = counted_item(ctx, sent, clause, q)
    if counted is None:
        counted = counted_minerals(ctx, sent, q)
    return ("count", counted, False) if counted is not None else (None, None, False)


_FREQUENCY_BEFORE = re.compile(r"(?:\b[a-z]+ed|\bhas\s+been|\bhave\s+been|已经?|先后|曾)\s*$", re.IGNORECASE)
_FREQUENCY_AFTER = re.compile(r"\s*(?:since|so far|already|before|this|last|in\s+(?:19|20)\d\d|over the past|[.,;]|$)",
                              re.IGNORECASE)
_PAST_VERB = re.compile(r"\b(?:[a-z]+ed|has|have|had)\b", re.IGNORECASE)
_COMPARISON_AFTER = re.compile(r"\s*(?:as\b|more\b|higher|larger|bigger|greater|the\b|that\b|over\b|多|以上|于)",
                               re.IGNORECASE)


def frequency(ctx: Document, q: Quantity) -> bool:
    """ "the ban had been extended twice", "先后两次延长": how often something happened, not a multiplier
    (SCHEMA: frequencies are out of scope); "twice as high", "doubled", "增长了两倍" stay multipliers."""
    text = ctx.prep[q.start : q.end].lower()
    if not re.fullmatch(r"twice|thrice|(?:\w+|\d+)\s+times|[一二两三四五六七八九十]次", text):
        return False
    if _COMPARISON_AFTER.match(ctx.prep, q.end):
        return False
    if _FREQUENCY_BEFORE.search(ctx.prep[max(0, q.start - 20) : q.start]):
        return True
    # "has extended the export ban twice since 2023": after the verb's object, at the end of the clause
    # or before a time adverbial, and no rise or fall in reach (then it multiplies: "prices rose three
    # times since 2020")
    lo = max(0, q.start - 60)
    return bool(_FREQUENCY_AFTER.match(ctx.prep, q.end) and _PAST_VERB.search(ctx.prep, lo, q.start)
                and not has_cue(ctx, "up", lo, q.end) and not has_cue(ctx, "down", lo, q.end))


def counted_minerals(ctx: Document, sent: Sentence, q: Quantity) -> Match | None:
    """A count of minerals or controlled items named by the number's own counted noun ("47 nonfuel mineral
    commodities", "26种矿产", "七种稀土金属", "约1100项"), in a sentence about minerals or their controls.

    The counted noun comes from number recognition (``Quantity.counted``); it must be one of the words
    of things counted (``data/cues.yaml`` ``counted``) or name a mineral itself, and not a document or an
    occasion (``not_counted``)."""
    if q.counted is None or q.counted_span is None or q.value != int(q.value) or not 2 <= q.value < 10_000:
        return None
    start, end = q.counted_span
    if cues_in(ctx, "not_counted", start, end + 4):
        return None  # "六项公告": announcements
    named = cues_in(ctx, "counted", start, end) or in_span(ctx.materials, start, end)
    if not named:
        return None
    # counted because they are controlled, depended on or listed ("47 mineral commodities for which
    # U.S. reliance…", "26种战略原材料"), not a definition ("rare earths, a group of 17 metals")
    before = ctx.prep[max(sent.start, q.start - 4) : q.start]
    if re.fullmatch(r".*[,，]\s*", before) and in_span(ctx.materials, max(sent.start, q.start - 40), q.start):
        return None  # "gallium and germanium, two metals used in chipmaking": an apposition, not a count
    about = any(has_cue(ctx, cue, sent.start, sent.end) for cue in ("control", "counted_list")) or any(
        has_measure_cue(ctx, m, sent.start, sent.end) for m in ("import_dependence", "import_volume"))
    if not about or has_cue(ctx, "definition", max(sent.start, q.start - 40), min(sent.end, end + 40)):
        return None
    return named[0]


def excluded(ctx: Document, sent: Sentence, clause: Span, q: Quantity) -> bool:
    """Share prices, ownership thresholds, purity grades outside control rules, temperatures..."""
    hits = cues_in(ctx, "exclude", clause.start, clause.end)
    if not hits:
        return continues_excluded(ctx, sent, clause)

    unless = {prepare(w).lower() for w in ctx.vocab.cues.get("exclude_unless_control", [])}
    for h in hits:
        overruled = h.alias.lower() in unless or prepare(h.alias).lower() in unless
        if overruled and has_cue(ctx, "control", sent.start, sent.end):
            continue
        return True
    return False


def continues_excluded(ctx: Document, sent: Sentence, clause: Span) -> bool:
    """A clause that only goes on with a move named before it in the sentence ("Energy Fuels的股价涨了
    近200%，NioCorp与Ramaco分别上涨近200%和140%", "市值达74亿美元，比前一交易日增加约25亿美元"): the earlier
    clause's share-price word covers it, as long as it names no measure of its own."""
    if not has_cue(ctx, "market_moves", sent.start, clause.start):
        return False
    moves = has_cue(ctx, "up", clause.start, clause.end) or has_cue(ctx, "down", clause.start, clause.end)
    own = any(has_measure_cue(ctx, m, clause.start, clause.end) for m in (
        "price", "export_volume", "import_volume", "production_volume", "reserves_volume"))
    return moves and not own


def zero_export(ctx: Document, sent: Sentence, q: Quantity) -> bool:
    """ "zero germanium" / "exports at zero": a nil export volume."""
    if not has_measure_cue(ctx, "export_volume", sent.start, sent.end):
        return False
    after = ctx.prep[q.end : q.end + 30]
    before = ctx.prep[max(sent.start, q.start - 12) : q.start].lower()
    follows_material = any(m.start - q.end <= 2 for m in ctx.materials if m.start >= q.end)
    chinese_nil = ctx.prep[q.start : q.end] == "零"  # "出口量均为零": numbers.py only reads it after 为/至
    return (
        follows_material
        or chinese_nil
        or before.rstrip().endswith(" at")
        or after.lstrip().startswith("tonne")
    )


def counted_item(ctx: Document, sent: Sentence, clause: Span, q: Quantity) -> Match | None:
    """A bare count of controlled items ("seven rare earth elements", "5种中重稀土") in a control sentence."""
    if q.value < 2 or q.value >= 1000 or q.value != int(q.value):
        return None
    if not has_cue(ctx, "control", sent.start, sent.end):
        return None
    before = ctx.prep[max(sent.start, q.start - 12) : q.start].lower()
    if re.search(r"group of\s*$|第\s*$|no\.\s*$|number\s*$|\(\s*$", before):
        return None
    lead = ctx.prep[clause.start : q.start]
    if not lead.strip() and clause.start > sent.start and ctx.prep[clause.start - 1] == ",":
        # "gallium and germanium, two metals used in chipmaking": an apposition, not a count
        prior = [m for m in ctx.materials if sent.start <= m.start and m.end <= clause.start]
        if prior and not ctx.prep[prior[-1].end : clause.start - 1].strip():
            return None
    after_end = min(clause.end, q.end + 45)
    counted = cues_in(ctx, "counted", q.end, after_end)
    if not counted:
        return None
    first = counted[0]
    if cues_in(ctx, "not_counted", q.end, min(after_end, first.end + 6)):
        return None  # "六项公告": a count of announcements, not of controlled items
    gap = ctx.prep[q.end : first.start]
    if has_han(first.alias):
        if gap.strip():
            return None
    else:
        # a few words between ("seven medium and heavy rare earth elements", "three types of")
        if len(gap.split()) > 6 or re.search(r"[.,;:\d]", gap):
            return None
    return first


def licence_items(ctx: Document, clause: Span, q: Quantity) -> bool:
    """ "1,500 export licence applications", "发放了120张出口许可证": a count of licences."""
    if q.value < 1 or q.value != int(q.value) or (1900 <= q.value <= 2100 and re.fullmatch(r"\d{4}", q.text)):
        return False  # "2025 licence applications" reads as a year; "2,000 applications" does not
    hits = cues_in(ctx, "licence_items", q.end, min(clause.end, q.end + 60))
    if not hits:
        return False
    gap = ctx.prep[q.end : hits[0].start]
    # "approved 25 of the 100 licence applications": both numbers count licences
    gap = re.sub(r"^\s+of\s+(?:the\s+)?[\d,]+(?=\s)", "", gap)
    if has_han(hits[0].alias):
        return len(gap.strip()) <= 2
    return len(gap.split()) <= 2 and not re.search(r"[.,;:\d]", gap)




def of_foreign_object(ctx: Document, q: Quantity) -> bool:
    """A mass of something that is not a material: "12 million tonnes of soybeans"."""
    m = re.match(r"\s*of\s+(?:the\s+)?([A-Za-z\-]+)", ctx.prep[q.end : q.end + 40])
    if not m:
        return False
    obj_start = q.end + m.start(1)
    for mm in ctx.materials:
        if obj_start <= mm.start < obj_start + 25 and not re.search(
            r"[,.;:()]", ctx.prep[obj_start : mm.start]
        ):
            return False
    word = m.group(1).lower()
    return word not in {w.lower() for w in ctx.vocab.cues.get("generic_objects", [])}


def has_any_volume_cue(ctx: Document, sent: Sentence) -> bool:
    return any(
        has_measure_cue(ctx, m, sent.start, sent.end)
        for m in (
            "export_volume",
            "import_volume",
            "production_volume",
            "reserves_volume",
            "production_quota",
        )
    )
