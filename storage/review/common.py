"""What every review read shares: a day as a UTC range, source names by id, a stored time as aware."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from storage.models import Source, Statistic


def start_of(day: date | None) -> datetime | None:
    """The first instant of ``day`` in UTC (a ``since`` filter includes the whole day)."""
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def end_of(day: date | None) -> datetime | None:
    """The first instant after ``day`` in UTC (an ``until`` filter includes the whole day)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC) if day else None


def source_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    """The name (else the URL) of each source in ``ids``, in one query."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.exec(select(Source).where(col(Source.id).in_(wanted))).all()
    return {s.id: s.name or s.url for s in rows if s.id is not None}


def aware(value: datetime | None) -> datetime | None:
    """A time read back from SQLite (naive, stored as UTC) made aware."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def period_of(stat: Statistic) -> str:
    """The period a value is about: its own, else the month it was published, else ``undated``."""
    if stat.period:
        return stat.period
    when = aware(stat.published_at)
    return when.strftime("%Y-%m") if when else "undated"
