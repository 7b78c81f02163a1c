"""Attribution as a decision over candidates: the subjects, materials and measures a number could take.

The ordered rules (``subject``, ``material``, ``measure``) give one answer each; reporting
breaks rules in many small ways, so the final choice is made over *candidates*, each described
by general features of its place and role in the sentence — same clause or not, before or after
the number, how far, which role marker introduces it (destination "to", source "from"/"on",
data source "according to", place "in", comparison "than"), whether it owns the whole ("of
China's exports"), how specific a material is — and whether the rules chose it. The features
name no passage and no word of one: they are the vocabulary's role lists (``data/cues.yaml``)
and positions. ``attribution`` weighs them (weights learned from the gold folds by
``scripts/train_attribution.py``, see docs/extraction.md).

Features are strings (value 1.0) or ``name=number``; each is also crossed with the measure's
family (``feature|export``) so that a role can count differently for exports and for shares.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from worker.common.cjk import has_han
from worker.extract.numbers import Quantity
from worker.extract.statistics.document import (
    GENERIC_MATERIALS,
    Document,
    Span,
    has_cue,
    has_measure_cue,
    has_role,
    in_span,
)
from worker.extract.vocab import Match

__all__ = [
    "MEASURE_FAMILY",
    "Candidate",
    "material_candidates",
    "measure_features",
    "subject_candidates",
    "unit_family",
]

MEASURE_FAMILY: dict[str | None, str] = {
    "share_of_global_production": "share",
    "share_of_global_refining": "share",
    "share_of_global_reserves": "share",
    "share_of_magnet_production": "share",
    "share_of_global_exports": "share",
    "import_dependence": "dependence",
    "export_volume": "export",
    "export_value": "export",
    "export_change": "change",
    "import_volume": "import",
    "import_value": "import",
    "price": "price",
    "price_change": "change",
    "production_volume": "volume",
    "production_quota": "volume",
    "reserves_volume": "volume",
    "licence_count": "licence",
    "tariff_rate": "tariff",
    "other": "other",
    None: "other",
}
_ROLES = (
    ("destination_marker", "destination"),
    ("source_marker", "source"),
    ("target_marker", "target"),
    ("data_source_marker", "data_source"),
    ("locative_marker", "place"),
    ("comparison_marker", "comparison"),
)
_MEASURE_CUES = (
    "share_of_global_production",
    "share_of_global_refining",
    "share_of_global_reserves",
    "share_of_magnet_production",
    "share_of_global_exports",
    "import_dependence",
    "export_volume",
    "export_value",
    "import_volume",
    "import_value",
    "price",
    "production_volume",
    "production_quota",
    "reserves_volume",
    "licence_count",
    "tariff_rate",
)
_GRAMMAR_CUES = (
    "up",
    "down",
    "share_frame",
    "global_marker",
    "licence_decision",
    "licence_items",
    "content",
    "value_word",
    "period_compare",
    "control",
    "counted",
    "supply_verb",
)
@dataclass(frozen=True)
class Candidate:
    """One possible value of a field (``key`` None: "the text does not say") with its features."""

    key: str | None
    features: tuple[str, ...]


def unit_family(unit: str) -> str:
    if unit in {"percent", "percentage_points"}:
        return "percent"
    if unit in {"tonnes", "kg"}:
        return "mass"
    if unit in {"usd", "cny", "eur", "other"}:
        return "money"
    if unit.endswith(("_per_kg", "_per_tonne")):
        return "price"
    return unit


def _distance(d: int) -> str:
    return "near" if d <= 12 else "mid" if d <= 40 else "far" if d <= 100 else "remote"


def _crossed(feats: Iterable[str], family: str) -> tuple[str, ...]:
    base = list(dict.fromkeys(feats))
    return tuple(base + [f"{f}|{family}" for f in base])


def _position(doc: Document, m: Match | Span, clause: Span, q: Quantity) -> list[str]:
    out = []
    inside = clause.start <= m.start and m.end <= clause.end
    out.append("clause" if inside else "sentence")
    if m.end <= q.start:
        out += ["before", f"before_{_distance(q.start - m.end)}"]
    else:
        out += ["after", f"after_{_distance(m.start - q.end)}"]
    return out


def _actor_roles(doc: Document, a: Match) -> list[str]:
    roles = [name for marker, name in _ROLES if has_role(doc, a, marker)]
    after = doc.prep[a.end : a.end + 3]
    if after.startswith(("'s", "’s")):
        roles.append("possessive")
        if re.search(r"\bof\s+(?:the\s+)?$", doc.prep[max(0, a.start - 8) : a.start]):
            roles.append("owner_of_whole")
    if has_han(a.alias) and doc.prep[a.end : a.end + 1] == "的":
        roles.append("possessive")
    return roles or ["no_role"]


def subject_candidates(
    doc: Document, si: int, clause: Span, q: Quantity, measure: str | None, rule_pick: str | None,
    default: str,
) -> list[Candidate]:
    """Every actor of the sentence, the previous sentence's first actor, the default, unnamed names, none."""
    sent = doc.sentences[si]
    family = MEASURE_FAMILY.get(measure, "other")
    actors = in_span(doc.actors, sent.start, sent.end)
    strong = [a for a in actors if not a.weak]
    best: dict[str, tuple[int, Match]] = {}
    for a in actors:
        dist = q.start - a.end if a.end <= q.start else a.start - q.end
        if a.key not in best or dist < best[a.key][0]:
            best[a.key] = (dist, a)
    before_in_clause = [a for a in strong if clause.start <= a.start and a.end <= q.start]
    first = strong[0] if strong else None
    mentions = Counter(a.key for a in doc.actors if not a.weak)
    out: list[Candidate] = []
    for key, (_, a) in best.items():
        feats = ["actor", *(_position(doc, a, clause, q)), *(_actor_roles(doc, a))]
        if a.weak:
            feats.append("weak")
        if before_in_clause and before_in_clause[-1].key == key:
            feats.append("nearest_before_in_clause")
        if first is not None and first.key == key:
            feats.append("first_in_sentence")
        if mentions[key] >= 3:
            feats.append("frequent")
        if key == default:
            feats.append("is_default")
        if key == rule_pick:
            feats.append("rule")
        out.append(Candidate(key, _crossed(feats, family)))
    names = doc.names(sent.start, sent.end)
    for n in names:
        key = n.key
        if key in best or any(c.key == key for c in out):
            continue
        feats = ["proper_name", *(_position(doc, Span(n.start, n.end), clause, q))]
        if n.start == sent.start or (first is not None and n.start < first.start):
            feats.append("name_opens_sentence")
        out.append(Candidate(key, _crossed(feats, family)))
    present = {c.key for c in out}
    if si > 0 and not strong:
        prev = doc.sentences[si - 1]
        carried = [a for a in in_span(doc.actors, prev.start, prev.end) if not a.weak]
        if carried and carried[0].key not in present:
            feats = ["carried"] + (["rule"] if carried[0].key == rule_pick else [])
            out.append(Candidate(carried[0].key, _crossed(feats, family)))
            present.add(carried[0].key)
    if default not in present:
        feats = ["default_absent"] + (["rule"] if rule_pick == default else [])
        out.append(Candidate(default, _crossed(feats, family)))
        present.add(default)
    if rule_pick is not None and rule_pick not in present:
        out.append(Candidate(rule_pick, _crossed(["rule", "rule_far"], family)))
    none_feats = ["none"] + (["rule"] if rule_pick is None else []) + ([] if strong else ["no_actor_in_sentence"])
    out.append(Candidate(None, _crossed(none_feats, family)))
    return out


