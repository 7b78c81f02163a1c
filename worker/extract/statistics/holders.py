"""Holders: the candidate actors of a number and the tests of their roles.

The rules of ``subject`` ask these questions (is this actor a modifier, in an aside, the data
source; which actor is nearest in the clause; which did the sentence before name; which state
controls the text's minerals). Kept apart so that the rule table reads as one page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from worker.common.cjk import has_han
from worker.extract.numbers import Quantity
from worker.extract.statistics.document import (
    SHARE_MEASURES,
    Document,
    Span,
    cues_in,
    has_cue,
    has_role,
    in_span,
    measure_cues_in,
    role_pattern,
    strong_actors,
)
from worker.extract.text import Sentence
from worker.extract.vocab import Match

FALLBACK_SUBJECT = "china"  # used when data/cues.yaml has no `default_subject`


LEAD_SEPARATOR = re.compile(r" [-\u2013\u2014] |: ")


# Roles that disqualify an actor from holding a quantity, per measure family (SCHEMA: "the subject is
# whoever holds the share"): where the figures come from, a compound modifier ("a U.S. magnet
# plant"), the other side of a comparison; for exports the destination and a place ("buyers in
# Japan"), for imports and dependence the source, for tariffs the target.
_EXCLUDED_ROLES: dict[str, tuple[str, ...]] = {
    "export": ("destination_marker", "locative_marker"),
    "import": ("source_marker",),
    "dependence": ("source_marker",),
    "tariff": ("target_marker",),
}


_ANY_MEASURE_ROLES = ("data_source_marker", "comparison_marker", "comitative_marker")


FAMILY = {
    "export_volume": "export", "export_value": "export", "export_change": "export",
    "share_of_global_exports": "export", "import_volume": "import", "import_value": "import",
    "import_dependence": "dependence", "tariff_rate": "tariff",
}  # fmt: skip


_MODIFIER = re.compile(r"\s[a-z][a-z-]+")


def is_modifier(ctx: Document, actor: Match) -> bool:
    """ "a U.S. magnet plant", "a General Atomics drone": an actor between an indefinite article and
    the noun it modifies is not the head of its noun phrase."""
    before = ctx.prep[max(0, actor.start - 4) : actor.start]
    return bool(re.search(r"(?:^|\s)(?:a|an)\s$", before, re.IGNORECASE)) and bool(
        _MODIFIER.match(ctx.prep, actor.end))


def eligible(ctx: Document, actors: list[Match], measure: str | None, q: Quantity | None = None) -> list[Match]:
    """The actors whose role in the sentence lets them hold a quantity of ``measure`` (number ``q``)."""
    roles = _ANY_MEASURE_ROLES + _EXCLUDED_ROLES.get(FAMILY.get(measure or "", ""), ())
    if measure not in SHARE_MEASURES and measure not in ("price", "price_change"):
        # a place holds a share ("refining takes place in China") or quotes a price ("在欧洲市场"), nothing else
        roles += ("locative_marker",)
    out: list[Match] = []
    barred: Match | None = None
    destinations = False  # in an export figure's sentence, the actors listed after a destination are more
    for a in actors:
        if destinations:
            continue
        # a conjunct shares the role of the one before it ("to Germany and France", "比越南（15.4%）和法国")
        conjunct = barred is not None and CONJUNCT.fullmatch(ctx.prep[barred.end : a.start]) is not None
        if conjunct or is_modifier(ctx, a) or any(has_role(ctx, a, r) for r in roles) or owns_the_whole(ctx, a) or (
                q is not None and (reports_after(ctx, a, q) or in_aside(ctx, a, q))):
            barred = a
            destinations = "destination_marker" in roles and has_role(ctx, a, "destination_marker")
            continue
        barred = None
        out.append(a)
    return out


# what may stand between two conjuncts: a parenthesised figure, a comma, "and", "和", "、"
CONJUNCT = re.compile(r"\s*(?:[(（][^()（）]{0,20}[)）])?\s*(?:,|，|、|and|or|&|和|与|及|以及)\s*(?:the\s+)?")


ASIDE = re.compile(r"——[^—]{1,80}——|—[^—]{1,80}—|\s--\s.{1,80}?\s--\s")


def in_aside(ctx: Document, actor: Match, q: Quantity) -> bool:
    """An actor inside a dashed aside the number is not in ("将在11月1日——也就是韩国APEC峰会第二天——对
    中国商品加征100%关税"): the aside's actors do not hold the number."""
    lo = max(0, actor.start - 90)
    for m in ASIDE.finditer(ctx.prep, lo, actor.end + 90):
        if m.start() < actor.start and actor.end <= m.end() and not m.start() <= q.start < m.end():
            return True
    return False


def owns_the_whole(ctx: Document, actor: Match) -> bool:
    """ "15% of the EU's demand", "of China's exports": the actor owns the whole the number is part of."""
    return bool(re.search(r"\bof\s+(?:the\s+)?$", ctx.prep[max(0, actor.start - 8) : actor.start])) and (
        ctx.prep.startswith(("'s", "’s"), actor.end))


def reports_after(ctx: Document, actor: Match, q: Quantity) -> bool:
    """ "…have been granted, CLEPA said": an actor after the number that only reports it."""
    if actor.start < q.end:
        return False
    return bool(cues_in(ctx, "reporting_verb", actor.end, actor.end + 12)) and not re.search(
        r"[a-z]", ctx.prep[actor.end : cues_in(ctx, "reporting_verb", actor.end, actor.end + 12)[0].start])


def price_market(ctx: Document, clause: Span, q: Quantity, sent: Sentence | None = None) -> str | None:
    """The market of a price: the actor that modifies the price noun ("Chinese antimony prices", "European
    prices", "prices in Europe", "欧洲市场的镝价"), else a market named as the sentence's place ("在欧洲市场，
    …到岸价为…"), or None when the text does not say (a cause, "受刚果（金）出口管制影响", is no market)."""
    if sent is not None:
        for a in strong_actors(ctx, sent.start, sent.end):
            if has_role(ctx, a, "locative_marker") and MARKET_NOUN.match(ctx.prep, a.end):
                return a.key  # "in Europe's spot trade", "in the US market", "在欧洲市场"
            if 0 <= a.start - q.end <= 20 and re.fullmatch(r"[^()（）]*[(（][^()（）]*", ctx.prep[q.end : a.start]):
                return a.key  # "7.8万元/吨（FOB中国港口）": the market the price is quoted in
    spans = [clause] if sent is None else [clause, Span(sent.start, clause.start, ctx.prep[sent.start : clause.start])]
    for span in spans:
        # the clause first; then, for a trailing change ("European APT prices had climbed to $600,
        # up 86.4%"), the price noun earlier in the sentence that the change is about
        found = market_before_price(ctx, span)
        if found:
            return found
    return None


MARKET_NOUN = re.compile(
    r"(?:'s|’s)?\s*(?:the\s+)?(?:spot\s+|physical\s+|domestic\s+|local\s+)?(?:market|trade)\b|\s*市场")


def market_before_price(ctx: Document, clause: Span) -> str | None:
    for cue in measure_cues_in(ctx, "price", clause.start, clause.end):
        for a in strong_actors(ctx, clause.start, clause.end):
            gap = ctx.prep[a.end : cue.start] if a.end <= cue.start else ""
            if a.end <= cue.start and len(gap) <= 25 and not re.search(r"[,;:.]|\b(?:and|or|to|from)\b", gap):
                return a.key
            after = ctx.prep[cue.end : a.start] if a.start >= cue.end else ""
            # "prices in Europe", "prices of dysprosium oxide in Europe"
            if a.start >= cue.end and re.fullmatch(r"\s*(?:of\s+(?:[\w-]+\s+){1,3})?(?:in|on)\s+(?:the\s+)?", after):
                return a.key
    return None


def organisation(ctx: Document, sent: Sentence, clause: Span, q: Quantity, strong: list[Match]) -> str | None:
    """An organisation the vocabulary does not know, heading the sentence before the number, when no
    known actor holds that place ("Vulcan Elements will build a plant with a capacity of 10,000 tonnes").

    None: no such name; "": two organisations named together hold it jointly (no one subject)."""
    if any(clause.start <= a.start < clause.end and a.start >= q.end for a in strong):
        return None
    last_known = max((a.end for a in strong if a.end <= q.start), default=sent.start)
    names = [n for n in ctx.names(sent.start, q.start) if n.start >= last_known]
    source = role_pattern(ctx.vocab, "data_source_marker")
    names = [n for n in names if not source.search(ctx.prep[max(0, n.start - 20) : n.start])]
    if not names:
        return None
    if JOINED.search(ctx.prep, max(sent.start, names[0].start - 40), names[0].start):
        return ""  # "Vulcan Elements and ReElement Technologies will expand …": a joint figure
    return names[0].key


JOINED = re.compile(r"[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*\s+(?:and|&|together with)\s+$")


def default_subject(ctx: Document) -> str:
    """The actor a share, export figure or control count belongs to when the text names none: the
    controlling exporter this project watches (``data/cues.yaml`` ``default_subject``: China), unless the
    text is about another state's controls ("Congo's cobalt export quotas"): the state most often named
    as the owner of controls (a control word right after it, in its clause), when more often than the
    watched one."""
    if ctx.controller is None:
        watched = (ctx.vocab.cues.get("default_subject") or [FALLBACK_SUBJECT])[0]
        counts: dict[str, int] = {}
        for a in ctx.actors:
            if a.weak or a.key not in ctx.vocab.states:
                continue
            # the owner of controls: "Congo's export quotas", "China's new curbs", "刚果（金）出口配额", "中国对
            # 稀土实施出口管制" — a control word close after the actor, in its own clause
            after = ctx.prep[a.end : a.end + 30]
            stop = re.search(r"[,，;；。.:：]", after)
            span_end = a.end + (stop.start() if stop else len(after))
            if re.match(r"(?:'s|’s|的)?", after) and has_cue(ctx, "control", a.end, span_end):
                counts[a.key] = counts.get(a.key, 0) + 1
        top = max(counts, key=lambda k: (counts[k], k == watched), default=watched)
        ctx.controller = top if counts.get(top, 0) > counts.get(watched, 0) else watched
    return ctx.controller


ZH_CLAUSE = re.compile(r"[,，;；:：]")


def nearest_actor(
    cands: Sequence[Match],
    clause: Span,
    q: Quantity,
    *,
    clause_only: bool = False,
    sentence_text: str = "",
    offset: int = 0,
) -> str | None:
    """Nearest preceding actor in the clause, else the first following; then the sentence's subject.

    ``sentence_text``/``offset``: the sentence (matcher form) and where it starts, to skip a
    headline or bullet lead before the number.
    """
    in_clause = [a for a in cands if a.start >= clause.start and a.end <= clause.end]
    before = [a for a in in_clause if a.end <= q.start]
    if before:
        return before[-1].key
    after = [a for a in in_clause if a.start >= q.end and not possessive_object(clause, a)]
    if after:
        return after[0].key
    if clause_only:
        return None
    # outside its clause, the number belongs to the sentence's subject ("Lynas, the largest
    # producer outside China, plans to produce 1,500 tonnes"), except in a relative clause or
    # an apposition, which hangs on the actor just before it ("..., China, which holds 90%")
    before = [a for a in cands if a.end <= q.start]
    if before:
        relative = re.match(r"\s*(?:which|that|who|whose|where|a|an)\b", clause.text)
        if relative:
            return before[-1].key  # a relative clause hangs on the actor just before it
        if has_han(clause.text):
            # a Chinese clause without a subject of its own continues the topic of the clause before
            # it: that clause's first actor ("特朗普也想打破中国的稀土垄断，与澳大利亚签下85亿美元的协议")
            cut = [m.end() + offset for m in ZH_CLAUSE.finditer(sentence_text, 0, max(0, clause.start - offset - 1))]
            bounds = list(zip([offset, *cut], [*cut, clause.start], strict=True))
            for lo, hi in reversed(bounds):
                inside = [a for a in before if lo <= a.start and a.end <= hi]
                if inside:
                    return inside[0].key
            return before[-1].key
        # a headline or bullet lead ("Group 2: U.S. Industry Vulnerabilities - The F-35 relies
        # on ...") is not the subject of what follows it
        lead_end = max(
            (m.end() for m in LEAD_SEPARATOR.finditer(sentence_text, 0, q.start - offset)), default=0
        )
        body = [a for a in before if a.start - offset >= lead_end]
        return (body or before)[0].key
    after = [a for a in cands if a.start >= q.end]
    return after[0].key if after else None


def possessive_object(clause: Span, actor: Match) -> bool:
    """ "one-third of China's exports": the actor owns the whole, it does not hold the share."""
    rel = actor.start - clause.start
    before = clause.text[max(0, rel - 4) : rel]
    after = clause.text[actor.end - clause.start : actor.end - clause.start + 2]
    return before.endswith("of ") and after.startswith("'s")


def nearest_preceding(cands: Sequence[Match], q: Quantity) -> str | None:
    before = [a for a in cands if a.end <= q.start]
    return before[-1].key if before else None


def carried_actor(ctx: Document, si: int) -> str | None:
    """The first actor of the nearest earlier sentence that names one (strong before weak)."""
    if si == 0:
        return None
    ps = ctx.sentences[si - 1]
    found = in_span(ctx.actors, ps.start, ps.end)
    if found:
        strong = [a for a in found if not a.weak]
        return (strong or found)[0].key
    return None
