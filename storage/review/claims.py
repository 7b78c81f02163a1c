"""Distinct claims (first appearance, articles and sources carrying each) and one claim's articles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import Appearance, Article, Claim
from storage.review.common import aware, source_names
from storage.views import (
    claim_json,
    iso,
)
from worker.alert.render import speaker_label


def claims_summary(session: Session, *, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], bool]:
    """Distinct claims newest first: first appearance, and how many articles and sources carry them."""
    first = func.min(Claim.published_at)
    rows = session.execute(
        sa_select(col(Claim.fingerprint), first, func.count(func.distinct(Claim.article_id)),
               func.count(func.distinct(Appearance.source_id)), func.min(Claim.id))
        .join(Appearance, col(Appearance.article_id) == Claim.article_id, isouter=True)
        .group_by(col(Claim.fingerprint)).order_by(first.desc(), func.min(Claim.id).desc())
        .offset(offset).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    firsts = {c.id: c for c in session.exec(select(Claim).where(col(Claim.id).in_([r[4] for r in rows]))).all()}
    out = []
    for fingerprint, when, articles, sources, first_id in rows:
        claim = firsts.get(first_id)
        out.append({"fingerprint": fingerprint, "first_seen": iso(aware(when)), "articles": int(articles),
                    "sources": max(int(sources), 1), "speaker": speaker_label(claim.speaker) if claim else None,
                    "speaker_key": claim.speaker if claim else None,
                    "text": claim.text if claim else "", "first_article_id": claim.article_id if claim else None})
    return out, has_more


def claim_detail(session: Session, *, fingerprint: str) -> list[dict[str, Any]]:
    rows = session.exec(select(Claim, Article).join(Article, col(Article.id) == Claim.article_id)
                        .where(Claim.fingerprint == fingerprint).order_by(col(Claim.published_at), col(Claim.id))).all()
    names = source_names(session, {a.source_id for _, a in rows})
    out = []
    for claim, article in rows:
        row = claim_json(claim)
        row.update(article_title=article.title, article_url=article.url, source=names.get(article.source_id or 0))
        out.append(row)
    return out
