"""Material: which mineral a number is about.

``MATERIAL_RULES`` is an ordered table of named rules, the first that decides wins: the list paired
"respectively" / 分别; the mineral before a parenthesised figure ("lithium (97%)"); the counted
noun of a count; the "of ..." phrase right after the number; the material just before it in its
clause, or just after; the most specific one in the sentence; the nearest earlier sentence's;
else the document's dominant material. A share of several listed materials gives one statistic
per material ("镓、锗产量占全球80%").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from worker.extract.numbers import Quantity
from worker.extract.statistics.document import (
    GENERIC_MATERIALS,
    SHARE_MEASURES,
    Document,
    Span,
    has_cue,
    in_span,
    is_row,
)
from worker.extract.statistics.phrase import parenthesised
from worker.extract.text import Sentence
from worker.extract.vocab import Match, Vocabulary


@dataclass
class MaterialCase:
    """What every material rule reads: the number, its clause and sentence, and the materials in reach."""

    ctx: Document
    si: int
    clause: Span
    q: Quantity
    measure: str | None
    lang: str
    count_match: Match | None
    unit_is_money: bool

    @property
    def sent(self) -> Sentence:
        return self.ctx.sentences[self.si]

    @cached_property
    def in_clause(self) -> list[Match]:
        return in_span(self.ctx.materials, self.clause.start, self.clause.end)

    @cached_property
    def in_sent(self) -> list[Match]:
        return in_span(self.ctx.materials, self.sent.start, self.sent.end)

    @cached_property
    def following(self) -> list[Match]:
        return [m for m in self.in_clause if m.start >= self.q.end]

    @cached_property
    def preceding(self) -> list[Match]:
        return [m for m in self.in_clause if m.end <= self.q.start]

    def gap_to(self, m: Match) -> str:
        return self.ctx.prep[self.q.end : m.start]


MaterialRule = Callable[[MaterialCase], "list[str | None] | Match | None"]
"""A rule answers with the final keys, or with the material mention it chose (to be expanded over a
list for shares), or None to pass."""


def _respectively(c: MaterialCase) -> list[str | None] | Match | None:
    paired = respectively(c.ctx, c.sent, c.q, c.in_sent)
    return [paired] if paired is not None else None


def _parenthesised(c: MaterialCase) -> list[str | None] | Match | None:
    """ "lithium (97%) and magnesium (93%)": the material named right before the parenthesis, or
    minerals in general when the words there name another mineral."""
    inside = parenthesised(c.ctx, c.clause, c.q)
    if inside is None:
        return None
    named = in_span(c.ctx.materials, inside.start, inside.end)
    if named:
        return [named[-1].key]
    if c.ctx.vocab.find_cues("other_minerals", inside.text, prepared=True):
        return ["critical_minerals"]
    return None


def _counted(c: MaterialCase) -> list[str | None] | Match | None:
    """ "seven key rare earth elements from the medium-to-heavy group": the most specific counted one;
    a count of a list of different materials is of minerals in general; a count of controlled rare
    earths, of the group the controls cover."""
    if c.count_match is None:
        return None
    found = _counted_material(c)
    if isinstance(found, Match) and found.key == "rare_earths" and _counts_controlled_elements(c):
        return Match(c.ctx.vocab.cues["controlled_element_group"][0], found.start, found.end, found.alias)
    return found


_LIGHT = frozenset({"light_rare_earths", "neodymium", "praseodymium"})


def _counts_controlled_elements(c: MaterialCase) -> bool:
    """ "对七种稀土实施出口管制", "controls on seven rare earth elements": the elements under China's controls
    (``data/cues.yaml`` ``controlled_element_group``), unless the sentence lists a light one."""
    return c.measure != "licence_count" and bool(c.ctx.vocab.cues.get("controlled_element_group")) and has_cue(
        c.ctx, "control", c.sent.start, c.sent.end) and not any(m.key in _LIGHT for m in c.in_sent)


def _counted_material(c: MaterialCase) -> list[str | None] | Match | None:
    assert c.count_match is not None
    if c.q.counted_span is not None:
        # the number's own counted noun: "七种稀土金属" (a material), "26种矿产" (minerals in general),
        # "约1100项" (items, no material)
        start, end = c.q.counted_span
        own = in_span(c.ctx.materials, start, end + 12)
        own = [m for m in own if not re.search(r"[,，;；。]", c.ctx.prep[c.q.end : m.start])]
        specific = [m for m in own if m.key not in GENERIC_MATERIALS and not m.weak]
        if specific:
            return specific[0]
        if own:
            # "seven key rare earth elements from the medium-to-heavy group": a more specific one just after
            near = [m for m in c.following if m.start - c.q.end <= 60 and m.key not in GENERIC_MATERIALS and not m.weak
                    and not re.search(r"\band\b|和|及", c.ctx.prep[end : m.start])]
            return near[0] if near else own[0]
        if c.ctx.vocab.find_cues("mineral_class", c.ctx.prep[start : end + 8], prepared=True):
            return ["critical_minerals"]
        if c.ctx.vocab.find_cues("item_words", c.ctx.prep[start:end], prepared=True):
            return [None]  # "约1100项": items of a control list, no one material
    window = [m for m in c.following if m.start - c.q.end <= 60]
    specific = [m for m in window if m.key not in GENERIC_MATERIALS and not m.weak]
    if specific:
        return specific[0]
    if window:
        return window[0]
    if c.preceding:
        group = coordination(c.ctx, c.preceding[-1], c.preceding)
        if len({g.key for g in group}) > 1:
            return ["critical_minerals"]
        return c.preceding[-1]
    return None


def _of_phrase(c: MaterialCase) -> list[str | None] | Match | None:
    """The "of ..." phrase of this number, not the next number's ("~70% of mining and ~90% of heavy-REE")."""
    if not c.following:
        return None
    gap = c.gap_to(c.following[0])
    if not re.search(r"\d", gap) and len(gap) <= 60 and (
            re.match(r"\s*(?:\)|\]|of|in|for|的)", gap) or c.lang == "en"):
        return c.following[0]
    return None


