"""Which stored measure an event belongs to (the issue's merge rule, across articles).

1. An event that names an announcement (``refers_to``, else ``identifier``) belongs to the
   measure known by that announcement.
2. Without one, an imposition belongs to the measure with the same issuer (or an issuer of the
   same state), a date that agrees and the same materials: ``MeasureEvent.measure_key``.
3. A change without an identifier (suspend, resume, lift, extend, expand) acts on an existing
   measure: the latest one of the same state whose materials overlap. Without any, it opens a
   measure of its own (a suspension reported before the imposition it suspends).

Conflicting dates of one action are kept and flagged (``conflicts``), as conflicting numbers are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from worker.extract.measures.dates import combine
from worker.measures.facts import Fact
from worker.types import MeasureEvent

CHANGES = ("expand", "suspend", "resume", "lift", "extend")
DATE_FIELDS = ("announced", "effective", "until")


@dataclass(frozen=True)
class Known:
    """What a merge needs to know of a stored measure."""

    id: int
    key: str
    identifiers: frozenset[str] = frozenset()
    issuer: str | None = None
    materials: frozenset[str] = frozenset()
    dates: tuple[str, ...] = ()
    order: float = 0.0  # larger = more recent (the latest matching measure wins rule 3)
    extra: Mapping[str, object] = field(default_factory=dict)


def country_of(issuer: str | None) -> str | None:
    if issuer is None:
        return None
    from worker.extract.measures.lexicon import lexicon

    return lexicon().issuer_country.get(issuer, issuer)


def _same_state(a: str | None, b: str | None) -> bool:
    return a is None or b is None or country_of(a) == country_of(b)


def _dates(event: MeasureEvent) -> list[str]:
    return [v for f in DATE_FIELDS if (v := getattr(event, f))]


def _dates_agree(event: MeasureEvent, known: Known) -> bool:
    mine = _dates(event)
    if not mine or not known.dates:
        return True
    return any(combine(a, b) is not False for a in mine for b in known.dates)


def related(a: Iterable[str], b: Iterable[str]) -> bool:
    """Do two material lists share a material, or a generic one and its specific one (rare earths and
    rare-earth magnets)? An empty list relates to any."""
    from worker.extract.measures.lexicon import lexicon
    from worker.extract.measures.merge import _related

    return _related(list(a), list(b), lexicon().families)


def match(event: MeasureEvent, measures: Sequence[Known], same_article: Sequence[Known] = ()) -> Known | None:
    """The stored measure ``event`` belongs to (rules 1–3 above), or None for a new measure.

    ``same_article``: the measures the article's earlier events went to. An event without an
    identifier joins one of them first when its state and materials fit: one text about one measure
    ("China tightens rare earth controls" over "MOFCOM announced new controls on magnets").
    """
    name = event.refers_to or event.identifier
    if name:
        return next((m for m in measures if name == m.key or name in m.identifiers), None)
    mats = set(event.materials)
    fits = [m for m in same_article if _same_state(event.issuer, m.issuer) and related(mats, m.materials)]
    if fits:
        return fits[0]
    if event.action not in CHANGES:
        return next((m for m in measures if m.key == event.measure_key), None) or next(
            (m for m in measures if _same_state(event.issuer, m.issuer) and mats == set(m.materials)
             and _dates_agree(event, m)), None)
    candidates = [m for m in measures if _same_state(event.issuer, m.issuer)
                  and (not mats or not m.materials or mats & set(m.materials))]
    return max(candidates, key=lambda m: m.order, default=None)


def conflicts(facts: Iterable[Fact]) -> list[dict[str, object]]:
    """Dates of one action and kind that disagree between reports: ``{"action", "field", "values"}``."""
    seen: dict[tuple[str, str], list[str]] = {}
    for fact in facts:
        for f in DATE_FIELDS:
            value = getattr(fact.event, f)
            if value:
                values = seen.setdefault((fact.event.action, f), [])
                if value not in values:
                    values.append(value)
    out: list[dict[str, object]] = []
    for (action, f), values in seen.items():
        if any(combine(a, b) is False for i, a in enumerate(values) for b in values[i + 1:]):
            out.append({"action": action, "field": f, "values": sorted(values)})
    return out
