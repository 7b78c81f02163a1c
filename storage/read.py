"""Read models for the review surfaces (CLI views, web app, API)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Alert, Appearance, Article, Claim, Source, Stance, Statistic
from storage.views import article_json, iso


def statistic_json(row: Statistic) -> dict[str, Any]:
    return {"id": row.id, "article_id": row.article_id, "value": row.value, "value_high": row.value_high,
            "unit": row.unit, "approx": row.approx, "subject": row.subject, "material": row.material,
            "measure": row.measure, "metric_key": row.metric_key, "period": row.period,
            "sentence": row.sentence, "start": row.start, "end": row.end, "published": iso(row.published_at)}


def stance_json(row: Stance) -> dict[str, Any]:
    return {"id": row.id, "article_id": row.article_id, "actor": row.actor, "position": row.position,
            "confidence": row.confidence, "sentence": row.sentence, "published": iso(row.published_at)}


def claim_json(row: Claim) -> dict[str, Any]:
    """A claim; ``speaker`` in one form, the label ("China", "Analysts"), ``speaker_key`` as extracted."""
    from worker.alert.render import speaker_label

    return {"id": row.id, "article_id": row.article_id, "speaker": speaker_label(row.speaker),
            "speaker_key": row.speaker, "text": row.text,
            "fingerprint": row.fingerprint, "sentence": row.sentence, "published": iso(row.published_at)}


def article_detail(session: Session, *, article_id: int) -> dict[str, Any] | None:
    """An article with everything extracted from it, who carried it and what it raised."""
    article = session.get(Article, article_id)
    if article is None:
        return None
    out = article_json(article, with_text=True)
    out["statistics"] = [statistic_json(r) for r in session.exec(
        select(Statistic).where(Statistic.article_id == article_id).order_by(col(Statistic.idx))).all()]
    out["stances"] = [stance_json(r) for r in session.exec(
        select(Stance).where(Stance.article_id == article_id).order_by(col(Stance.idx))).all()]
    from storage.corrections import annotate  # (storage.corrections reads through this module)

    out["statistics"] = annotate(session, "statistic", out["statistics"])
    out["stances"] = annotate(session, "stance", out["stances"])
    out["claims"] = [claim_json(r) for r in session.exec(
        select(Claim).where(Claim.article_id == article_id).order_by(col(Claim.idx))).all()]
    appearances = session.exec(select(Appearance, Source).join(Source, isouter=True).where(
        Appearance.article_id == article_id).order_by(col(Appearance.id))).all()
    out["appearances"] = [{"url": a.url, "source": s.name or s.url if s else None, "seen": iso(a.seen_at)}
                          for a, s in appearances]
    out["alerts"] = [{"id": a.id, "kind": a.kind, "title": a.title} for a in session.exec(
        select(Alert).where(Alert.article_id == article_id).order_by(col(Alert.id))).all()]
    return out


def latest_articles(session: Session, *, limit: int) -> list[dict[str, Any]]:
    """The newest articles by id (``remon articles list``)."""
    rows = session.exec(select(Article).order_by(col(Article.id).desc()).limit(limit)).all()
    return [article_json(a) for a in rows]


def failed_sources_since(session: Session, *, since: datetime) -> list[str]:
    """The error code of each enabled source whose poll since ``since`` failed (``remon poll --once``)."""
    rows = session.exec(select(Source.error_code).where(
        col(Source.enabled), col(Source.last_checked_at) >= since, col(Source.error_code).is_not(None))).all()
    return [str(code) for code in rows]


def enabled_source_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Source).where(col(Source.enabled))).one())


def article_links(session: Session, *, prefix: str) -> list[tuple[int, str]]:
    """(id, URL) of every stored article whose URL starts with ``prefix`` (the demo site's pages)."""
    rows = session.exec(select(Article.id, Article.url).where(col(Article.url).startswith(prefix))).all()
    return [(int(i), str(u)) for i, u in rows if i is not None]
