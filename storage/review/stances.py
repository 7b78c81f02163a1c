"""The actors, their stances newest first, and an actor's timeline with its position shifts."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage import corrections
from storage.models import Article, Stance
from storage.review.common import aware, source_names, start_of
from storage.views import (
    iso,
    stance_json,
)


def actors(session: Session) -> list[dict[str, Any]]:
    rows = session.exec(select(Stance.actor, func.count(), func.max(Stance.published_at))
                        .group_by(col(Stance.actor)).order_by(col(Stance.actor))).all()
    return [{"actor": a, "stances": int(n), "last": iso(aware(t))} for a, n, t in rows]


def list_stances(session: Session, *, actor: str | None = None, since: date | None = None,
                 limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], bool]:
    stmt = select(Stance)
    if actor:
        stmt = stmt.where(Stance.actor == actor)
    if since:
        stmt = stmt.where(col(Stance.published_at) >= start_of(since))
    stmt = stmt.order_by(col(Stance.published_at).desc(), col(Stance.id).desc())
    rows = list(session.exec(stmt.offset(offset).limit(limit + 1)).all())
    items = corrections.correct_stances(session, [stance_json(r) for r in rows[:limit]])
    return [r for r in items if not actor or r["actor"] == actor], len(rows) > limit


def actor_timeline(session: Session, *, actor: str, limit: int = 2000) -> list[dict[str, Any]]:
    """An actor's positions oldest first, each with its evidence, marking where the position moved."""
    rows = session.exec(select(Stance, Article).join(Article, col(Article.id) == Stance.article_id)
                        .where(Stance.actor == actor)
                        .order_by(col(Stance.published_at), col(Stance.id)).limit(limit)).all()
    names = source_names(session, {a.source_id for _, a in rows})
    out = []
    before: set[str] = set()  # positions of the previous article that had this actor
    current: set[str] = set()
    current_article: int | None = None
    fixes = corrections.latest(session, "stance", (s.id for s, _ in rows if s.id is not None))
    for stance, article in rows:
        fix = fixes.get(stance.id or 0)
        if fix is not None and (fix.action == "wrong" or (fix.actor or actor) != actor):
            continue  # marked wrong, or fixed to another actor
        if stance.article_id != current_article:
            before, current, current_article = (current or before), set(), stance.article_id
        row = stance_json(stance)
        if fix is not None:
            row = corrections.correct_stances(session, [row])[0]
        moved = bool(before) and row["position"] not in before
        row.update(article_title=article.title, article_url=article.url, source=names.get(article.source_id or 0),
                   shift_from=", ".join(sorted(before)) if moved else None)
        current.add(row["position"])
        out.append(row)
    return out
