"""Statistics: the numbers an article states about export-controlled minerals.

``extract_statistics`` finds every number expression (``worker.extract.numbers``), keeps the
ones that are statistics under SCHEMA.md's labelling conventions, and links each to a
subject, material and measure through the structure of its sentence:

1. *Gate*: a text that names no strong material (rare earths, gallium, graphite...) yields
   nothing; a page about solar panels or gene therapy is full of numbers that are not ours.
2. *Sentence and clause*: sentences come from ``text.split_sentences``; a clause is the part
   of a sentence between commas, semicolons and colons ("..., whereas the US turned out just
   15,000 tons"). Most links are looked for in the clause first, then the sentence, then the
   sentences before (an article says "rare earths" once and then "exports totalled 29,379 tons").
3. *Measure*: decided by the unit and the cue words (data/measures.yaml, data/cues.yaml) in
   priority order: tariff, import dependence, licences, quotas, changes (a rise/fall verb next
   to the number, signed), shares (a "share" frame plus the nearest production / refining /
   reserves / magnet cue, preferring the "of ..." phrase after the number), volumes, values,
   prices; `other` for the rest (investments, per-jet content, counts of controlled items).
4. *Subject*: an actor that holds the role the measure needs: the exporter, not the
   destination ("輸往德國"); the dependent, not the source ("relies on China"); the one who
   imposes a tariff, not its target ("tariffs on China"). The nearest such actor in the
   clause, then the sentence's subject (its first actor after any headline lead; in a
   relative clause or a subject-less Chinese clause, the actor just before), then for
   exports, shares, licences and controlled-item counts the domain default
   (data/cues.yaml ``default_subject``: China).
5. *Hedges* ("nearly", "约", "以上") set ``approx``; fractions and 成 are approximate.

Everything that is a word list lives in the data files so users extend it from the watch
file; this module is the grammar.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from worker.extract.numbers import Quantity, find_quantities
from worker.extract.text import Sentence, detect_language, split_sentences
from worker.extract.vocab import Match, Vocabulary, load_vocabulary, prepare
from worker.types import Statistic

__all__ = ["extract_statistics"]

_SHARE_MEASURES = (
    "share_of_global_production",
    "share_of_global_refining",
    "share_of_global_reserves",
    "share_of_magnet_production",
    "share_of_global_exports",
)
_GENERIC_MATERIALS = frozenset({"rare_earths", "critical_minerals"})
_MONEY = frozenset({"usd", "cny", "eur"})
_PRICES = frozenset({"usd_per_kg", "usd_per_tonne", "cny_per_kg", "cny_per_tonne"})
_FALLBACK_SUBJECT = "china"  # used when data/cues.yaml has no `default_subject`
# Words after "tonnes of" that refer back to the minerals ("44 million tons of the elements")
_GENERIC_OBJECTS = frozenset(
    re.findall(
        r"\w+",
        "elements element metal metals material materials products ore concentrate it them which these "
        "those its their high heavy light key critical",
    )
)
_CLAUSE_SPLIT = re.compile(r",(?!\d)|;|:|\u2014| - |\bwhereas\b|\bwhile\b|、(?=[^、]{0,3}(?:同比|环比))")
_NEAR_BEFORE = 40
_NEAR_AFTER = 16


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    text: str = ""


@dataclass
class _Context:
    """Per-document state: matches and sentences in the matcher form of the text."""

    text: str
    prep: str
    vocab: Vocabulary
    sentences: list[Sentence]
    actors: list[Match]
    materials: list[Match]
    cache: dict[str, list[Match]] = field(default_factory=dict)
    quantities: list[Quantity] = field(default_factory=list)

    def matches(self, kind: str, name: str) -> list[Match]:
        """Matches of one cue list (``kind`` "cue") or measure (``kind`` "measure"), found once per text."""
        key = f"{kind}:{name}"
        found = self.cache.get(key)
        if found is None:
            if kind == "cue":
                found = self.vocab.find_cues(name, self.prep, prepared=True)
            else:
                found = self.vocab.find_measure_cues(name, self.prep, prepared=True)
            self.cache[key] = found
        return found


# ----------------------------------------------------------------------------- public


def extract_statistics(
    text: str, *, language: str | None = None, vocab: Vocabulary | None = None
) -> list[Statistic]:
    """Statistics stated in ``text``, in text order, each with the span of its number.

    ``language`` ("en", "zh-Hans", "zh-Hant") is detected when not given; it only tunes
    a few preferences (Chinese states the material before the number). ``vocab`` defaults
    to the packaged vocabulary (``load_vocabulary()``).
    """
    if not text or not text.strip():
        return []
    vocab = vocab or load_vocabulary()
    prep = prepare(text)
    materials = vocab.find_materials(prep, prepared=True)
    if not any(not m.weak for m in materials):
        return []
    lang = language or detect_language(text)
    ctx = _Context(
        text=text,
        prep=prep,
        vocab=vocab,
        sentences=split_sentences(text),
        actors=vocab.find_actors(prep, prepared=True),
        materials=materials,
    )
    out: list[Statistic] = []
    quantities = find_quantities(prep)
    ctx.quantities = quantities
    qi = 0
    for si, sent in enumerate(ctx.sentences):
        while qi < len(quantities) and quantities[qi].start < sent.start:
            qi += 1
        j = qi
        while j < len(quantities) and quantities[j].end <= sent.end:
            out.extend(_statistics_for(ctx, si, quantities[j], lang))
            j += 1
        qi = j
    return out


# ----------------------------------------------------------------------------- per number


def _statistics_for(ctx: _Context, si: int, q: Quantity, lang: str) -> list[Statistic]:
    """The statistic(s) one number expression states, or none (a year, a share price...)."""
    sent = ctx.sentences[si]
    clause = _clause(ctx.prep, sent, q)
    if _excluded(ctx, sent, clause, q):
        return []
    unit, count_match, licence_items = _unit_of(ctx, sent, clause, q)
    if unit is None:
        return []
    context_sent, sent_materials = _context(ctx, si)
    measure, sign = _measure_of(ctx, sent, clause, q, unit, sent_materials, context_sent, licence_items)
    if measure == "":
        return []
    if measure == "tariff_rate":
        materials: list[str | None] = [None]  # tariffs are on goods in general
    else:
        materials = _materials_for(ctx, si, clause, q, measure, lang, count_match, unit in _MONEY)
    if measure == "share_of_global_production" and materials == ["rare_earth_magnets"]:
        measure = "share_of_magnet_production"
    subject = _subject_for(ctx, si, clause, q, measure, unit)
    period = _period(ctx, sent, clause, q)
    high = q.value_high * sign if q.value_high is not None else None
    return [
        Statistic(
            value=q.value * sign,
            unit=unit,
            approx=q.approx,
            value_high=high,
            subject=subject,
            material=mat,
            measure=measure,
            period=period,
            sentence=sent.text,
            start=q.start,
            end=q.end,
        )
        for mat in materials
    ]


def _unit_of(
    ctx: _Context, sent: Sentence, clause: _Span, q: Quantity
) -> tuple[str | None, Match | None, bool]:
    """The SCHEMA unit, the counted noun of a count, and whether the count is of licences.

    A bare number gets a unit only as a nil export ("zero gallium"), a count of licences or a
    count of controlled items; ``unit`` None means "not a statistic" (a year, "Group 1").
    """
    if q.unit is not None:
        return q.unit, None, False
    if q.value == 0 and q.word and _zero_export(ctx, sent, q):
        return "tonnes", None, False
    if _licence_items(ctx, clause, q):
        return "count", None, True
    counted = _counted_item(ctx, sent, clause, q)
    return ("count", counted, False) if counted is not None else (None, None, False)


def _context(ctx: _Context, si: int) -> tuple[Sentence, list[Match]]:
    """The span whose cues count for a number, and the materials in reach.

    "Over the first eight months, exports totalled 29,379 tons": when the sentence names no
    material, the sentence before (which named it) is read together with it.
    """
    sent = ctx.sentences[si]
    here = _in_span(ctx.materials, sent.start, sent.end)
    if here or si == 0:
        return sent, here
    prev = ctx.sentences[si - 1]
    before = _in_span(ctx.materials, prev.start, prev.end)
    if not before:
        return sent, here
    return Sentence(ctx.text[prev.start : sent.end], prev.start, sent.end), before


def _topic_nearby(ctx: _Context, sent: Sentence) -> bool:
    """A material in the two sentences before or the one after (a bullet list, a lead paragraph)."""
    idx = ctx.sentences.index(sent)
    lo = ctx.sentences[max(0, idx - 2)].start
    hi = ctx.sentences[min(len(ctx.sentences) - 1, idx + 1)].end
    return bool(_in_span(ctx.materials, lo, hi))


def _measure_of(
    ctx: _Context,
    sent: Sentence,
    clause: _Span,
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
        return _percent_measure(ctx, sent, clause, q, sent_materials, context_sent)
    if unit == "times":
        return _times_measure(ctx, sent, clause, q), 1.0
    if unit in {"tonnes", "kg"}:
        named_here = bool(_in_span(ctx.materials, sent.start, sent.end))
        if not named_here and not _has_any_volume_cue(ctx, context_sent):
            return "", 1.0
        if _of_foreign_object(ctx, q):
            return "", 1.0  # "12 million tonnes of soybeans"
        return _volume_measure(ctx, sent, clause, q, unit, context_sent), 1.0
    if unit in _MONEY or unit == "other":
        # an amount in a currency SCHEMA has no unit for (A$, HK$, 日元) keeps unit `other`;
        # money needs the topic here, or an actor here and the topic just before ("The Pentagon's
        # response ... a $2 billion package"); a carmaker's revenue in passing is not ours
        named_here = bool(_in_span(ctx.materials, sent.start, sent.end))
        if not named_here and not (_topic_nearby(ctx, sent) and _strong_actors(ctx, sent.start, sent.end)):
            return "", 1.0
        return _value_measure(ctx, sent, clause), 1.0
    if unit in _PRICES:
        return "price", 1.0
    return "", 1.0


# ----------------------------------------------------------------------------- helpers: spans


def _clause(prep: str, sent: Sentence, q: Quantity) -> _Span:
    """The clause of ``sent`` that holds the number (between , ; : and "whereas")."""
    start = sent.start
    end = sent.end
    for m in _CLAUSE_SPLIT.finditer(prep, sent.start, sent.end):
        if m.end() <= q.start:
            start = m.end()
        elif m.start() >= q.end:
            end = m.start()
            break
    return _Span(start, end, prep[start:end])


def _in_span(matches: Sequence[Match], start: int, end: int) -> list[Match]:
    """The matches inside ``[start, end)``; ``matches`` are in text order (as the matcher gives them).

    A binary search, not a scan: a scan per number made long pages quadratic (a 1 MB page of
    figures took minutes).
    """
    i = bisect_left(matches, start, key=_match_start)
    out: list[Match] = []
    while i < len(matches) and matches[i].start < end:
        if matches[i].end <= end:
            out.append(matches[i])
        i += 1
    return out


def _match_start(m: Match) -> int:
    return m.start


def _cues(ctx: _Context, name: str, start: int, end: int) -> list[Match]:
    return _in_span(ctx.matches("cue", name), start, end)


def _measure_cues(ctx: _Context, measure: str, start: int, end: int) -> list[Match]:
    return _in_span(ctx.matches("measure", measure), start, end)


def _has(ctx: _Context, name: str, start: int, end: int) -> bool:
    return bool(_cues(ctx, name, start, end))


def _has_measure(ctx: _Context, measure: str, start: int, end: int) -> bool:
    return bool(_measure_cues(ctx, measure, start, end))


def _strong_actors(ctx: _Context, start: int, end: int) -> list[Match]:
    return [a for a in _in_span(ctx.actors, start, end) if not a.weak]


# ----------------------------------------------------------------------------- filters


def _excluded(ctx: _Context, sent: Sentence, clause: _Span, q: Quantity) -> bool:
    """Share prices, ownership thresholds, purity grades outside control rules, temperatures..."""
    hits = _cues(ctx, "exclude", clause.start, clause.end)
    if not hits:
        return False
    unless = {prepare(w).lower() for w in ctx.vocab.cues.get("exclude_unless_control", [])}
    for h in hits:
        overruled = h.alias.lower() in unless or prepare(h.alias).lower() in unless
        if overruled and _has(ctx, "control", sent.start, sent.end):
            continue
        return True
    return False


def _zero_export(ctx: _Context, sent: Sentence, q: Quantity) -> bool:
    """ "zero germanium" / "exports at zero": a nil export volume."""
    if not _has_measure(ctx, "export_volume", sent.start, sent.end):
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


def _counted_item(ctx: _Context, sent: Sentence, clause: _Span, q: Quantity) -> Match | None:
    """A bare count of controlled items ("seven rare earth elements", "5种中重稀土") in a control sentence."""
    if q.value < 2 or q.value >= 1000 or q.value != int(q.value):
        return None
    if not _has(ctx, "control", sent.start, sent.end):
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
    counted = _cues(ctx, "counted", q.end, after_end)
    if not counted:
        return None
    first = counted[0]
    gap = ctx.prep[q.end : first.start]
    if _is_cjk_text(first.alias):
        if gap.strip():
            return None
    else:
        # a few words between ("seven medium and heavy rare earth elements", "three types of")
        if len(gap.split()) > 6 or re.search(r"[.,;:\d]", gap):
            return None
    return first


def _licence_items(ctx: _Context, clause: _Span, q: Quantity) -> bool:
    """ "1,500 export licence applications", "发放了120张出口许可证": a count of licences."""
    if q.value < 1 or q.value != int(q.value) or (1900 <= q.value <= 2100 and not q.word):
        return False
    hits = _cues(ctx, "licence_items", q.end, min(clause.end, q.end + 60))
    if not hits:
        return False
    gap = ctx.prep[q.end : hits[0].start]
    # "approved 25 of the 100 licence applications": both numbers count licences
    gap = re.sub(r"^\s+of\s+(?:the\s+)?[\d,]+(?=\s)", "", gap)
    if _is_cjk_text(hits[0].alias):
        return len(gap.strip()) <= 2
    return len(gap.split()) <= 2 and not re.search(r"[.,;:\d]", gap)


def _is_cjk_text(s: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in s)


def _hedged(ctx: _Context, sent: Sentence, q: Quantity) -> bool:
    before_start = max(sent.start, q.start - 16)
    for h in _cues(ctx, "hedge_before", before_start, q.start):
        gap = ctx.prep[h.end : q.start]
        if gap.strip() in {"", "$", "US$"} or re.fullmatch(r"\s*(?:the|of|a|\$|US\$)?\s*", gap):
            return True
        # Chinese hedges the verb: "大约占全球的80%", "约为5000吨"
        if _is_cjk_text(h.alias) and re.fullmatch(r"\s*(?:占|为|达|是|达到|相当于)[^\d,.;:。]{0,4}?\s*", gap):
            return True
    after = ctx.prep[q.end : min(sent.end, q.end + 6)]
    skip = len(after) - len(after.lstrip())
    return any(h.start == q.end + skip for h in _cues(ctx, "hedge_after", q.end, min(sent.end, q.end + 8)))


def _of_foreign_object(ctx: _Context, q: Quantity) -> bool:
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
    return word not in _GENERIC_OBJECTS


def _has_any_volume_cue(ctx: _Context, sent: Sentence) -> bool:
    return any(
        _has_measure(ctx, m, sent.start, sent.end)
        for m in (
            "export_volume",
            "import_volume",
            "production_volume",
            "reserves_volume",
            "production_quota",
        )
    )


# ----------------------------------------------------------------------------- measures


def _nearest_direction(ctx: _Context, clause: _Span, q: Quantity) -> tuple[float, Match] | None:
    """Sign of a change verb right before ("fell 24%", "下滑5.2%") or after ("a 4% decline") the number."""
    best: tuple[int, float, Match] | None = None
    lo = max(clause.start, q.start - _NEAR_BEFORE)
    hi = min(clause.end, q.end + _NEAR_AFTER)
    for name, sign in (("up", 1.0), ("down", -1.0)):
        for c in _cues(ctx, name, lo, hi):
            if c.end <= q.start and c.alias.lower() in _AFTER_ONLY:
                continue  # "more than 90%" is a hedge; "30% more" is a change
            if c.end <= q.start:
                gap = ctx.prep[c.end : q.start]
                if re.search(r"\d", gap):
                    continue  # another number is closer to the cue
                # "rose to 15%", "降至538吨": a level, not a change
                if _level_pattern(ctx.vocab).search(gap):
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


def _percent_measure(
    ctx: _Context,
    sent: Sentence,
    clause: _Span,
    q: Quantity,
    sent_materials: list[Match],
    context_sent: Sentence,
) -> tuple[str | None, float]:
    """Measure and sign of a percentage; ``""`` means "not a statistic"."""
    cs, ce = clause.start, clause.end
    if _has_measure(ctx, "tariff_rate", cs, ce):
        direction = _nearest_direction(ctx, clause, q)
        cut = direction is not None and direction[0] < 0
        if not cut and _has(ctx, "down", cs, q.start):
            cut = True
        return "tariff_rate", (-1.0 if cut else 1.0)
    if _is_dependence(ctx, sent, clause, q) or _possessor(ctx, clause, q) is not None:
        return "import_dependence", 1.0
    if (
        _has_measure(ctx, "licence_count", cs, ce)
        and _has(ctx, "licence_decision", cs, ce)
        and not _share_frame(ctx, clause, q)
    ):
        return "licence_count", 1.0
    if (
        _has(ctx, "licence_decision", sent.start, sent.end)
        and _has_measure(ctx, "licence_count", sent.start, sent.end)
        and not _in_span(ctx.actors, cs, ce)
        and not any(_has_measure(ctx, m, cs, ce) for m in _SHARE_MEASURES)
        and not _has(ctx, "up", cs, ce)
        and not _has(ctx, "down", cs, ce)
    ):
        # "中方已批准部分许可申请，约占申请总数的四分之一": the share is of the applications
        return "licence_count", 1.0
    direction = _nearest_direction(ctx, clause, q)
    if _has_measure(ctx, "production_quota", sent.start, sent.end):
        return "other", direction[0] if direction else 1.0
    if direction is not None:
        sign = direction[0]
        if _has_measure(ctx, "price", cs, ce):
            return "price_change", sign
        if _has_measure(ctx, "export_volume", sent.start, sent.end):
            return "export_change", sign
        if _has_measure(ctx, "price", sent.start, sent.end):
            return "price_change", sign
        if context_sent.start < sent.start and _has_measure(
            ctx, "export_volume", context_sent.start, sent.start
        ):
            return "export_change", sign
        if not _in_span(ctx.materials, sent.start, sent.end):
            return "", 1.0  # "EV sales rose 30%" next to a sentence about magnets
        return "other", sign
    if _share_frame(ctx, clause, q) or (
        _share_frame(ctx, _Span(sent.start, sent.end), q)
        and any(_has_measure(ctx, m, clause.start, clause.end) for m in _SHARE_MEASURES[:4])
    ):
        sub = _share_subtype(ctx, sent, clause, q)
        if (
            sub in _SHARE_MEASURES
            and _is_cjk_text(ctx.prep[cs:ce])
            and not _has(ctx, "global_marker", sent.start, sent.end)
        ):
            sub = "other"  # "占出口总量的26%": a share of China's own exports, not of the world's
        if sub == "other" and not sent_materials and not _has_measure(ctx, "export_volume", cs, ce):
            return "", 1.0
        return sub, 1.0
    if not sent_materials and not any(
        _has_measure(ctx, m, sent.start, sent.end) for m in ("export_volume", "import_volume", "price")
    ):
        return "", 1.0
    return "other", 1.0


def _possessor(ctx: _Context, clause: _Span, q: Quantity) -> Match | None:
    """The actor whose supply a share is of: "China supplies 98% of the EU's magnets"."""
    m = re.match(r"\s*of\s+(?:the\s+)?", ctx.prep[q.end : q.end + 12])
    if not m:
        return None
    at = q.end + m.end()
    i = bisect_left(ctx.actors, at, key=_match_start)
    actor = ctx.actors[i] if i < len(ctx.actors) and ctx.actors[i].start == at and not ctx.actors[i].weak else None
    if actor is None or not ctx.prep.startswith("'s", actor.end):
        return None
    if not _has(ctx, "supply_verb", clause.start, q.start):
        return None
    return actor


def _is_dependence(ctx: _Context, sent: Sentence, clause: _Span, q: Quantity) -> bool:
    """A dependence cue in the clause and an actor in the *source* role ("on China", 仰赖中国)."""
    cues = _measure_cues(ctx, "import_dependence", clause.start, clause.end)
    own = re.match(r"\s*of\s+(?:its|their|the country's|the nation's)\b", ctx.prep[q.end : q.end + 24])
    if own and any(
        _role(ctx, a, "source_marker") and a.start > q.end
        for a in _strong_actors(ctx, clause.start, clause.end)
    ):
        return True  # "Germany gets 65% of its rare earths from China"
    if not cues:
        # "India imports 90% of its magnets from China": an import verb and a source in the clause
        if not _has_measure(ctx, "import_volume", clause.start, clause.end):
            return False
        return any(_role(ctx, a, "source_marker") for a in _strong_actors(ctx, clause.start, clause.end))
    if any("import" in c.alias.lower() or "进口" in c.alias or "对外" in c.alias for c in cues):
        return True  # "100% reliant on imports", "进口依存度": dependence on imports as such
    return any(_role(ctx, a, "source_marker") for a in _strong_actors(ctx, sent.start, sent.end))


def _share_frame(ctx: _Context, clause: _Span, q: Quantity) -> bool:
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
    if _has(ctx, "share_frame", clause.start, clause.end):
        return True
    # "90% of rare earth refining takes place in China": the "of ..." phrase names an activity
    if not possessive_of_other and re.match(r"\s*of\b", after):
        hi = min(clause.end, q.end + 45)
        return any(_has_measure(ctx, m, q.end, hi) for m in _SHARE_MEASURES[:3])
    return False


def _share_subtype(ctx: _Context, sent: Sentence, clause: _Span, q: Quantity) -> str | None:
    """Nearest production / refining / reserves / magnet cue, the "of ..." phrase after the number first."""
    cues: list[tuple[str, Match]] = []
    for measure in _SHARE_MEASURES:
        for c in _measure_cues(ctx, measure, sent.start, sent.end):
            cues.append((measure, c))
    in_clause = [(m, c) for m, c in cues if c.start >= clause.start and c.end <= clause.end]
    following = sorted((c.start - q.end, m, c) for m, c in in_clause if c.start >= q.end)
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


def _times_measure(ctx: _Context, sent: Sentence, clause: _Span, q: Quantity) -> str:
    word = ctx.prep[q.start : q.end].lower()
    verb = word.endswith("ed") or word.endswith("ing")
    rose = bool(_cues(ctx, "up", max(clause.start, q.start - 25), q.start))
    compared = _has(ctx, "period_compare", q.end, min(clause.end, q.end + 30))
    if verb or rose or compared or "倍" in word:
        if _has_measure(ctx, "price", clause.start, clause.end):
            return "price_change"
        if _has_measure(ctx, "export_volume", sent.start, sent.end):
            return "export_change"
        if _has_measure(ctx, "price", sent.start, sent.end):
            return "price_change"
    return "other"


def _volume_measure(
    ctx: _Context, sent: Sentence, clause: _Span, q: Quantity, unit: str, context_sent: Sentence
) -> str:
    before = ctx.prep[max(clause.start, q.start - 6) : q.start].lower()
    if re.search(r"\bby\s*(?:about|around|some|nearly)?\s*$", before):
        return "other"  # "lifted its mining by 15,000 tons": a change of a volume
    if unit == "kg" and not _has_measure(ctx, "export_volume", clause.start, clause.end):
        return "other"
    if _has(ctx, "content", clause.start, clause.end):
        return "other"
    for span in ((clause.start, clause.end), (sent.start, sent.end), (context_sent.start, context_sent.end)):
        for measure in (
            "production_quota",
            "export_volume",
            "import_volume",
            "reserves_volume",
            "production_volume",
        ):
            if _has_measure(ctx, measure, *span):
                return measure
    return "other"


def _value_measure(ctx: _Context, sent: Sentence, clause: _Span) -> str:
    for measure in ("export_value", "import_value"):
        if _has_measure(ctx, measure, clause.start, clause.end):
            return measure
    # "their value fell 20% to $2.1 billion" in a sentence about exports
    if _has(ctx, "value_word", clause.start, clause.end):
        for measure, trade in (("export_value", "export_volume"), ("import_value", "import_volume")):
            if _has_measure(ctx, trade, sent.start, sent.end):
                return measure
    return "other"


# ----------------------------------------------------------------------------- materials


def _materials_for(
    ctx: _Context,
    si: int,
    clause: _Span,
    q: Quantity,
    measure: str | None,
    lang: str,
    count_match: Match | None,
    unit_is_money: bool = False,
) -> list[str | None]:
    sent = ctx.sentences[si]
    in_clause = _in_span(ctx.materials, clause.start, clause.end)
    in_sent = _in_span(ctx.materials, sent.start, sent.end)
    chosen: Match | None = None

    paired = _respectively(ctx, sent, q, in_sent)
    if paired is not None:
        return [paired]

    following = [m for m in in_clause if m.start >= q.end]
    preceding = [m for m in in_clause if m.end <= q.start]
    if count_match is not None:
        # "seven key rare earth elements from the medium-to-heavy group": the most specific
        window = [m for m in following if m.start - q.end <= 60]
        specific = [m for m in window if m.key not in _GENERIC_MATERIALS and not m.weak]
        if specific:
            chosen = specific[0]
        elif window:
            chosen = window[0]
        elif preceding:
            group = _coordination(ctx, preceding[-1], preceding)
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
            chosen = max(before, key=lambda m: (_specificity(m), m.start))
        elif after and not re.search(r"\d", ctx.prep[q.end : after[0].start]):
            chosen = after[0]
    if chosen is None:
        weak_fallback: Match | None = None
        for prev in range(si - 1, max(-1, si - 8), -1):
            ps = ctx.sentences[prev]
            found = _in_span(ctx.materials, ps.start, ps.end)
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
        return [_dominant_material(ctx)]
    if chosen is None:
        return [_dominant_material(ctx)]
    if (
        measure in _SHARE_MEASURES
        or measure == "import_dependence"
        or (measure == "export_volume" and q.value == 0)
    ):
        # "镓、锗产量占全球80%": one statistic per listed material
        group = _coordination(ctx, chosen, in_sent)
        keys = []
        for g in group:
            if g.key not in keys and g.key not in _GENERIC_MATERIALS:
                keys.append(g.key)
        if len(keys) > 1:
            return list(keys)
    return [chosen.key]


def _respectively(ctx: _Context, sent: Sentence, q: Quantity, in_sent: list[Match]) -> str | None:
    """ "镓、锗出口量分别为5.15吨和8.63吨", "gallium and germanium ... 5.15 and 8.63 tonnes,
    respectively": the n-th number goes with the n-th listed material."""
    if not _has(ctx, "respectively", sent.start, sent.end):
        return None
    before = [m for m in in_sent if m.end <= q.start]
    if not before:
        return None
    group = _coordination(ctx, before[-1], in_sent)
    keys = [g.key for g in group]
    if len(set(keys)) < 2:
        for m in reversed(before[:-1]):  # the list may sit before the last material named
            group = _coordination(ctx, m, in_sent)
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


