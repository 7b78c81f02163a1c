"""Subject: who holds the quantity, decided by the role the measure needs.

The exporter, not the destination ("輸往德國"); the dependent, not the source ("relies on
China"); the one who imposes a tariff, not its target ("tariffs on China"). The nearest such
actor in the clause, then the sentence's subject (its first actor after any headline lead; in a
relative clause or a subject-less Chinese clause, the actor just before), then for exports,
shares, licences and controlled-item counts the domain default (``data/cues.yaml``
``default_subject``: China).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from worker.common.cjk import has_han
from worker.extract.numbers import Quantity
from worker.extract.statistics.document import (
    MONEY,
    SHARE_MEASURES,
    Document,
    Span,
    cues_in,
    has_cue,
    has_measure_cue,
    has_role,
    in_span,
    is_row,
    role_pattern,
    strong_actors,
)
from worker.extract.statistics.holders import (
    FAMILY,
    carried_actor,
    default_subject,
    eligible,
    nearest_actor,
    nearest_preceding,
    organisation,
    price_market,
)
from worker.extract.statistics.shares import phrase_owner, possessor, whole_is_own
from worker.extract.text import Sentence
from worker.extract.vocab import Match


@dataclass(frozen=True)
class Held:
    """A subject rule's answer: the holder's key, or None when the text does not say who holds it."""

    key: str | None


@dataclass
class SubjectCase:
    """What every subject rule reads: the number, its clause and sentence, the measure and unit."""

    ctx: Document
    si: int
    clause: Span
    q: Quantity
    measure: str | None
    unit: str

    @property
    def sent(self) -> Sentence:
        return self.ctx.sentences[self.si]

    @cached_property
    def actors(self) -> list[Match]:
        return in_span(self.ctx.actors, self.sent.start, self.sent.end)

    @cached_property
    def family_of(self) -> str | None:
        """The measure whose roles apply: a clause about trade gives its roles whatever the measure
        ("自中国进口的锑减少了三分之一": the source is a source)."""
        if self.measure in FAMILY:
            return self.measure
        if has_measure_cue(self.ctx, "import_volume", self.clause.start, self.clause.end):
            return "import_volume"
        if has_measure_cue(self.ctx, "export_volume", self.clause.start, self.clause.end):
            return "export_volume"
        return self.measure

    @cached_property
    def strong(self) -> list[Match]:
        """The named actors whose role lets them hold the number."""
        return eligible(self.ctx, [a for a in self.actors if not a.weak], self.family_of, self.q)

    @cached_property
    def weak(self) -> list[Match]:
        """The vague actors ("the world", "全球"); one a measure goes to is not its holder
        ("面向全球市场对七种稀土实施出口管制", "sold to the world")."""
        return [a for a in self.actors if a.weak and not has_role(self.ctx, a, "destination_marker")]

    @cached_property
    def title_actor(self) -> str | None:
        """The actor named in the title of the table or list the sentence is a row of ("Salient
        statistics for the United States, 2014 to 2018:" above "Imports of compounds (metric tons):
        12,300 in 2014, …"): the nearest earlier line ending in a colon that names one, as long as
        the lines between are rows or subtitles of the table ("Average prices, in dollars per
        kilogram:") that name none."""
        ctx = self.ctx
        if in_span([a for a in self.actors if not a.weak], self.sent.start, self.sent.end):
            return None
        for prev in range(self.si - 1, max(-1, self.si - 60), -1):
            ps = ctx.sentences[prev]
            named = [a for a in in_span(ctx.actors, ps.start, ps.end) if not a.weak]
            if ctx.prep[ps.start : ps.end].rstrip().endswith((":", "：")):
                if named:
                    return named[0].key
                continue
            if named or not is_row(ctx, ps):
                return None  # the table ended above: a line of prose is not a row of it
        return None

    def nearest(self, **kw: Any) -> str | None:
        sent = self.sent
        return nearest_actor(self.strong, self.clause, self.q, sentence_text=self.ctx.prep[sent.start : sent.end],
                             offset=sent.start, **kw)


SubjectRule = Callable[[SubjectCase], Held | None]


def _price_market(c: SubjectCase) -> Held | None:
    """The market of the price that changed; in English, a price quoted in yuan nearby with no market
    named is China's ("ingots at 13,250 yuan a kilogram, after a climb of nearly a third")."""
    if c.measure != "price_change":
        return None
    market = price_market(c.ctx, c.clause, c.q, c.sent)
    if market is None and not has_han(c.clause.text) and _quoted_in_yuan(c):
        return Held(default_subject(c.ctx))
    return Held(market)


def _quoted_in_yuan(c: SubjectCase) -> bool:
    lo = c.ctx.sentences[max(0, c.si - 1)].start
    return any(lo <= x.start < c.sent.end and (x.unit or "").startswith("cny") for x in c.ctx.quantities)


def _part_of_exports(c: SubjectCase) -> Held | None:
    """ "其中对美出口1.1万吨，占出口总量的26%": held by the destination named before it, else the exporter."""
    if c.measure in FAMILY or not whole_is_own(c.ctx, c.sent, c.clause, c.q):
        return None
    takers = [a for a in c.actors if not a.weak and a.end <= c.q.start and has_role(c.ctx, a, "destination_marker")]
    return Held(takers[-1].key if takers else default_subject(c.ctx))


def _tariff_imposer(c: SubjectCase) -> Held | None:
    """The one who imposes: the nearest before the number in its clause ("US tariffs were cut to 30% and
    Chinese levies to 10%"), else the sentence's subject ("Trump threatened Beijing with …")."""
    if c.measure != "tariff_rate":
        return None
    # "the 145 percent tariffs Trump had placed on all Chinese imports": the actor before an imposing verb
    for a in c.strong:
        if a.start >= c.q.end and a.start < c.clause.end and cues_in(c.ctx, "impose_verb", a.end, a.end + 14):
            return Held(a.key)
    before = [a for a in c.strong if c.clause.start <= a.start and a.end <= c.q.start]
    if before:
        return Held(before[-1].key)
    if has_han(c.clause.text):
        # a Chinese clause without a subject continues the clause before it ("美国大表不满，并扬言以加征100%关税反制")
        earlier = [a for a in c.strong if a.end <= c.q.start]
        if earlier:
            return Held(earlier[-1].key)
    earlier = [a for a in c.strong if a.end <= c.q.start]
    if earlier and _RELATIVE.match(c.clause.text):
        # a relative or participial clause hangs on the clause before it ("…, while the U.S. cut tariffs
        # to 47%, which included lowering the fentanyl rate to 10%")
        return Held(earlier[-1].key)
    return Held(c.strong[0].key if c.strong else carried_actor(c.ctx, c.si))


_RELATIVE = re.compile(r"\s*(?:which|that|who|whose|including|includ\w+)\b")


def _dependent(c: SubjectCase) -> Held | None:
    """The owner of the supply ("of the EU's magnets", "占中国进口量的"), else the nearest non-source."""
    if c.measure != "import_dependence":
        return None
    owner = possessor(c.ctx, c.clause, c.q) or phrase_owner(c.ctx, c.clause, c.q)
    if owner is not None:
        return Held(owner.key)
    return Held(c.nearest() or c.title_actor or carried_actor(c.ctx, c.si))


def _exporter(c: SubjectCase) -> Held | None:
    """The exporter: in the clause, else before the number, else the watched exporter (not a destination)."""
    if c.measure not in {"export_volume", "export_value", "export_change", "share_of_global_exports"}:
        return None
    return Held(c.nearest(clause_only=True) or nearest_preceding(c.strong, c.q) or c.title_actor
                or default_subject(c.ctx))


def _guarantor(c: SubjectCase) -> Held | None:
    """A guaranteed (floor) price, or a figure of that floor, is the guarantor's: the state or
    government body in the sentence ("the Pentagon guaranteed MP $110 per kilogram"), else the one
    of the nearest earlier sentence that names one ("NdPr is assured a minimum price of $110")."""
    if c.measure not in ("price", "other") or c.unit == "count" or not has_cue(
            c.ctx, "guaranteed_price", c.clause.start, c.clause.end):
        return None
    found = guarantor_in(c.ctx, c.sent.start, c.sent.end)
    for prev in range(c.si - 1, max(-1, c.si - 4), -1):
        if found is not None:
            break
        found = guarantor_in(c.ctx, c.ctx.sentences[prev].start, c.ctx.sentences[prev].end)
    return Held(found) if found else None


def guarantor_in(ctx: Document, start: int, end: int) -> str | None:
    """The last state or government body named in the span that is not a place or a source."""
    bodies = set(ctx.vocab.cues.get("guarantors", [])) | ctx.vocab.states
    named = [a for a in strong_actors(ctx, start, end) if a.key in bodies and not any(
        has_role(ctx, a, r) for r in ("locative_marker", "data_source_marker", "comparison_marker"))]
    return named[0].key if named else None


def _price_quoter(c: SubjectCase) -> Held | None:
    """The market that quotes it; in English, a price in yuan with no market named is China's (in
    Chinese the yuan is just the currency of the text)."""
    if c.measure != "price":
        return None
    in_yuan = not has_han(c.clause.text) and (c.unit.startswith("cny") or any(
        x.unit and x.unit.startswith("cny") for x in c.ctx.quantities if c.clause.start <= x.start < c.clause.end))
    market = price_market(c.ctx, c.clause, c.q, c.sent)
    if market is None and has_han(c.clause.text):
        return Held(None)  # a Chinese price names its market next to it or not at all
    return Held(market or c.nearest() or c.title_actor or (default_subject(c.ctx) if in_yuan else None))


def _licensor(c: SubjectCase) -> Held | None:
    """Licences granted belong to the granting state; applications to whoever filed them."""
    if c.measure != "licence_count":
        return None
    filed = c.unit == "count" and _APPLICATIONS.match(c.ctx.prep, c.q.end)
    if not filed and has_cue(c.ctx, "licence_grant", c.clause.start, c.clause.end):
        return Held(default_subject(c.ctx))
    described = _described_organisation(c)
    return Held(c.nearest() or (described.key if described else None) or default_subject(c.ctx))


# "2,000 applications from EU companies", "140 export licence requests", "300份许可申请": what was filed, the filer's
_APPLICATIONS = re.compile(
    r"\s*(?:(?:export\s+)?(?:licen[cs]e\s+)?(?:applications|requests)\b|[份件个]?(?:出口)?(?:许可)?申请)")


def _world_figure(c: SubjectCase) -> Held | None:
    """ "68% of the global total of 350,000 tons": a world figure, not the sentence subject's."""
    if c.unit == "percent" or in_span(c.strong, c.clause.start, c.clause.end):
        return None
    lead_in = [a for a in c.weak if c.clause.start <= a.start and a.end <= c.q.start and c.q.start - a.end <= 30]
    return Held(lead_in[-1].key) if lead_in else None


def _organisation(c: SubjectCase) -> Held | None:
    named = organisation(c.ctx, c.sent, c.clause, c.q, c.strong)
    if named is None:
        return None
    return Held(named or None)  # "": two organisations hold it jointly


def _funder(c: SubjectCase) -> Held | None:
    """ "a direct loan of $620 million from the Office of Strategic Capital", "$50 million in federal
    incentives provided by the Commerce Department": money given is the giver's."""
    if c.unit not in MONEY:
        return None
    m = _GIVEN_BY.match(c.ctx.prep, c.q.end, c.clause.end)
    if m is None:
        return None
    giver = [a for a in c.strong if a.start == m.end()]
    lead = c.ctx.prep[max(c.clause.start, c.q.start - 40) : m.end()]
    if not giver or not c.ctx.vocab.find_cues("funding_words", lead, prepared=True):
        return None
    return Held(giver[0].key)


_GIVEN_BY = re.compile(r"\s*(?:in\s+(?:[\w-]+\s+){0,3}?)?(?:from|provided by|granted by|lent by|by)\s+(?:the\s+)?")


def _described_organisation(c: SubjectCase) -> Held | None:
    """ "the company expects to reach about 60 percent of output", "该公司产能将达5000吨": the clause's
    subject is a description, so the holder is the organisation named last before the sentence (a
    known company or an unknown name), within the three sentences before."""
    before = c.ctx.prep[c.clause.start : c.q.start]
    if any(a.end <= c.q.start for a in c.strong if a.start >= c.clause.start) or not cues_in(
            c.ctx, "organisation_descriptions", c.clause.start, c.q.start):
        return None
    if not re.match(r"\s*(?:[-•]\s*)?(?:\w+\s+){0,3}?(?:the|its|该|这家|公司)", before):
        return None
    lo = c.ctx.sentences[max(0, c.si - 3)].start
    source = role_pattern(c.ctx.vocab, "data_source_marker")
    named = [(n.start, n.key) for n in c.ctx.names(lo, c.sent.start)
             if not source.search(c.ctx.prep[max(0, n.start - 20) : n.start])]  # "according to Kallanish"
    named += [(a.start, a.key) for a in strong_actors(c.ctx, lo, c.sent.start) if a.key not in c.ctx.vocab.states
              and a.key not in set(c.ctx.vocab.cues.get("guarantors", []))]
    return Held(max(named)[1]) if named else None


def _nearest_actor(c: SubjectCase) -> Held | None:
    found = c.nearest()
    return Held(found) if found else None


def _table_title(c: SubjectCase) -> Held | None:
    return Held(c.title_actor) if c.title_actor else None


def _weak_actor(c: SubjectCase) -> Held | None:
    """A vague actor before the number ("the world uses 10,000 tonnes") or right after it ("250%
    worldwide"); one further on is not the holder."""
    before = [a for a in c.weak if a.end <= c.q.start or re.fullmatch(r"\s*", c.ctx.prep[c.q.end : a.start])]
    return Held(before[0].key) if before and c.measure not in SHARE_MEASURES else None


def _watched_holder(c: SubjectCase) -> Held | None:
    """Shares, counts of controlled items and figures of a clause about exports with no named holder:
    the controlling exporter the project watches."""
    if c.measure in SHARE_MEASURES or c.unit == "count" or c.family_of == "export_volume":
        return Held(default_subject(c.ctx))
    return None


def _carried(c: SubjectCase) -> Held:
    """The previous sentence's actor; quotas and control rules, with none, the controlling state's."""
    carried = carried_actor(c.ctx, c.si)
    sent = c.sent
    if carried is None and (has_measure_cue(c.ctx, "production_quota", sent.start, sent.end)
                            or has_cue(c.ctx, "control", sent.start, sent.end)):
        return Held(default_subject(c.ctx))
    return Held(carried)


SUBJECT_RULES: tuple[tuple[str, SubjectRule], ...] = (
    ("price market", _price_market),
    ("part of exports", _part_of_exports),
    ("tariff imposer", _tariff_imposer),
    ("dependent", _dependent),
    ("exporter", _exporter),
    ("guarantor", _guarantor),
    ("price quoter", _price_quoter),
    ("licensor", _licensor),
    ("world figure", _world_figure),
    ("funder", _funder),
    ("organisation", _organisation),
    ("described organisation", _described_organisation),
    ("nearest actor", _nearest_actor),
    ("table title", _table_title),
    ("weak actor", _weak_actor),
    ("watched holder", _watched_holder),
    ("carried", _carried),
)


def subject_rule(case: SubjectCase) -> tuple[str | None, str]:
    """Who holds the number, and the name of the rule that decided: the first of ``SUBJECT_RULES``."""
    for name, rule in SUBJECT_RULES:
        held = rule(case)
        if held is not None:
            return held.key, name
    return None, "none"  # unreachable: the last rule always decides