def material_candidates(
    doc: Document, si: int, clause: Span, q: Quantity, measure: str | None, rule_pick: str | None,
    dominant: str | None,
) -> list[Candidate]:
    """Every material of the sentence, the nearest earlier sentence's, the document's dominant one, none."""
    sent = doc.sentences[si]
    family = MEASURE_FAMILY.get(measure, "other")
    mats = in_span(doc.materials, sent.start, sent.end)
    best: dict[str, tuple[int, Match]] = {}
    for m in mats:
        dist = q.start - m.end if m.end <= q.start else m.start - q.end
        if m.key not in best or dist < best[m.key][0]:
            best[m.key] = (dist, m)
    counts = Counter(m.key for m in doc.materials if not m.weak)
    out: list[Candidate] = []
    for key, (_, m) in best.items():
        feats = ["material", *(_position(doc, m, clause, q))]
        feats.append("weak" if m.weak else "generic" if key in GENERIC_MATERIALS else "specific")
        gap = doc.prep[q.end : m.start] if m.start >= q.end else doc.prep[m.end : q.start]
        if m.start >= q.end and re.fullmatch(r"\s*(?:\w+\s+){0,2}?of\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?", gap):
            feats.append("of_phrase")
        if m.end <= q.start and len(gap) <= 12 and not re.search(r"[,.;:，。；]", gap):
            feats.append("right_before")
        if key == dominant:
            feats.append("dominant")
        if counts[key] >= 3:
            feats.append("frequent")
        if key == rule_pick:
            feats.append("rule")
        out.append(Candidate(key, _crossed(feats, family)))
    present = set(best)
    for prev in range(si - 1, max(-1, si - 6), -1):
        ps = doc.sentences[prev]
        found = [m for m in in_span(doc.materials, ps.start, ps.end) if not m.weak]
        if found:
            if found[0].key not in present:
                feats = ["carried"] + (["rule"] if found[0].key == rule_pick else [])
                out.append(Candidate(found[0].key, _crossed(feats, family)))
                present.add(found[0].key)
            break
    if dominant is not None and dominant not in present:
        out.append(Candidate(dominant, _crossed(["dominant_absent"] + (["rule"] if dominant == rule_pick else []),
                                                family)))
        present.add(dominant)
    if rule_pick is not None and rule_pick not in present:
        out.append(Candidate(rule_pick, _crossed(["rule", "rule_far"], family)))
    out.append(Candidate(None, _crossed(["none"] + (["rule"] if rule_pick is None else []), family)))
    return out