def _specificity(m: Match) -> int:
    """2 for a named mineral, 1 for a generic class (rare earths), 0 for a vague word (magnets)."""
    if m.weak:
        return 0
    return 1 if m.key in _GENERIC_MATERIALS else 2


def _dominant_material(ctx: _Context) -> str | None:
    """The strong material the text names most often (its topic), for numbers that name none."""
    counts: dict[str, float] = {}
    for m in ctx.materials:
        if not m.weak:
            # ties go to the generic key: "rare earths" is the topic, "NdPr" a detail
            counts[m.key] = counts.get(m.key, 0.0) + (1.0 if m.key not in _GENERIC_MATERIALS else 1.01)
    return max(counts, key=lambda k: counts[k]) if counts else None


def _coordination(ctx: _Context, anchor: Match, pool: Sequence[Match]) -> list[Match]:
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


# ----------------------------------------------------------------------------- subjects


_ROLE_PATTERNS: dict[tuple[int, str], re.Pattern[str]] = {}


def _level_pattern(vocab: Vocabulary) -> re.Pattern[str]:
    """A level marker ending the gap between a change verb and its number ("rose to", "降至"),
    optionally followed by a hedge ("fell to about")."""
    key = (id(vocab), "level_marker")
    pat = _ROLE_PATTERNS.get(key)
    if pat is None:
        words = sorted((prepare(w) for w in vocab.cues.get("level_marker", [])), key=len, reverse=True)
        alts = [re.escape(w) if _is_cjk_text(w) else r"\b" + re.escape(w) for w in words]
        hedges = sorted((prepare(w) for w in vocab.cues.get("hedge_before", [])), key=len, reverse=True)
        pat = re.compile(
            r"(?:"
            + "|".join(alts or ["(?!)"])
            + r")\s*(?:(?:"
            + "|".join(re.escape(h) for h in hedges)
            + r")\s*)?"
            r"(?:US\$|\$|€)?\s*$",
            re.IGNORECASE,
        )
        _ROLE_PATTERNS[key] = pat
    return pat


