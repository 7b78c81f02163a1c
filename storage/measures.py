"""Measures and their events (issue 18): tables, writes and reads.

``measure_events`` keeps every ``MeasureEvent`` one article reported (all its fields, the
evidence sentence, the confidence, the article and source), unique on ``(article_id, idx)`` so a
re-run of the analysis writes nothing twice. ``measures`` holds one row per announcement: the
events that name it (``worker.measures.merge``) point to it, so it gathers every article and
source that reported it; its conflicting dates are kept in ``conflicts``. The merge itself and
the status are domain functions: this module only reads and writes rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import Article, Source, utcnow
from worker.measures.changes import MeasureChange, measure_changes
from worker.measures.facts import Fact
from worker.measures.merge import Known, conflicts, match
from worker.types import MeasureEvent, Threshold


class Measure(SQLModel, table=True):
    """One export-control measure: an announcement, known by its identifier or issuer + date + materials."""

    __tablename__ = "measures"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    issuer: str | None = None
    identifiers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    materials: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    items: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    targets: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    conflicts: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    first_seen_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MeasureEventRow(SQLModel, table=True):
    """One event as one article reported it (every field of ``worker.types.MeasureEvent``)."""

    __tablename__ = "measure_events"
    __table_args__ = (UniqueConstraint("article_id", "idx", name="uq_measure_event"),)

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", index=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    source_id: int | None = Field(default=None, foreign_key="sources.id")
    idx: int
    action: str
    issuer: str | None = None
    materials: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    items: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    identifier: str | None = None
    refers_to: str | None = None
    announced: str | None = None
    effective: str | None = None
    until: str | None = None
    targets: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    thresholds: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    dates_as_written: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sentence: str = Field(default="", sa_column=Column(Text, nullable=False))
    start: int = 0
    end: int = 0
    in_title: bool = False
    confidence: float = 0.5
    published_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)

    def to_event(self) -> MeasureEvent:
        return MeasureEvent(
            action=self.action, issuer=self.issuer, materials=tuple(self.materials), items=tuple(self.items),
            identifier=self.identifier, refers_to=self.refers_to, announced=self.announced,
            effective=self.effective, until=self.until, targets=tuple(self.targets),
            thresholds=tuple(Threshold(**t) for t in self.thresholds), dates_as_written=tuple(self.dates_as_written),
            sentence=self.sentence, start=self.start, end=self.end, in_title=self.in_title,
            confidence=self.confidence)


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment else None


def _fact(row: MeasureEventRow, source: str | None = None) -> Fact:
    return Fact(event=row.to_event(), published=_day(row.published_at), article_id=row.article_id,
                source=source, event_id=row.id or 0)


def _known(session: Session) -> list[Known]:
    """Every measure as the merge sees it (two queries, whatever the number of measures)."""
    dates: dict[int, list[str]] = {}
    for measure_id, *values in session.exec(select(MeasureEventRow.measure_id, MeasureEventRow.announced,
                                                   MeasureEventRow.effective, MeasureEventRow.until)).all():
        dates.setdefault(measure_id, []).extend(v for v in values if v)
    return [Known(id=m.id or 0, key=m.key, identifiers=frozenset(m.identifiers), issuer=m.issuer,
                  materials=frozenset(m.materials), dates=tuple(dates.get(m.id or 0, ())),
                  order=(m.updated_at.timestamp() if m.updated_at else 0.0))
            for m in session.exec(select(Measure).order_by(col(Measure.id))).all()]


def _measure_for(session: Session, event: MeasureEvent, same_article: list[int]) -> Measure:
    """The measure ``event`` belongs to, created if new (two workers creating one: the unique key decides)."""
    known = _known(session)
    found = match(event, known, [k for i in same_article for k in known if k.id == i])
    if found is not None:
        row = session.get(Measure, found.id)
        assert row is not None
        return row
    key = event.refers_to or event.identifier or event.measure_key
    existing = session.exec(select(Measure).where(col(Measure.key) == key)).first()
    if existing is not None:
        return existing
    row = Measure(key=key, issuer=event.issuer)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        row = session.exec(select(Measure).where(col(Measure.key) == key)).one()
    return row


def _widen(measure: Measure, event: MeasureEvent) -> None:
    """A measure gathers the identifiers, materials, items and targets of all its events."""
    for name, values in (("identifiers", [v for v in (event.identifier, event.refers_to) if v]),
                         ("materials", list(event.materials)), ("items", list(event.items)),
                         ("targets", list(event.targets))):
        current = list(getattr(measure, name))
        add = [v for v in values if v not in current]
        if add:
            setattr(measure, name, current + add)  # a new list: JSON columns see the change
    if measure.issuer is None or (measure.issuer == "china" and event.issuer not in (None, "china")):
        measure.issuer = event.issuer
    measure.updated_at = utcnow()


def record_events(session: Session, *, article: Article, events: tuple[MeasureEvent, ...] | list[MeasureEvent],
                  source: str | None = None) -> list[tuple[Measure, MeasureChange]]:
    """Store one article's events, each under its measure, and return the alerts they raise.

    Idempotent: an event already stored for this article (same index) is skipped, and raises nothing.
    """
    out: list[tuple[Measure, MeasureChange]] = []
    mine = session.exec(select(MeasureEventRow).where(MeasureEventRow.article_id == article.id)).all()
    stored = {r.idx for r in mine}
    used = sorted({r.measure_id for r in mine})  # a re-run joins the measures its first run chose
    published = article.order_at
    for idx, event in enumerate(events):
        if idx in stored:
            continue
        measure = _measure_for(session, event, used)
        used.append(measure.id or 0)
        before = facts_of(session, measure.id or 0)
        row = MeasureEventRow(
            measure_id=measure.id or 0, article_id=article.id or 0, source_id=article.source_id, idx=idx,
            action=event.action, issuer=event.issuer, materials=list(event.materials), items=list(event.items),
            identifier=event.identifier, refers_to=event.refers_to, announced=event.announced,
            effective=event.effective, until=event.until, targets=list(event.targets),
            thresholds=[{"kind": t.kind, "value": t.value, "unit": t.unit} for t in event.thresholds],
            dates_as_written=list(event.dates_as_written), sentence=event.sentence, start=event.start,
            end=event.end, in_title=event.in_title, confidence=event.confidence, published_at=published)
        session.add(row)
        session.flush()
        fact = _fact(row, source)
        _widen(measure, event)
        measure.conflicts = conflicts([*before, fact])
        session.add(measure)
        out.extend((measure, c) for c in measure_changes(measure.id or 0, before, [fact]))
    session.flush()
    return out


def _facts(session: Session, measure_id: int | None = None) -> dict[int, list[Fact]]:
    stmt = select(MeasureEventRow, Source).join(Source, col(Source.id) == MeasureEventRow.source_id, isouter=True)
    if measure_id is not None:
        stmt = stmt.where(MeasureEventRow.measure_id == measure_id)
    out: dict[int, list[Fact]] = {}
    for r, s in session.exec(stmt.order_by(col(MeasureEventRow.id))).all():
        out.setdefault(r.measure_id, []).append(_fact(r, (s.name or s.url) if s else None))
    return out


def facts_of(session: Session, measure_id: int) -> list[Fact]:
    """A measure's stored events in the order they were stored, with their sources' names."""
    return _facts(session, measure_id).get(measure_id, [])


def all_measures(session: Session) -> list[tuple[Measure, list[Fact]]]:
    """Every measure with its facts (one row per announcement; two queries in all)."""
    facts = _facts(session)
    return [(m, facts.get(m.id or 0, [])) for m in session.exec(select(Measure).order_by(col(Measure.id))).all()]


def get_measure(session: Session, measure_id: int) -> tuple[Measure, list[Fact]] | None:
    row = session.get(Measure, measure_id)
    return (row, facts_of(session, measure_id)) if row else None


def event_rows(session: Session, measure_id: int) -> list[tuple[MeasureEventRow, Article, Source | None]]:
    """A measure's events with their articles and sources (the review page and the API)."""
    return list(session.exec(select(MeasureEventRow, Article, Source)
                             .join(Article, col(Article.id) == MeasureEventRow.article_id)
                             .join(Source, col(Source.id) == MeasureEventRow.source_id, isouter=True)
                             .where(MeasureEventRow.measure_id == measure_id)
                             .order_by(col(MeasureEventRow.published_at), col(MeasureEventRow.id))).all())


