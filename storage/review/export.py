"""Whole tables as flat rows, streamed in id order (``remon export``, ``/api/export``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlmodel import Session, select

from storage.models import Article, Claim, Stance, Statistic, utcnow
from storage.views import (
    article_json,
    claim_json,
    stance_json,
    statistic_json,
)

EXPORTS = ("articles", "statistics", "stances", "claims", "measures")



def export_rows(session: Session, what: str, *, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Every row of ``what`` (one of ``EXPORTS``) as a flat dict, streamed in id order."""
    if what not in EXPORTS:
        raise ValueError(f"cannot export {what!r}; choose from {', '.join(EXPORTS)}")
    if what == "measures":  # one row per measure, with its status today (storage.measures)
        from storage.measures import export_rows as measure_rows

        yield from measure_rows(session, today=utcnow().date())
        return
    model: Any = {"articles": Article, "statistics": Statistic, "stances": Stance, "claims": Claim}[what]
    shape: Any = {"articles": lambda r: {**article_json(r), "text": r.text},
                  "statistics": statistic_json, "stances": stance_json, "claims": claim_json}[what]
    last = 0
    while True:
        rows: Sequence[Any] = session.exec(select(model).where(model.id > last).order_by(model.id).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield shape(row)
        last = rows[-1].id