def _role_pattern(vocab: Vocabulary, marker_list: str) -> re.Pattern[str]:
    key = (id(vocab), marker_list)
    pat = _ROLE_PATTERNS.get(key)
    if pat is None:
        words = sorted((prepare(w) for w in vocab.cues.get(marker_list, [])), key=len, reverse=True)
        alts = [re.escape(w) if _is_cjk_text(w) else r"(?<![A-Za-z])" + re.escape(w) for w in words]
        # a marker right before the actor, allowing "the"/"its" in between ("imports from the US")
        pat = re.compile(
            r"(?:" + "|".join(alts or ["(?!)"]) + r")\s*(?:(?:the|its|their)\s+)?$", re.IGNORECASE
        )
        if len(_ROLE_PATTERNS) > 64:
            _ROLE_PATTERNS.clear()
        _ROLE_PATTERNS[key] = pat
    return pat


def _role(ctx: _Context, actor: Match, marker_list: str) -> bool:
    """True when ``actor`` is introduced by one of the ``marker_list`` words ("on China", "输往德国")."""
    before = ctx.prep[max(0, actor.start - 20) : actor.start]
    if _role_pattern(ctx.vocab, marker_list).search(before) is not None:
        return True
    # Chinese abbreviations carry their marker: "对美出口" (to the US), "对华关税" (on China)
    marker = _role_pattern(ctx.vocab, marker_list)
    return _is_cjk_text(actor.alias) and marker.search(actor.alias[:1]) is not None