# ----------------------------------------------------------------------------- views (CLI, API, pages, export)


def measure_json(session: Session, measure: Measure, facts: list[Fact], *, today: date,
                 with_events: bool = False) -> dict[str, Any]:
    """A measure as the API, ``remon measures list`` and the export show it."""
    from worker.measures.status import periods, status_on, upcoming

    spans = periods(facts)
    in_force = [p for p in spans if p.status == "in_force"]
    ended = [p for p in spans if p.status == "lifted"]
    out: dict[str, Any] = {
        "id": measure.id, "key": measure.key, "issuer": measure.issuer, "identifiers": list(measure.identifiers),
        "materials": list(measure.materials), "items": list(measure.items), "targets": list(measure.targets),
        "status": status_on(facts, today), "effective": in_force[0].start.isoformat() if in_force else None,
        "ends": ended[-1].start.isoformat() if ended else None,
        "suspensions": [{"from": p.start.isoformat(), "until": _last_day(p.end)} for p in spans
                        if p.status == "suspended"],
        "periods": [{"status": p.status, "from": p.start.isoformat(), "until": _last_day(p.end)} for p in spans],
        "upcoming": [{"date": t.day.isoformat(), "status": t.status, "action": t.action, "kind": t.kind}
                     for t in upcoming(facts, today)],
        "conflicts": list(measure.conflicts), "events": len(facts),
        "articles": len({f.article_id for f in facts}), "sources": sorted({f.source for f in facts if f.source}),
    }
    if with_events:
        out["event_list"] = [{
            "id": r.id, "action": r.action, "issuer": r.issuer, "materials": r.materials, "items": r.items,
            "identifier": r.identifier, "refers_to": r.refers_to, "announced": r.announced, "effective": r.effective,
            "until": r.until, "targets": r.targets, "thresholds": r.thresholds, "dates_as_written": r.dates_as_written,
            "sentence": r.sentence, "confidence": r.confidence, "in_title": r.in_title,
            "published": r.published_at.isoformat() if r.published_at else None, "article_id": a.id,
            "article_url": a.url, "article_title": a.title, "source": (s.name or s.url) if s else None,
        } for r, a, s in event_rows(session, measure.id or 0)]
    return out


def _last_day(end: date | None) -> str | None:
    return date.fromordinal(end.toordinal() - 1).isoformat() if end else None


def list_measures(session: Session, *, today: date, material: str | None = None,
                  in_force_on: date | None = None) -> list[dict[str, Any]]:
    """Measures (optionally those covering ``material``, or in force on a date), newest first."""
    from worker.measures.status import status_on

    out = []
    for measure, facts in all_measures(session):
        if material and material not in measure.materials:
            continue
        if in_force_on and status_on(facts, in_force_on) != "in_force":
            continue
        out.append(measure_json(session, measure, facts, today=today))
    return sorted(out, key=lambda m: (m["effective"] or "", m["id"]), reverse=True)


def export_rows(session: Session, *, today: date) -> list[dict[str, Any]]:
    """One flat row per measure for ``remon export --what measures`` and ``/api/export/measures.csv``."""
    keep = ("id", "key", "issuer", "identifiers", "materials", "items", "targets", "status", "effective", "ends",
            "suspensions", "conflicts", "events", "articles", "sources")
    return [{k: m[k] for k in keep} for m in sorted(list_measures(session, today=today), key=lambda m: m["id"])]