def measure_features(
    doc: Document, si: int, clause: Span, q: Quantity, unit: str, rule_measure: str | None, sign: float,
    context_start: int,
) -> tuple[str, ...]:
    """What governs the number: its unit, the measure and grammar cues around it, the rules' answer."""
    sent = doc.sentences[si]
    ufam = unit_family(unit)
    feats = [f"rule={rule_measure}", f"unit={unit}", f"ufam={ufam}"]
    if sign < 0:
        feats.append("negative")
    if q.approx:
        feats.append("approx")
    window = (max(clause.start, q.start - 30), min(clause.end, q.end + 30))
    for m in _MEASURE_CUES:
        if has_measure_cue(doc, m, *window):
            feats.append(f"near:{m}")
        if has_measure_cue(doc, m, clause.start, q.start):
            feats.append(f"before:{m}")
        if has_measure_cue(doc, m, q.end, clause.end):
            feats.append(f"after:{m}")
        if has_measure_cue(doc, m, sent.start, sent.end):
            feats.append(f"sentence:{m}")
        elif context_start < sent.start and has_measure_cue(doc, m, context_start, sent.start):
            feats.append(f"context:{m}")
    for c in _GRAMMAR_CUES:
        if has_cue(doc, c, *window):
            feats.append(f"near:{c}")
        elif has_cue(doc, c, clause.start, clause.end):
            feats.append(f"clause:{c}")
        elif has_cue(doc, c, sent.start, sent.end):
            feats.append(f"sentence:{c}")
    after = doc.prep[q.end : q.end + 12].lower()
    if re.match(r"\s*of\b", after):
        feats.append("of_after")
    if re.match(r"\s*(?:a|per|each|every)\s+(?:year|month)|/\s*(?:year|yr)|\s*annually", after):
        feats.append("per_year")
    strong = [a for a in in_span(doc.actors, clause.start, clause.end) if not a.weak]
    for marker, name in _ROLES[:3]:
        if any(has_role(doc, a, marker) for a in strong):
            feats.append(f"actor_{name}")
    if not in_span(doc.materials, sent.start, sent.end):
        feats.append("no_material_in_sentence")
    crossed = [f"{f}&{ufam}" for f in feats if not f.startswith(("unit=", "ufam="))]
    return tuple(feats + crossed)