def _subject_for(
    ctx: _Context, si: int, clause: _Span, q: Quantity, measure: str | None, unit: str
) -> str | None:
    sent = ctx.sentences[si]
    if measure == "price_change":
        return None
    actors = _in_span(ctx.actors, sent.start, sent.end)
    strong = [a for a in actors if not a.weak]
    lead: dict[str, Any] = {"sentence_text": ctx.prep[sent.start : sent.end], "offset": sent.start}

    if measure == "tariff_rate":
        for a in strong:
            if not _role(ctx, a, "target_marker"):
                return a.key
        return _carry(ctx, si)

    if measure == "import_dependence":
        owner = _possessor(ctx, clause, q)
        if owner is not None:
            return owner.key
        cands = [a for a in strong if not _role(ctx, a, "source_marker")]
        return _nearest(cands, clause, q, **lead) or _carry(ctx, si)

    if measure in {"export_volume", "export_value", "export_change", "share_of_global_exports"}:
        cands = [a for a in strong if not _role(ctx, a, "destination_marker")]
        return (
            _nearest(cands, clause, q, clause_only=True)
            or _nearest_preceding(cands, q)
            or _default_subject(ctx)
        )

    if measure == "price":
        return _nearest(strong, clause, q, **lead)

    if measure == "licence_count":
        return _nearest(strong, clause, q, **lead) or _default_subject(ctx)

    weak = [a for a in actors if a.weak]
    if unit != "percent" and not _in_span(strong, clause.start, clause.end):
        # "68% of the global total of 350,000 tons": a world figure, not the sentence subject's
        lead_in = [a for a in weak if clause.start <= a.start and a.end <= q.start and q.start - a.end <= 30]
        if lead_in:
            return lead_in[-1].key
    found = _nearest(strong, clause, q, **lead)
    if found:
        return found
    if weak and measure not in _SHARE_MEASURES:
        return weak[0].key
    if measure in _SHARE_MEASURES or unit == "count":
        return _default_subject(ctx)
    carried = _carry(ctx, si)
    if carried is None and (
        _has_measure(ctx, "production_quota", sent.start, sent.end)
        or _has(ctx, "control", sent.start, sent.end)
    ):
        return _default_subject(ctx)  # quotas and control rules are set by the controlling state
    return carried


