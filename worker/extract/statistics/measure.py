"""Measure: what a number measures, decided from its unit and the words that govern it.

Ordered rules per unit (``measure_of``): for a percentage, tariff → import dependence →
licences → quotas → changes (a rise/fall verb next to the number gives the sign) → shares (a
"share" frame plus the nearest production / refining / reserves / magnet cue, the "of ..."
phrase after the number first); for masses, the volume cue of the clause, then the sentence;
for money, export/import value; per-mass prices are ``price``. Words: ``data/measures.yaml`` and
``data/cues.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import pairwise

from worker.extract.numbers import Quantity
from worker.extract.statistics.document import (
    MONEY,
    PRICES,
    SHARE_MEASURES,
    Document,
    Span,
    cues_in,
    has_cue,
    has_measure_cue,
    has_role,
    in_span,
    is_cjk_text,
    level_pattern,
    match_start,
    measure_cues_in,
    strong_actors,
    topic_nearby,
    with_topic,
)
from worker.extract.statistics.phrase import governing_phrase
from worker.extract.statistics.scope import has_any_volume_cue, of_foreign_object
from worker.extract.text import Sentence
from worker.extract.vocab import Match

NEAR_BEFORE = 40


NEAR_AFTER = 16


AFTER_ONLY = frozenset({"more", "less", "fewer"})


def measure_of(
    ctx: Document,
    sent: Sentence,
    clause: Span,
    q: Quantity,
    unit: str,
    sent_materials: list[Match],
    context_sent: Sentence,
    licence_items: bool,
) -> tuple[str | None, float]:
    """``(measure, sign)``; measure ``""`` means the number is not a statistic after all."""
    if unit == "count":
        return ("licence_count" if licence_items else "other"), 1.0
    if unit in {"percent", "percentage_points"}:
        return percent_measure(ctx, sent, clause, q, sent_materials, context_sent)
    if unit == "times":
        return times_measure(ctx, sent, clause, q), 1.0
    if unit in {"tonnes", "kg"}:
        named_here = bool(in_span(ctx.materials, sent.start, sent.end))
        if not named_here and not has_any_volume_cue(ctx, context_sent):
            return "", 1.0
        if of_foreign_object(ctx, q):
            return "", 1.0  # "12 million tonnes of soybeans"
        return volume_measure(ctx, sent, clause, q, unit, context_sent), 1.0
    if unit in MONEY or unit == "other":
        # an amount in a currency SCHEMA has no unit for (A$, HK$, 日元) keeps unit `other`;
        # money needs the topic here, or an actor here and the topic just before ("The Pentagon's
        # response ... a $2 billion package"); a carmaker's revenue in passing is not ours
        if buys_goods(ctx, clause, q):
            return "", 1.0  # "tariffs on $300 billion of Chinese goods": the value of other goods
        named_here = bool(in_span(ctx.materials, sent.start, sent.end))
        if not named_here and not (topic_nearby(ctx, sent) and (
                strong_actors(ctx, sent.start, sent.end) or names_in(ctx, sent))):
            return "", 1.0
        return value_measure(ctx, sent, clause, q), 1.0
    if unit in PRICES:
        return "price", 1.0
    return "", 1.0


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
    if has_measure_cue(ctx, "export_volume", sent.start, sent.end):
        return "export_change", sign
    if has_measure_cue(ctx, "price", sent.start, sent.end):
        return "price_change", sign
    if context_sent.start < sent.start and has_measure_cue(ctx, "export_volume", context_sent.start, sent.start):
        return "export_change", sign
    if not in_span(ctx.materials, sent.start, sent.end):
        return "", 1.0  # "EV sales rose 30%" next to a sentence about magnets
    return "other", sign


def changed_noun(ctx: Document, clause: Span, q: Quantity, verb: Match) -> str | None:
    """The measure named by what the change verb governs, between the verb and the number ("cut scooter
    production by 40%": output, not exports; "prices rose 5%"), or None when nothing is named there."""
    if verb.end > q.start:
        return None
    span = (verb.end, q.start)
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


def percent_measure(
    ctx: Document,
    sent: Sentence,
    clause: Span,
    q: Quantity,
    sent_materials: list[Match],
    context_sent: Sentence,
) -> tuple[str | None, float]:
    """Measure and sign of a percentage; ``""`` means "not a statistic"."""
    cs, ce = clause.start, clause.end
    if has_measure_cue(ctx, "tariff_rate", cs, ce) or (
            has_measure_cue(ctx, "tariff_rate", sent.start, sent.end) and has_cue(ctx, "rate_word", cs, ce)):
        # only an explicit cut is a negative change: "cut tariffs by 10 points"; "cut to 30%", "from
        # 57%" and "a 25% duty" state levels
        if level_pattern(ctx.vocab).search(ctx.prep[max(cs, q.start - 12) : q.start]):
            return "tariff_rate", 1.0
        direction = nearest_direction(ctx, clause, q)
        cut = direction is not None and direction[0] < 0
        if not cut and has_cue(ctx, "down", cs, q.start):
            cut = True
        return "tariff_rate", (-1.0 if cut else 1.0)
    rate_sign = rate_noun_sign(ctx, clause, q)
    if rate_sign is not None:
        return change_measure(ctx, sent, clause, context_sent, rate_sign)
    if nearest_direction(ctx, clause, q) is None and is_dependence(ctx, sent, clause, q) and no_dependent(
            ctx, sent, clause, q):
        # "About 85% of processed rare earths come from China": a share of an activity, held by the source
        return share_subtype(ctx, sent, clause, q), 1.0
    if nearest_direction(ctx, clause, q) is None and (
        (is_dependence(ctx, sent, clause, q) and not phrase_is_global(ctx, clause, q))
        or possessor(ctx, clause, q) is not None or phrase_owner(ctx, clause, q) is not None
    ):
        # "自中国进口的锑减少了三分之一" is a change of the imports, not a dependence
        return "import_dependence", 1.0
    if (
        has_measure_cue(ctx, "licence_count", cs, ce)
        and has_cue(ctx, "licence_decision", cs, ce)
        and not share_frame(ctx, clause, q)
    ):
        return "licence_count", 1.0
    if (
        has_cue(ctx, "licence_decision", sent.start, sent.end)
        and has_measure_cue(ctx, "licence_count", sent.start, sent.end)
        and not in_span(ctx.actors, cs, ce)
        and not any(has_measure_cue(ctx, m, cs, ce) for m in SHARE_MEASURES)
        and not has_cue(ctx, "up", cs, ce)
        and not has_cue(ctx, "down", cs, ce)
    ):
        # "中方已批准部分许可申请，约占申请总数的四分之一": the share is of the applications
        return "licence_count", 1.0
    direction = nearest_direction(ctx, clause, q)
    if has_measure_cue(ctx, "production_quota", sent.start, sent.end):
        return "other", direction[0] if direction else 1.0
    if direction is not None:
        governed = changed_noun(ctx, clause, q, direction[1])
        if governed is not None:
            return governed, direction[0]
        return change_measure(ctx, sent, clause, context_sent, direction[0])
    if phrase_share(ctx, clause, q) is not None and (has_cue(ctx, "share_frame", cs, ce) or is_dependence(
            ctx, sent, clause, q)):
        # "90% of the lithium refined worldwide comes from China", "加工占百分之九十"
        sub = share_subtype(ctx, sent, clause, q)
        if whole_is_own(ctx, sent, clause, q):
            sub = "other"  # "占出口总量的26%": a share of China's own exports, not of the world's
        return sub, 1.0
    if share_frame(ctx, clause, q) or (
        share_frame(ctx, Span(sent.start, sent.end), q)
        and any(has_measure_cue(ctx, m, clause.start, clause.end) for m in SHARE_MEASURES[:4])
    ):
        sub = share_subtype(ctx, sent, clause, q)
        if (
            sub in SHARE_MEASURES
            and is_cjk_text(ctx.prep[cs:ce])
            and not has_cue(ctx, "global_marker", sent.start, sent.end)
        ):
            sub = "other"  # "占出口总量的26%": a share of China's own exports, not of the world's
        if sub == "other" and not sent_materials and not has_measure_cue(ctx, "export_volume", cs, ce):
            return "", 1.0
        return sub, 1.0
    if not sent_materials and not any(
        has_measure_cue(ctx, m, sent.start, sent.end) for m in ("export_volume", "import_volume", "price")
    ):
        return "", 1.0
    return "other", 1.0


def possessor(ctx: Document, clause: Span, q: Quantity) -> Match | None:
    """The actor whose supply a share is of: "China supplies 98% of the EU's magnets"."""
    m = re.match(r"\s*of\s+(?:the\s+)?", ctx.prep[q.end : q.end + 12])
    if not m:
        return None
    at = q.end + m.end()
    i = bisect_left(ctx.actors, at, key=match_start)
    actor = ctx.actors[i] if i < len(ctx.actors) and ctx.actors[i].start == at and not ctx.actors[i].weak else None
    if actor is None or not ctx.prep.startswith("'s", actor.end):
        return None
    if not has_cue(ctx, "supply_verb", clause.start, q.start):
        return None
    return actor


def is_dependence(ctx: Document, sent: Sentence, clause: Span, q: Quantity) -> bool:
    """A dependence cue in the clause and an actor in the *source* role ("on China", 仰赖中国)."""
    cues = measure_cues_in(ctx, "import_dependence", clause.start, clause.end)
    own = re.match(r"\s*of\s+(?:its|their|the country's|the nation's)\b", ctx.prep[q.end : q.end + 24])
    if own and any(
        has_role(ctx, a, "source_marker") and a.start > q.end
        for a in strong_actors(ctx, clause.start, clause.end)
    ):
        return True  # "Germany gets 65% of its rare earths from China"
    if not cues:
        # "India imports 90% of its magnets from China": an import verb and a source in the clause
        if not has_measure_cue(ctx, "import_volume", clause.start, clause.end):
            return False
        return any(has_role(ctx, a, "source_marker") for a in strong_actors(ctx, clause.start, clause.end))
    if any("import" in c.alias.lower() or "进口" in c.alias or "对外" in c.alias for c in cues):
        return True  # "100% reliant on imports", "进口依存度": dependence on imports as such
    return any(has_role(ctx, a, "source_marker") for a in strong_actors(ctx, sent.start, sent.end))


def share_frame(ctx: Document, clause: Span, q: Quantity) -> bool:
    """A share of a whole ("70% of global output", "占全球 80%"), not of one country's trade."""
    after = ctx.prep[q.end : min(clause.end, q.end + 30)].lower()
    if re.match(r"\s*of\s+(?:its|their|his|her)\b", after) and not re.match(
        r"\s*of\s+its\s+processing", after
    ):
        possessive_of_other = True
    else:
        possessive_of_other = bool(re.match(r"\s*of\s+(?!the world)[a-z\-]+'s\b", after))
    if possessive_of_other and not re.search(r"processing|refin|production|mining|supply", after):
        return False
    if has_cue(ctx, "share_frame", clause.start, clause.end):
        return True
    # "90% of rare earth refining takes place in China": the "of ..." phrase names an activity
    if not possessive_of_other and re.match(r"\s*of\b", after):
        hi = min(clause.end, q.end + 45)
        return any(has_measure_cue(ctx, m, q.end, hi) for m in SHARE_MEASURES[:3])
    return False


# In a governing phrase, the more specific activity wins: "production of processed rare earths" and
# "精炼产量" are refining (SCHEMA: refined supply is refining), "magnet output" is magnets.
PHRASE_SHARES = (
    "share_of_global_refining",
    "share_of_magnet_production",
    "share_of_global_reserves",
    "share_of_global_production",
    "share_of_global_exports",
)


CONJUNCTION = re.compile(r"\s*(?:and|or|&|,|和|及|与|、)\s*")


def phrase_share(ctx: Document, clause: Span, q: Quantity) -> str | None:
    """The share measure named by the number's governing phrase, or None.

    Two activities joined by a conjunction ("70-90% of mining and processing") name no one share.
    """
    phrase = governing_phrase(ctx, clause, q)
    if phrase is None:
        return None
    named = [(m, measure_cues_in(ctx, m, phrase.start, phrase.end)) for m in PHRASE_SHARES]
    named = [(m, c) for m, c in named if c]
    if not named:
        return None
    spans = sorted((c.start, c.end, m) for m, cues in named for c in cues)
    for (_, end_a, m_a), (start_b, _, m_b) in pairwise(spans):
        if m_a != m_b and start_b >= end_a and CONJUNCTION.fullmatch(ctx.prep[end_a:start_b]):
            return None
    return named[0][0]


def whole_is_own(ctx: Document, sent: Sentence | Span, clause: Span, q: Quantity) -> bool:
    """A Chinese share of a whole named after 占 without the world: a part of the holder's own total.

    "占出口总量的26%" is 26% of China's own exports; "在开采上占70%" and "占全球产量的70%" are
    shares of the world's activity (the activity named before 占, or the world named after it).
    """
    phrase = governing_phrase(ctx, clause, q)
    if phrase is None or not is_cjk_text(phrase.text) or has_cue(ctx, "global_marker", sent.start, sent.end):
        return False
    at = phrase.text.find("占")
    return at >= 0 and any(has_measure_cue(ctx, m, phrase.start + at, phrase.end) for m in PHRASE_SHARES)


def no_dependent(ctx: Document, sent: Sentence, clause: Span, q: Quantity) -> bool:
    """ "N% of <activity> comes from China" with nobody who depends: no possessor in the phrase ("of its",
    "of Japan's"), no actor before the number but the source, and the phrase names an activity."""
    phrase = governing_phrase(ctx, clause, q)
    if phrase is None or phrase_share(ctx, clause, q) is None:
        return False
    if re.search(r"\b(?:its|their|our|his|her)\b|'s\b|’s\b", phrase.text) or strong_actors(
            ctx, phrase.start, phrase.end):
        return False
    return not any(not has_role(ctx, a, "source_marker") and a.end <= q.start
                   for a in strong_actors(ctx, sent.start, sent.end))


def phrase_is_global(ctx: Document, clause: Span, q: Quantity) -> bool:
    """The governing phrase is about the world ("of the globe's output", "全球…产量")."""
    phrase = governing_phrase(ctx, clause, q)
    return phrase is not None and has_cue(ctx, "global_marker", phrase.start, phrase.end)


def phrase_owner(ctx: Document, clause: Span, q: Quantity) -> Match | None:
    """The actor who owns the whole the number is a part of ("占中国稀土进口量的38%", "of Japan's imports")."""
    phrase = governing_phrase(ctx, clause, q)
    if phrase is None or not has_measure_cue(ctx, "import_volume", phrase.start, phrase.end):
        return None
    if nearest_direction(ctx, clause, q) is not None:
        return None  # "美国的锗进口将减少五分之一": a change of the imports, not a share of them
    owners = [a for a in strong_actors(ctx, phrase.start, phrase.end) if not has_role(ctx, a, "source_marker")]
    return owners[0] if owners else None


def share_subtype(ctx: Document, sent: Sentence, clause: Span, q: Quantity) -> str | None:
    """The governing phrase's share first; else the nearest production / refining / reserves / magnet cue."""
    named = phrase_share(ctx, clause, q)
    if named is not None:
        return named
    cues: list[tuple[str, Match]] = []
    for measure in SHARE_MEASURES:
        for c in measure_cues_in(ctx, measure, sent.start, sent.end):
            cues.append((measure, c))
    in_clause = [(m, c) for m, c in cues if c.start >= clause.start and c.end <= clause.end]
    phrase = governing_phrase(ctx, clause, q)
    phrase_end = phrase.end if phrase is not None and phrase.start >= q.end else clause.end
    # "mines 50% of the world's lithium and Chile refines 25%": a cue past the number's own phrase
    # belongs to the next clause
    following = sorted((c.start - q.end, m, c) for m, c in in_clause if q.end <= c.start < phrase_end)
    if following:
        # "mines 61% of the world's rare earths and refines 90%": a cue after a conjunction
        # and a new verb belongs to the next number, not to this one
        gap = ctx.prep[q.end : following[0][2].start]
        if (re.search(r"\b(?:and|but|while)\s*$", gap) and not re.search(r"\bof\b", gap[-40:])) or (
            re.search(r"\band\s+$", gap) and re.match(r"[a-z]+s\b", following[0][2].alias)
        ):
            following = []
    if following:
        _, first_measure, first_cue = following[0]
        # "70-90% of rare earth mining and processing": two kinds of share at once
        phrase_end = first_cue.end + 20
        others = {m for d, m, c in following if c.start <= phrase_end and m != first_measure}
        mixing = others - {"share_of_magnet_production", "share_of_global_exports"}
        if (
            mixing
            and first_measure in {"share_of_global_production", "share_of_global_refining"}
            and (mixing & {"share_of_global_production", "share_of_global_refining"})
        ):
            between = ctx.prep[first_cue.end : min(c.start for d, m, c in following if m in mixing)]
            if re.fullmatch(r"\s*(?:and|or|&|,|和|及|与)\s*", between):
                return None
        return first_measure
    preceding = sorted((q.start - c.end, m) for m, c in in_clause if c.end <= q.start)
    if preceding:
        return preceding[0][1]
    near = sorted((min(abs(c.start - q.end), abs(q.start - c.end)), m) for m, c in cues)
    if near:
        return near[0][1]
    return "other"


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
    for span in ((clause.start, clause.end), (sent.start, sent.end), (context_sent.start, context_sent.end)):
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
    return "other"


PER_YEAR = re.compile(r"\s*(?:a|per|each|every)\s+year\b|\s*/\s*(?:year|yr|y)\b|\s*annually\b|\s*(?:/年|每年)")


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