def _before_in_clause(c: MaterialCase) -> list[str | None] | Match | None:
    """The material just before the number in its clause; of a list that includes a class ("rare-earth
    metals, scandium and yttrium"), the class (a share keeps one statistic per listed material)."""
    return _class_of_list(c, c.preceding[-1], c.preceding) if c.preceding else None


def _class_of_list(c: MaterialCase, chosen: Match, pool: list[Match]) -> Match:
    """Of a list that includes a class of materials, the class ("rare-earth metals, scandium and yttrium"
    → rare earths); a share keeps one statistic per listed material, so it keeps the mention."""
    if c.measure in SHARE_MEASURES:
        return chosen
    group = coordination(c.ctx, chosen, pool)
    generic = [g for g in group if g.key in GENERIC_MATERIALS]
    if generic and len({g.key for g in group}) > 1:
        return generic[0]
    if len({g.key for g in group if g.key in RARE_EARTH_ELEMENTS}) >= 2 and all(_oxide(c.ctx, g) for g in group):
        # "氧化镧、氧化铈、氧化钕和氧化钇", "lanthanum and cerium oxides": the oxides as a class
        return Match("rare_earth_oxides", group[0].start, group[-1].end, "oxides")
    return chosen


# SCHEMA's rare-earth element keys (and the groups that stand for the others)
RARE_EARTH_ELEMENTS = frozenset({"dysprosium", "terbium", "neodymium", "praseodymium", "samarium", "yttrium",
                                 "heavy_rare_earths", "light_rare_earths"})


def _oxide(ctx: Document, m: Match) -> bool:
    return ctx.prep[max(0, m.start - 2) : m.start] == "氧化" or bool(
        re.match(r"\s*oxides?\b", ctx.prep[m.end : m.end + 10], re.IGNORECASE))


def _after_in_clause(c: MaterialCase) -> list[str | None] | Match | None:
    if c.following and not re.search(r"\d", c.gap_to(c.following[0])):
        return c.following[0]
    return None


def _in_sentence(c: MaterialCase) -> list[str | None] | Match | None:
    """ "NdPr, a rare earth pair that is key to magnets, is assured a price of $110/kg": the specific
    material the sentence is about beats a generic or vague mention; a material in a later clause
    ("…, while others such as the DRC (cobalt)") is not this number's."""
    before = [m for m in c.in_sent if m.end <= c.q.start]
    if before:
        return _class_of_list(c, max(before, key=lambda m: (specificity(m), m.start)), before)
    after = [m for m in c.in_sent if m.start >= c.q.end]
    if after and not re.search(r"\d|;|\b(?:while|whereas|but)\b", c.gap_to(after[0])):
        return after[0]
    return None


def _earlier_sentence(c: MaterialCase) -> list[str | None] | Match | None:
    """The nearest earlier sentence's strong material (an article names it once), else its weak one; the
    class "critical minerals" only when no earlier sentence in reach names one mineral (a Congo cobalt
    article that mentions the 战略矿产 regulator is still about cobalt). A row of a table ("Net import
    reliance …: 56% in 2014, …") reads past its sibling rows to the lines above the table."""
    weak_fallback: Match | None = None
    class_found: Match | None = None
    topic = None
    row = is_row(c.ctx, c.ctx.sentences[c.si])
    for prev in range(c.si - 1, max(-1, c.si - (60 if row else 8)), -1):
        ps = c.ctx.sentences[prev]
        if row and is_row(c.ctx, ps):
            continue  # a row of a table takes its material from the heading, not from the row above
        found = in_span(c.ctx.materials, ps.start, ps.end)
        if class_found is not None:
            # past a mention of the class: only the document's topic mineral still wins over it
            on_topic = [m for m in found if m.key == topic]
            if on_topic:
                return on_topic[0]
            continue
        strong = [m for m in found if not m.weak]
        if strong and strong[0].key == "critical_minerals":
            topic = dominant_material(c.ctx)
            if topic not in (None, "critical_minerals") and any(m.key == topic for m in found):
                return next(m for m in found if m.key == topic)
            class_found = strong[0]
            if topic in (None, "critical_minerals"):
                return class_found
            continue
        if strong:
            return strong[0]
        if found and weak_fallback is None:
            weak_fallback = found[0]
    return class_found or weak_fallback