_AFTER_ONLY = frozenset({"more", "less", "fewer"})
_LEAD_SEPARATOR = re.compile(r" [-\u2013\u2014] |: ")


def _default_subject(ctx: _Context) -> str:
    """The actor a share, export figure or control count belongs to when the text names none
    (data/cues.yaml ``default_subject``: the controlling exporter this project watches)."""
    listed = ctx.vocab.cues.get("default_subject") or [_FALLBACK_SUBJECT]
    return listed[0]


def _nearest(
    cands: Sequence[Match],
    clause: _Span,
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
    after = [a for a in in_clause if a.start >= q.end and not _possessive_object(clause, a)]
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
        if relative or _is_cjk_text(clause.text):
            # a relative clause hangs on the actor just before it; so does a Chinese clause
            # without a subject of its own ("其中对美出口1.1万吨，占出口总量的26%")
            return before[-1].key
        # a headline or bullet lead ("Group 2: U.S. Industry Vulnerabilities - The F-35 relies
        # on ...") is not the subject of what follows it
        lead_end = max(
            (m.end() for m in _LEAD_SEPARATOR.finditer(sentence_text, 0, q.start - offset)), default=0
        )
        body = [a for a in before if a.start - offset >= lead_end]
        return (body or before)[0].key
    after = [a for a in cands if a.start >= q.end]
    return after[0].key if after else None


def _possessive_object(clause: _Span, actor: Match) -> bool:
    """ "one-third of China's exports": the actor owns the whole, it does not hold the share."""
    rel = actor.start - clause.start
    before = clause.text[max(0, rel - 4) : rel]
    after = clause.text[actor.end - clause.start : actor.end - clause.start + 2]
    return before.endswith("of ") and after.startswith("'s")


def _nearest_preceding(cands: Sequence[Match], q: Quantity) -> str | None:
    before = [a for a in cands if a.end <= q.start]
    return before[-1].key if before else None


def _carry(ctx: _Context, si: int) -> str | None:
    """The first actor of the nearest earlier sentence that names one (strong before weak)."""
    if si == 0:
        return None
    ps = ctx.sentences[si - 1]
    found = _in_span(ctx.actors, ps.start, ps.end)
    if found:
        strong = [a for a in found if not a.weak]
        return (strong or found)[0].key
    return None


# ----------------------------------------------------------------------------- period

_PERIOD_RE = re.compile(
    r"\b(?i:in|during|for|over|since)\s+(?:the\s+)?(?:(?:first|second|third|fourth|last)\s+"
    r"(?:half|quarter|\w+\s+months)(?:\s+of\s+\d{4})?|(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)(?:\s+\d{4})?|\d{4})\b"
    r"|\b(?:last|this)\s+(?:month|year|quarter)\b"
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)(?=['’]s\b|\s+(?:exports|shipments|imports)\b)"
    r"|(?:\d{4}年)?(?:前\d{1,2}个?月|\d{1,2}(?:至|-)\d{1,2}月|\d{1,2}月份?)|(?:\d{4}年)?(?:上半年|下半年|全年)|\d{4}年|今年|去年|上月",
)


def _period(ctx: _Context, sent: Sentence, clause: _Span, q: Quantity) -> str | None:
    """The period the number is stated for, when the clause (or else the sentence) says it."""
    for span in ((clause.start, clause.end), (sent.start, sent.end)):
        best: tuple[int, str] | None = None
        for m in _PERIOD_RE.finditer(ctx.prep, span[0], span[1]):
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
