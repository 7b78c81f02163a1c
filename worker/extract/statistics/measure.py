"""Measure: what a number measures, decided from its unit and the words that govern it.

``measure_of`` dispatches on the unit; a percentage goes through ``PERCENT_RULES``, an ordered
table of named rules, the first that decides wins (tariff → rate-of-change noun → world share
from its source → dependence → licences → quota context → change verb → governing phrase's share
→ share frame → no topic → other). Every decision carries the name of the rule that made it, so
a statistic can say why (and the confidence judge can weigh how). Masses, money and multipliers
are decided in ``amounts.py``, changes in ``changes.py``, shares and dependence in ``shares.py``.
Words: ``data/measures.yaml`` and ``data/cues.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from worker.common.cjk import has_han
from worker.extract.numbers import Quantity
from worker.extract.statistics.amounts import buys_goods, names_in, times_measure, value_measure, volume_measure
from worker.extract.statistics.changes import change_measure, changed_noun, nearest_direction, rate_noun_sign
from worker.extract.statistics.document import (
    MONEY,
    PRICES,
    SHARE_MEASURES,
    Document,
    Span,
    has_cue,
    has_measure_cue,
    in_span,
    is_row,
    level_pattern,
    strong_actors,
    topic_nearby,
)
from worker.extract.statistics.scope import has_any_volume_cue, of_foreign_object
from worker.extract.statistics.shares import (
    is_dependence,
    no_dependent,
    phrase_is_global,
    phrase_owner,
    phrase_share,
    possessor,
    share_frame,
    share_subtype,
    whole_is_own,
    whole_of_one_owner,
)
from worker.extract.text import Sentence
from worker.extract.vocab import Match
from worker.types import Statistic

Decision = tuple[str | None, float, str]
"""(measure, sign, name of the rule that decided); measure ``""``: not a statistic after all."""


def measure_of(
    ctx: Document,
    sent: Sentence,
    clause: Span,
    q: Quantity,
    unit: str,
    sent_materials: list[Match],
    context_sent: Sentence,
    licence_items: bool,
) -> Decision:
    """What the number measures, with its sign and the rule that decided."""
    if unit == "count":
        return ("licence_count" if licence_items else "other"), 1.0, "count"
    if unit in {"percent", "percentage_points"}:
        return percent_measure(PercentCase(ctx, sent, clause, q, sent_materials, context_sent))
    if unit == "times":
        return times_measure(ctx, sent, clause, q), 1.0, "multiplier"
    if unit in {"tonnes", "kg"}:
        named_here = bool(in_span(ctx.materials, sent.start, sent.end)) or (
            bool(sent_materials) and is_row(ctx, sent))  # a table's row: the table names the material
        if not named_here and not has_any_volume_cue(ctx, context_sent):
            return "", 1.0, "mass without topic"
        if of_foreign_object(ctx, q):
            return "", 1.0, "mass of other goods"  # "12 million tonnes of soybeans"
        return volume_measure(ctx, sent, clause, q, unit, context_sent), 1.0, "mass"
    if unit in MONEY or unit == "other":
        # an amount in a currency SCHEMA has no unit for (A$, HK$, 日元) keeps unit `other`;
        # money needs the topic here, or an actor here and the topic just before ("The Pentagon's
        # response ... a $2 billion package"); a carmaker's revenue in passing is not ours
        if buys_goods(ctx, clause, q):
            return "", 1.0, "money for other goods"  # "tariffs on $300 billion of Chinese goods"
        named_here = bool(in_span(ctx.materials, sent.start, sent.end))
        if not named_here and not (topic_nearby(ctx, sent) and (
                strong_actors(ctx, sent.start, sent.end) or names_in(ctx, sent))):
            return "", 1.0, "money without topic"
        if q.per is not None:
            return "price", 1.0, "price"  # "$400 per metric ton unit", "USD 580-650/mtu": no SCHEMA unit
        value = value_measure(ctx, sent, clause, q)
        if value != "other" and not named_here:
            # "南韩对欧盟的出口额（44.8亿美元）": a trade value needs the goods named; a country's trade
            # in general is not ours
            return "", 1.0, "trade value of other goods"
        return value, 1.0, "money"
    if unit in PRICES:
        return "price", 1.0, "price"
    return "", 1.0, "no measure for the unit"


@dataclass
class PercentCase:
    """What every percentage rule reads: the number, its clause and sentence, and derived facts once."""

    ctx: Document
    sent: Sentence
    clause: Span
    q: Quantity
    sent_materials: list[Match]
    context_sent: Sentence

    @cached_property
    def direction(self) -> tuple[float, Match] | None:
        return nearest_direction(self.ctx, self.clause, self.q)

    @cached_property
    def dependence(self) -> bool:
        return is_dependence(self.ctx, self.sent, self.clause, self.q)


PercentRule = Callable[[PercentCase], tuple[str | None, float] | None]


def _tariff(c: PercentCase) -> tuple[str | None, float] | None:
    """A tariff rate: a stated level ("a 25% duty", "cut to 30%", "from 57%"), or an explicit cut."""
    ctx, cs, ce, q = c.ctx, c.clause.start, c.clause.end, c.q
    if not (has_measure_cue(ctx, "tariff_rate", cs, ce) or (
            has_measure_cue(ctx, "tariff_rate", c.sent.start, c.sent.end) and has_cue(ctx, "rate_word", cs, ce))):
        return None
    if has_cue(ctx, "other_goods", cs, ce) and not in_span(ctx.materials, cs, ce):
        return "", 1.0  # "进口钢铁关税由25%调高到50%": a tariff on other goods
    if level_pattern(ctx.vocab).search(ctx.prep[max(cs, q.start - 12) : q.start]):
        return "tariff_rate", 1.0
    cut = (c.direction is not None and c.direction[0] < 0) or has_cue(ctx, "down", cs, q.start)
    return "tariff_rate", (-1.0 if cut else 1.0)


def _rule_threshold(c: PercentCase) -> tuple[str | None, float] | None:
    """A threshold inside a control rule ("products whose Chinese rare earth content reaches 0.1%", a
    99.99% purity grade) is SCHEMA's ``other``, whatever trade words surround it."""
    ctx, sent = c.ctx, c.sent
    if has_cue(ctx, "control", sent.start, sent.end) and has_cue(ctx, "threshold_word", c.clause.start, c.clause.end):
        return "other", 1.0
    return None


