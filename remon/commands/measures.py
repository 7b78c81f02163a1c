"""``remon measures list``: the stored measures, with their status on a date, as a table or JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

COLUMNS = ["id", "name", "status", "effective", "ends", "suspended", "articles", "sources"]


def rows(session: Session, *, material: str | None, in_force_on: date | None, fmt: str) -> list[dict[str, Any]]:
    """Measures filtered as asked: full objects for JSON, one flat line each for the table."""
    from remon.web.measures import name_of
    from storage.measures import list_measures

    items = list_measures(session, today=datetime.now(UTC).date(), material=material, in_force_on=in_force_on)
    if fmt == "json":
        return items
    return [{"id": m["id"], "name": name_of(m), "status": (m["status"] or "unknown").replace("_", " "),
             "effective": m["effective"] or "", "ends": m["ends"] or "",
             "suspended": "; ".join(f"{s['from']}–{s['until'] or ''}" for s in m["suspensions"]),
             "articles": m["articles"], "sources": ", ".join(m["sources"])} for m in items]
