"""One passage often states one measure several times ("imposed controls in April", "the April 4
announcement", a headline): ``merge_statements`` folds those statements into one event per measure.

Two statements are one event when they report the same action and nothing tells them apart:
the same identifier, or no conflicting identifiers, issuers of one country, overlapping
materials (or a generic one and its specific one: rare earths, heavy rare earths) and dates that
agree ("--04-04" and "2025-04" agree, and make "2025-04-04"). The
merged event keeps every material, item and target, the most precise dates, the first
statement as evidence, and a confidence raised by each further mention. ``complete_years``
then gives an announcement number without its year the year stated elsewhere in the passage,
and a month-day without its year the announcement's year ("商务部公告2025年第61号 … 10月9日").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from worker.extract.measures.dates import combine
from worker.extract.measures.draft import DATE_FIELDS, Draft

__all__ = ["complete_years", "merge_statements"]


def _same_country(a: str | None, b: str | None, country: Mapping[str, str]) -> bool:
    return a is None or b is None or a == b or country.get(a, a) == country.get(b, b)


def _related(a: list[str], b: list[str], families: Mapping[str, frozenset[str]]) -> bool:
    """Do two material lists share a material, or a generic one and its specific one?"""
    if not a or not b or set(a) & set(b):
        return True
    for x, y in ((a, b), (b, a)):
        for generic in x:
            family = families.get(generic)
            if family is not None and ("*" in family or family & set(y)):
                return True
    return False


def _compatible(a: Draft, b: Draft, country: Mapping[str, str], families: Mapping[str, frozenset[str]]) -> bool:
    if a.action != b.action:
        return False
    if a.identifier and b.identifier:
        return a.identifier == b.identifier
    if a.refers_to and b.refers_to and a.refers_to != b.refers_to:
        return False
    if not _related(a.materials, b.materials, families):
        return False
    if not _same_country(a.issuer, b.issuer, country):
        return False
    return all(combine(getattr(a, f), getattr(b, f)) is not False for f in DATE_FIELDS)


def _absorb(a: Draft, b: Draft, rank: Mapping[str, int]) -> None:
    for f in DATE_FIELDS:
        value = combine(getattr(a, f), getattr(b, f))
        setattr(a, f, value if isinstance(value, str) else getattr(a, f))
    a.identifier = a.identifier or b.identifier
    a.refers_to = a.refers_to or b.refers_to
    if a.issuer is None or (b.issuer is not None and rank.get(b.issuer, 99) < rank.get(a.issuer, 99)):
        a.issuer = b.issuer  # "MOFCOM" says more than "China"
    if a.guessed_materials and not b.guessed_materials:
        a.materials, a.guessed_materials = list(b.materials), False
    elif b.guessed_materials == a.guessed_materials:
        a.materials += [m for m in b.materials if m not in a.materials]
    for name in ("items", "targets", "thresholds", "year_hint"):
        mine = getattr(a, name)
        mine += [x for x in getattr(b, name) if x not in mine]
    a.confidence = max(a.confidence, b.confidence) + 0.05
    a.mentions += b.mentions
    a.immediate = a.immediate or b.immediate


def merge_statements(drafts: list[Draft], *, country: Mapping[str, str], rank: Mapping[str, int],
          families: Mapping[str, frozenset[str]]) -> list[Draft]:
    """The passage's statements folded into events, in document order."""
    # an undated requirement ("exporters will need licences") describes the passage's measure:
    # it joins that measure whatever its action ("expanded controls…; exporters will need licences")
    described = [d for d in drafts if not d.descriptive or any(getattr(d, f) for f in DATE_FIELDS)]
    drafts = described + [d for d in drafts if d not in described and not any(
        o.action in ("impose", "expand") and o is not d and not o.descriptive
        and _related(o.materials, d.materials, families) for o in drafts)]
    out: list[Draft] = []
    # statements with an identifier first, so that the others join the announcement they name
    for d in sorted(drafts, key=lambda d: (d.identifier is None, d.order)):
        for kept in out:
            if _compatible(kept, d, country, families):
                _absorb(kept, d, rank)
                kept.order = min(kept.order, d.order)
                break
        else:
            out.append(d)
    return sorted(out, key=lambda d: d.order)


def complete_years(drafts: list[Draft], *, published_year: int | None, passage_years: list[int]) -> None:
    """Fill a missing announcement year, then month-days without a year from the announcement's.

    ``passage_years``: the years the passage's dates name, most named first (an announcement
    number given without its year most likely belongs to the year the passage is about).
    """
    known = {}
    for d in drafts:
        for ident in (d.identifier, d.refers_to):
            if ident and "-?-" not in ident and not ident.startswith("fr-"):
                scheme, year, number = ident.split("-", 2)
                known[(scheme, number)] = year
    years = Counter(int(v[:4]) for d in drafts for f in DATE_FIELDS
                    if (v := getattr(d, f)) and not v.startswith("--"))
    common = [y for y, _ in years.most_common(1)] + passage_years[:1]
    for d in drafts:
        candidates = [*map(str, d.year_hint), *map(str, common), *([str(published_year)] if published_year else [])]
        d.identifier = _with_year(d.identifier, known, candidates)
        d.refers_to = _with_year(d.refers_to, known, candidates)
        if d.identifier and d.identifier.split("-")[1].isdigit() and (d.announced or "").startswith("--"):
            d.announced = d.identifier.split("-")[1] + d.announced[1:]  # type: ignore[index]
        _years_from_each_other(d)
        if d.immediate and d.effective is None and d.announced:
            d.effective = d.announced


def _with_year(ident: str | None, known: Mapping[tuple[str, str], str], candidates: list[str]) -> str | None:
    """``mofcom-?-61`` with the year the passage gives announcement 61, else the first candidate."""
    if not ident or "-?-" not in ident:
        return ident
    scheme, _, number = ident.split("-", 2)
    year = known.get((scheme, number)) or next(iter(candidates), None)
    return f"{scheme}-{year}-{number}" if year else ident


def _years_from_each_other(d: Draft) -> None:
    """"2025年10月底发布…从11月开始": an effective or end date without a year follows the announcement."""
    if not d.announced or d.announced.startswith("--"):
        return
    year, rest = int(d.announced[:4]), d.announced[4:]
    for f in ("effective", "until"):
        value = getattr(d, f)
        if value and value.startswith("--"):
            later = value[2:] >= rest[1:] if rest else True  # "MM-DD" compares as text
            setattr(d, f, f"{year if later else year + 1}{value[1:]}")