def _rate_noun(c: PercentCase) -> tuple[str | None, float] | None:
    """A rate-of-change noun before the number gives the sign ("年减幅缩小到15%": −15)."""
    sign = rate_noun_sign(c.ctx, c.clause, c.q)
    return None if sign is None else change_measure(c.ctx, c.sent, c.clause, c.context_sent, sign)


def _world_share_from_source(c: PercentCase) -> tuple[str | None, float] | None:
    """ "About 85% of processed rare earths come from China": a share of an activity, held by the source."""
    if c.direction is None and c.dependence and no_dependent(c.ctx, c.sent, c.clause, c.q):
        return share_subtype(c.ctx, c.sent, c.clause, c.q), 1.0
    return None


def _dependence(c: PercentCase) -> tuple[str | None, float] | None:
    """A dependent's supply from a source; "自中国进口的锑减少了三分之一" is a change, not a dependence."""
    ctx, clause, q = c.ctx, c.clause, c.q
    if c.direction is None and ((c.dependence and not phrase_is_global(ctx, clause, q))
                                or possessor(ctx, clause, q) is not None or phrase_owner(ctx, clause, q) is not None):
        return "import_dependence", 1.0
    return None


def _licence_share(c: PercentCase) -> tuple[str | None, float] | None:
    """A share of licences decided ("a quarter of the applications were approved")."""
    ctx, cs, ce = c.ctx, c.clause.start, c.clause.end
    if (has_measure_cue(ctx, "licence_count", cs, ce) and has_cue(ctx, "licence_decision", cs, ce)
            and not share_frame(ctx, c.clause, c.q)):
        return "licence_count", 1.0
    return None


def _licence_of_applications(c: PercentCase) -> tuple[str | None, float] | None:
    """ "中方已批准部分许可申请，约占申请总数的四分之一": the share is of the applications."""
    ctx, cs, ce, sent = c.ctx, c.clause.start, c.clause.end, c.sent
    if (has_cue(ctx, "licence_decision", sent.start, sent.end)
            and has_measure_cue(ctx, "licence_count", sent.start, sent.end)
            and not in_span(ctx.actors, cs, ce)
            and not any(has_measure_cue(ctx, m, cs, ce) for m in SHARE_MEASURES)
            and not has_cue(ctx, "up", cs, ce) and not has_cue(ctx, "down", cs, ce)):
        return "licence_count", 1.0
    return None


def _quota_context(c: PercentCase) -> tuple[str | None, float] | None:
    """A percentage in a sentence about quotas is not one of SCHEMA's shares (a quota's part, its change)."""
    if has_measure_cue(c.ctx, "production_quota", c.sent.start, c.sent.end):
        return "other", c.direction[0] if c.direction else 1.0
    return None


def _change(c: PercentCase) -> tuple[str | None, float] | None:
    """A rise or fall verb governs the number: a signed change of what the verb governs."""
    if c.direction is None:
        return None
    if _SHARE_OF_CHANGE.fullmatch(c.ctx.prep, c.q.end, c.direction[1].start):
        return "other", 1.0  # "two-thirds of the increase in recycling capacity": a share of a change
    governed = changed_noun(c.ctx, c.clause, c.q, c.direction[1])
    if governed is not None:
        return governed, c.direction[0]
    return change_measure(c.ctx, c.sent, c.clause, c.context_sent, c.direction[0])


