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

from collections.abc import Mapping
from dataclasses import dataclass

from worker.extract.numbers import Quantity, find_quantities
from worker.extract.statistics.candidates import (
    Candidate,
    material_candidates,
    measure_features,
    subject_candidates,
)
from worker.extract.statistics.document import (
    MONEY,
    Document,
    clause_of,
    context_of,
    with_apposition,
    with_row_label,
    with_topic,
)
from worker.extract.statistics.holders import default_subject
from worker.extract.statistics.learned import RULES_CONFIDENCE, LearnedWeights, default_model, evidence
from worker.extract.statistics.material import dominant_material, materials_for, measurement_basis
from worker.extract.statistics.measure import list_item_measure, measure_of
from worker.extract.statistics.period import period_of
from worker.extract.statistics.scope import excluded, unit_of
from worker.extract.statistics.subject import SubjectCase, subject_rule
from worker.extract.text import detect_language, split_sentences
from worker.extract.vocab import Vocabulary, load_vocabulary, prepare
from worker.types import Statistic

__all__ = ["Traced", "extract_statistics"]


def extract_statistics(
    text: str,
    *,
    language: str | None = None,
    vocab: Vocabulary | None = None,
    model: LearnedWeights | None = None,
    rules_only: bool = False,
    trace: list[Traced] | None = None,
    on_topic: bool = False,
) -> list[Statistic]:
    """Statistics stated in ``text``, in text order, each with the span of its number.

    ``language`` ("en", "zh-Hans", "zh-Hant") is detected when not given; it only tunes
    a few preferences (Chinese states the material before the number). ``vocab`` defaults
    to the packaged vocabulary (``load_vocabulary()``). ``model`` holds the learned weights that
    choose the subject and judge each statistic's confidence (the packaged ones by default;
    ``rules_only``: no weights, the rules alone and their flat confidence); ``trace`` collects
    every number's evidence, for training the weights.
    ``on_topic``: the caller has judged the text relevant (``analyze`` does), so a battery metal
    alone (cobalt, lithium) is topic enough; otherwise a text that names no strong material
    yields nothing.
    """
    if not text or not text.strip():
        return []
    vocab = vocab or load_vocabulary()
    prep = prepare(text)
    materials = [m for m in vocab.find_materials(prep, prepared=True) if not measurement_basis(prep, m, vocab)]
    if not materials or not (on_topic or any(not m.weak for m in materials)):
        return []
    lang = language or detect_language(text)
    ctx = Document(
        text=text,
        prep=prep,
        vocab=vocab,
        sentences=split_sentences(text),
        actors=vocab.find_actors(prep, prepared=True),
        materials=materials,
    )
    judge = None if rules_only else (model or default_model())
    out: list[Statistic] = []
    quantities = find_quantities(prep)
    ctx.quantities = quantities
    qi = 0
    for si, sent in enumerate(ctx.sentences):
        while qi < len(quantities) and quantities[qi].start < sent.start:
            qi += 1
        j = qi
        previous: dict[str, Statistic] = {}  # the sentence's last statistic per unit, for lists of figures
        while j < len(quantities) and quantities[j].end <= sent.end:
            found = statistics_for(ctx, si, quantities[j], lang, judge, trace, len(out), previous)
            out.extend(found)
            if found:
                previous[found[-1].unit] = found[-1]
            j += 1
        qi = j
    return out


@dataclass(frozen=True)
class Traced:
    """One number's decision, for training: where its statistics are in the output, and its evidence."""

    first: int
    count: int
    evidence: tuple[str, ...]
    subjects: tuple[Candidate, ...]
    materials: tuple[Candidate, ...]


def statistics_for(ctx: Document, si: int, q: Quantity, lang: str, model: LearnedWeights | None = None,
                   trace: list[Traced] | None = None, first: int = 0,
                   previous: Mapping[str, Statistic] | None = None) -> list[Statistic]:
    """The statistic(s) one number expression states, or none (a year, a share price...)."""
    sent = ctx.sentences[si]
    clause = with_apposition(ctx, sent, clause_of(ctx.prep, sent, q), q)
    clause = with_row_label(ctx, sent, with_topic(ctx, sent, clause))
    if excluded(ctx, sent, clause, q):
        return []
    unit, count_match, licence_items = unit_of(ctx, sent, clause, q)
    if unit is None:
        return []
    context_sent, sent_materials = context_of(ctx, si)
    measure, sign, rule = measure_of(ctx, sent, clause, q, unit, sent_materials, context_sent, licence_items)
    if measure == "":
        return []
    listed = list_item_measure(ctx, clause, q, unit, rule, (previous or {}).get(unit))
    if listed is not None:
        measure, rule = listed, "list item"
    if measure == "tariff_rate":
        materials: list[str | None] = [None]  # tariffs are on goods in general
    else:
        materials = materials_for(ctx, si, clause, q, measure, lang, count_match, unit in MONEY)
    if measure == "share_of_global_production" and materials == ["rare_earth_magnets"]:
        measure = "share_of_magnet_production"
    subject, held_by = subject_rule(SubjectCase(ctx, si, clause, q, measure, unit))
    confidence = RULES_CONFIDENCE
    if model is not None or trace is not None:  # the evidence costs time: only when it is used
        mfeats = measure_features(ctx, si, clause, q, unit, measure, sign, context_sent.start)
        mcands = material_candidates(ctx, si, clause, q, measure, materials[0], dominant_material(ctx))
        scands = subject_candidates(ctx, si, clause, q, measure, subject, default_subject(ctx))
        if model is not None and model.subject is not None:
            subject = model.subject.choose(scands)
        seen = evidence(mfeats, subject, scands, materials[0], mcands, (rule, held_by))
        if model is not None:
            confidence = model.confidence.confidence(seen)
        if trace is not None:
            trace.append(Traced(first, len(materials), seen, tuple(scands), tuple(mcands)))
    period = period_of(ctx, sent, clause, q)
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
            confidence=confidence,
        )
        for mat in materials
    ]
