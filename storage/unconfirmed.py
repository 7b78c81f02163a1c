"""Held (unconfirmed) changes: the confidence gate's store (issue 15, worker/alert/gate.py).

Why a table of its own: an unconfirmed item is no alert (nothing is delivered for it), but it must
survive a restart, show in the review app and the digest, and be found by the next source that
states the same. Writes are idempotent on the change's key, like alerts. An item nobody confirms in
``REMON_UNCONFIRMED_MAX_DAYS`` expires: kept, ``expired``, found by no later source.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Article, Source, Unconfirmed, utcnow


def hold(session: Session, *, row: Unconfirmed) -> Unconfirmed | None:
    """Store a held change unless its key is held already (then None)."""
    if session.exec(select(Unconfirmed.id).where(col(Unconfirmed.dedup_key) == row.dedup_key)).first():
        return None
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


def waiting(session: Session, *, match_keys: Iterable[str]) -> list[tuple[Unconfirmed, Article]]:
    """Held items still waiting for the given match keys, oldest first, with their articles."""
    keys = sorted(set(match_keys))
    if not keys:
        return []
    rows = session.exec(select(Unconfirmed, Article).join(Article, col(Article.id) == Unconfirmed.article_id)
                        .where(col(Unconfirmed.match_key).in_(keys), Unconfirmed.status == "waiting")
                        .order_by(col(Unconfirmed.created_at), col(Unconfirmed.id))).all()
    return [(u, a) for u, a in rows]


def waiting_stance_articles(session: Session, *, actors: Iterable[str]) -> set[tuple[str, int]]:
    """(actor, article id) of stances held unconfirmed, waiting or expired: they are no known position
    (an expired one was never alerted, so it never became the actor's latest position)."""
    keys = [f"stance:{a}" for a in set(actors)]
    if not keys:
        return set()
    rows = session.exec(select(Unconfirmed.match_key, Unconfirmed.article_id).where(
        col(Unconfirmed.match_key).in_(keys), col(Unconfirmed.status).in_(("waiting", "expired")))).all()
    return {(k.split(":", 1)[1], int(a)) for k, a in rows if a is not None}


def confirm(session: Session, *, ids: Iterable[int], alert_id: int) -> None:
    """Mark held items confirmed by ``alert_id`` (in the transaction that wrote the alert)."""
    for row_id in ids:
        row = session.get(Unconfirmed, row_id)
        if row is not None and row.status == "waiting":
            row.status, row.alert_id, row.confirmed_at = "confirmed", alert_id, utcnow()
            session.add(row)


def expire(session: Session, *, held_before: datetime, now: datetime) -> int:
    """Mark ``expired`` every item still waiting that was held before ``held_before`` (no second source
    came in time); returns how many. Conditional on ``waiting`` in the statement itself, so an item a
    concurrent analysis confirmed first stays confirmed."""
    result = session.execute(update(Unconfirmed).where(
        col(Unconfirmed.status) == "waiting", col(Unconfirmed.created_at) < held_before)
        .values(status="expired", expired_at=now).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def listing(session: Session, *, status: str | None = "waiting", limit: int = 200,
            since: datetime | None = None, expired_since: datetime | None = None) -> list[dict[str, Any]]:
    """Held items for pages, the CLI and digests, newest first, with their article and source.
    ``since`` bounds the moment they were held, ``expired_since`` the moment they expired."""
    stmt = select(Unconfirmed, Article).join(Article, col(Article.id) == Unconfirmed.article_id, isouter=True)
    if status:
        stmt = stmt.where(Unconfirmed.status == status)
    if since is not None:
        stmt = stmt.where(col(Unconfirmed.created_at) >= since)
    if expired_since is not None:
        stmt = stmt.where(col(Unconfirmed.expired_at) >= expired_since)
    rows = session.exec(stmt.order_by(col(Unconfirmed.created_at).desc(), col(Unconfirmed.id).desc())
                        .limit(limit)).all()
    out: list[dict[str, Any]] = []
    for u, art in rows:
        source = session.get(Source, art.source_id) if art is not None and art.source_id else None
        out.append({"id": u.id, "kind": u.kind, "status": u.status, "title": u.title, "body": u.body,
                    "confidence": u.confidence, "threshold": u.threshold, "publisher": u.publisher,
                    "article_id": u.article_id, "article_url": art.url if art else None,
                    "source": (source.name or source.url) if source else None, "alert_id": u.alert_id,
                    "created_at": u.created_at, "confirmed_at": u.confirmed_at, "expired_at": u.expired_at,
                    "payload": u.payload})
    return out