_SHARE_OF_CHANGE = re.compile(r"\s+of\s+(?:the\s+|this\s+|that\s+|its\s+)?(?:[a-z-]+\s+)?")


def _phrase_share(c: PercentCase) -> tuple[str | None, float] | None:
    """ "90% of the lithium refined worldwide comes from China", "加工占百分之九十": the phrase's activity."""
    ctx, cs, ce = c.ctx, c.clause.start, c.clause.end
    if phrase_share(ctx, c.clause, c.q) is None or not (has_cue(ctx, "share_frame", cs, ce) or c.dependence):
        return None
    if whole_is_own(ctx, c.sent, c.clause, c.q) or whole_of_one_owner(ctx, c.clause, c.q):
        return "other", 1.0  # "占出口总量的26%", "15% of the EU's demand": one owner's whole, not the world's
    return share_subtype(ctx, c.sent, c.clause, c.q), 1.0


def _share_frame(c: PercentCase) -> tuple[str | None, float] | None:
    """A share frame ("accounts for", "of global", "占") and the nearest activity cue."""
    ctx, cs, ce, sent = c.ctx, c.clause.start, c.clause.end, c.sent
    if not (share_frame(ctx, c.clause, c.q) or (
            share_frame(ctx, Span(sent.start, sent.end), c.q)
            and any(has_measure_cue(ctx, m, cs, ce) for m in SHARE_MEASURES[:4]))):
        return None
    sub = share_subtype(ctx, sent, c.clause, c.q)
    if sub in SHARE_MEASURES and has_han(ctx.prep[cs:ce]) and not has_cue(
            ctx, "global_marker", sent.start, sent.end):
        sub = "other"  # "占出口总量的26%": a share of China's own exports, not of the world's
    if sub in SHARE_MEASURES and whole_of_one_owner(ctx, c.clause, c.q):
        sub = "other"  # "7% of Chinese NdPr production"
    if sub == "other" and not c.sent_materials and not has_measure_cue(ctx, "export_volume", cs, ce):
        return "", 1.0
    return sub, 1.0


def _no_topic(c: PercentCase) -> tuple[str | None, float] | None:
    """No material and no trade or price word in the sentence: not ours ("EV sales rose 30%")."""
    if not c.sent_materials and not any(
            has_measure_cue(c.ctx, m, c.sent.start, c.sent.end) for m in ("export_volume", "import_volume", "price")):
        return "", 1.0
    return None


PERCENT_RULES: tuple[tuple[str, PercentRule], ...] = (
    ("tariff", _tariff),
    ("rule threshold", _rule_threshold),
    ("rate noun", _rate_noun),
    ("world share from source", _world_share_from_source),
    ("dependence", _dependence),
    ("licence share", _licence_share),
    ("licence applications", _licence_of_applications),
    ("quota context", _quota_context),
    ("change", _change),
    ("phrase share", _phrase_share),
    ("share frame", _share_frame),
    ("no topic", _no_topic),
)


def percent_measure(case: PercentCase) -> Decision:
    """The first rule of ``PERCENT_RULES`` that decides; else ``other``."""
    for name, rule in PERCENT_RULES:
        decided = rule(case)
        if decided is not None:
            return decided[0], decided[1], name
    return "other", 1.0, "other"


# rules that decide by default, when nothing in the clause names a measure
FALLBACK_RULES = frozenset({"other", "no topic", "mass", "money", "multiplier"})
# a figure hung on an actor: "Russia (6%)", "Germany at 209 tons", "俄罗斯35万吨", "India, 150 tons"
_ON_ACTOR = re.compile(r"\s*(?:[(（]\s*|at\s+|with\s+|:\s*|,\s*)?(?:about\s+|约)?$")


def list_item_measure(ctx: Document, clause: Span, q: Quantity, unit: str, rule: str,
                      previous: Statistic | None) -> str | None:
    """A figure of a list takes the measure of the figure before it in the sentence ("China 78%, Russia (6%)
    and Tajikistan (5%)", "Vietnam took 235 tons, followed by Germany at 209 tons"): when its own clause
    names no measure, the number hangs on an actor, and the previous figure has the same unit."""
    if previous is None or rule not in FALLBACK_RULES or previous.unit != unit or previous.measure in (None, "other"):
        return None
    actors = [a for a in ctx.actors if a.end <= q.start and a.start >= clause.start]
    if not actors or not _ON_ACTOR.fullmatch(ctx.prep[actors[-1].end : q.start]):
        return None
    return previous.measure