MATERIAL_RULES: tuple[tuple[str, MaterialRule], ...] = (
    ("respectively", _respectively),
    ("parenthesised", _parenthesised),
    ("counted", _counted),
    ("of phrase", _of_phrase),
    ("before in clause", _before_in_clause),
    ("after in clause", _after_in_clause),
    ("in sentence", _in_sentence),
    ("earlier sentence", _earlier_sentence),
)


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
    """The material(s) of a number: the first rule of ``MATERIAL_RULES`` that decides, else the
    document's topic; a share of a list of materials gives one statistic per material."""
    case = MaterialCase(ctx, si, clause, q, measure, lang, count_match, unit_is_money)
    chosen: Match | None = None
    for _, rule in MATERIAL_RULES:
        found = rule(case)
        if isinstance(found, list):
            return found
        if found is not None:
            chosen = found
            break
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
        group = coordination(ctx, chosen, case.in_sent)
        keys: list[str | None] = []
        for g in group:
            if g.key not in keys and g.key not in GENERIC_MATERIALS:
                keys.append(g.key)
        if len(keys) > 1:
            return keys
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
        elif m.key in WEAK_KEYS_THAT_COUNT:
            # a text about cobalt names "cobalt" (a weak alias: it fills battery news) again and again
            counts[m.key] = counts.get(m.key, 0.0) + 0.5
    return max(counts, key=lambda k: counts[k]) if counts else None


# battery metals have their own keys but only weak aliases; "magnets" alone is too vague to be a topic
WEAK_KEYS_THAT_COUNT = frozenset({"cobalt", "lithium", "nickel"})


def coordination(ctx: Document, anchor: Match, pool: Sequence[Match]) -> list[Match]:
    """Materials listed together with ``anchor`` ("镓、锗", "gallium and germanium")."""
    ordered = sorted(pool, key=lambda m: m.start)
    idx = next((i for i, m in enumerate(ordered) if m.start == anchor.start), None)
    if idx is None:
        return [anchor]
    group = [anchor]
    # "镓、锗", "gallium and germanium", "氧化镧、氧化铈" (each named as its oxide)
    sep = re.compile(r"\s*(?:、|,|，|和|与|及|and|&|, and)\s*(?:氧化)?", re.IGNORECASE)
    i = idx
    while i > 0 and sep.fullmatch(ctx.prep[ordered[i - 1].end : ordered[i].start]):
        group.insert(0, ordered[i - 1])
        i -= 1
    i = idx
    while i + 1 < len(ordered) and sep.fullmatch(ctx.prep[ordered[i].end : ordered[i + 1].start]):
        group.append(ordered[i + 1])
        i += 1
    return group


_BASIS: dict[int, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def measurement_basis(prep: str, m: Match, vocab: Vocabulary) -> bool:
    """A material named as the basis figures are measured on, not as what they are about: "以稀土氧化物
    （REO）计", "metric tons of rare-earth oxide (REO) equivalent", "in terms of REO" (``data/cues.yaml``
    ``basis_before`` / ``basis_after``)."""
    pats = _BASIS.get(id(vocab))
    if pats is None:
        def alts(name: str) -> str:
            return "|".join(re.escape(w) for w in sorted(vocab.cues.get(name, []), key=len, reverse=True)) or "(?!)"
        # the basis word right before, or before the material whose parenthesised gloss this is ("以稀土
        # 氧化物（REO）计": REO too)
        pats = (re.compile(rf"(?:{alts('basis_before')})\s*(?:[^\s,;，；()（）]{{1,14}}\s*[(（]\s*)?$", re.IGNORECASE),
                re.compile(rf"\s*[)）]?\s*(?:[(（][^()（）]{{0,12}}[)）])?\s*(?:{alts('basis_after')})", re.IGNORECASE))
        _BASIS[id(vocab)] = pats
    before, after = pats
    return bool(after.match(prep, m.end)) and (bool(before.search(prep, max(0, m.start - 14), m.start)) or bool(
        re.match(r"\s*(?:[(（][^()（）]{0,12}[)）])?\s*(?:equivalent|当量)", prep[m.end : m.end + 24], re.IGNORECASE)))
