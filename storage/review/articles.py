"""The review app's and the CLI's reads of articles, sources and alerts, and the front page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, text
from sqlmodel import Session, col, select

from storage.corrections import annotate
from storage.models import Alert, Appearance, Article, Claim, Delivery, Source, Stance, Statistic
from storage.review.common import end_of, source_names, start_of
from storage.search import match_clause
from storage.views import (
    alert_json,
    article_json,
    claim_json,
    iso,
    source_json,
    stance_json,
    statistic_json,
)


@dataclass(frozen=True)
class ArticleFilter:
    q: str | None = None
    source_id: int | None = None
    language: str | None = None
    since: date | None = None
    until: date | None = None
    relevant: bool | None = None
    has_alerts: bool = False
    limit: int = 50
    offset: int = 0


def list_articles(session: Session, flt: ArticleFilter) -> tuple[list[dict[str, Any]], bool]:
    """Articles newest first (by publication) matching ``flt``; and whether more follow."""
    stmt = select(Article)
    if flt.q:
        clause = match_clause(session.connection(), flt.q)
        if clause is None:
            return [], False
        stmt = stmt.where(text(clause[0]).bindparams(**clause[1]))
    if flt.source_id is not None:
        stmt = stmt.where(Article.source_id == flt.source_id)
    if flt.language:
        # "zh" is every Chinese script the detector names (zh-Hans, zh-Hant); "zh-Hant" only itself
        stmt = stmt.where(or_(col(Article.language) == flt.language,
                              col(Article.language).like(f"{flt.language}-%")))
    if flt.since:
        stmt = stmt.where(col(Article.published_at) >= start_of(flt.since))
    if flt.until:
        stmt = stmt.where(col(Article.published_at) < end_of(flt.until))
    if flt.relevant is not None:
        stmt = stmt.where(Article.relevant == flt.relevant)
    if flt.has_alerts:
        stmt = stmt.where(select(Alert.id).where(Alert.article_id == Article.id).exists())
    stmt = stmt.order_by(col(Article.published_at).desc().nulls_last(), col(Article.id).desc())
    rows = list(session.exec(stmt.offset(flt.offset).limit(flt.limit + 1)).all())
    has_more = len(rows) > flt.limit
    rows = rows[: flt.limit]
    ids = [a.id for a in rows if a.id is not None]
    alert_counts: dict[int, int] = {}
    stat_counts: dict[int, int] = {}
    if ids:
        alert_counts = {int(k): int(v) for k, v in session.exec(
            select(Alert.article_id, func.count()).where(col(Alert.article_id).in_(ids))
            .group_by(col(Alert.article_id))).all() if k is not None}
        stat_counts = {int(k): int(v) for k, v in session.exec(
            select(Statistic.article_id, func.count()).where(col(Statistic.article_id).in_(ids))
            .group_by(col(Statistic.article_id))).all()}
    names = source_names(session, {a.source_id for a in rows})
    out = []
    for a in rows:
        row = article_json(a)
        row["source"] = names.get(a.source_id or 0)
        row["alerts"] = alert_counts.get(a.id or 0, 0)
        row["statistics"] = stat_counts.get(a.id or 0, 0)
        out.append(row)
    return out, has_more


def sources_overview(session: Session) -> list[dict[str, Any]]:
    """Every source with its health and how many articles it brought."""
    counts = {int(k): int(v) for k, v in session.exec(
        select(Article.source_id, func.count()).group_by(col(Article.source_id))).all() if k is not None}
    out = []
    for s in session.exec(select(Source).order_by(col(Source.id))).all():
        row = source_json(s)
        row["articles"] = counts.get(s.id or 0, 0)
        row["healthy"] = s.error_count == 0
        out.append(row)
    return out


def alerts_page(session: Session, *, kind: str | None = None, limit: int = 50,
                offset: int = 0) -> tuple[list[dict[str, Any]], bool]:
    """Alerts newest first with each channel's delivery state."""
    stmt = select(Alert)
    if kind:
        stmt = stmt.where(Alert.kind == kind)
    rows = list(session.exec(stmt.order_by(col(Alert.id).desc()).offset(offset).limit(limit + 1)).all())
    has_more = len(rows) > limit
    rows = rows[:limit]
    ids = [a.id for a in rows if a.id is not None]
    by_alert: dict[int, list[Delivery]] = defaultdict(list)
    if ids:
        for d in session.exec(select(Delivery).where(col(Delivery.alert_id).in_(ids)).order_by(col(Delivery.id))):
            by_alert[d.alert_id].append(d)
    return [alert_json(a, by_alert.get(a.id or 0, [])) for a in rows], has_more


def dashboard(session: Session, *, now: datetime | None = None) -> dict[str, Any]:
    """What the front page shows: counts, latest alerts, this week's changes, source health."""
    now = now or datetime.now(UTC)
    week = now - timedelta(days=7)

    def count(model: Any, *where: Any) -> int:
        return int(session.exec(select(func.count()).select_from(model).where(*where)).one())

    counts = {
        "articles": count(Article),
        "relevant": count(Article, col(Article.relevant).is_(True)),
        "statistics": count(Statistic),
        "stances": count(Stance),
        "claims": count(Claim),
        "alerts": count(Alert),
        "sources": count(Source),
        "failing_sources": count(Source, col(Source.error_count) > 0),
        "failed_deliveries": count(Delivery, Delivery.status == "failed"),
    }
    latest, _ = alerts_page(session, limit=10)
    week_rows = session.exec(select(Alert.kind, func.count()).where(col(Alert.created_at) >= week)
                             .group_by(col(Alert.kind))).all()
    changed = session.exec(select(Alert).where(col(Alert.created_at) >= week,
                                               col(Alert.kind).in_(("changed_statistic", "stance_shift")))
                           .order_by(col(Alert.id).desc()).limit(20)).all()
    return {
        "counts": counts,
        "latest_alerts": latest,
        "week": {"since": iso(week), "by_kind": {k: int(n) for k, n in week_rows},
                 "changes": [alert_json(a, []) for a in changed]},
        "sources": sources_overview(session),
    }


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
    """How many sources are polled (``remon run`` says how to add one when none is)."""
    return int(session.exec(select(func.count()).select_from(Source).where(col(Source.enabled))).one())


def article_links(session: Session, *, prefix: str) -> list[tuple[int, str]]:
    """(id, URL) of every stored article whose URL starts with ``prefix`` (the demo site's pages)."""
    rows = session.exec(select(Article.id, Article.url).where(col(Article.url).startswith(prefix))).all()
    return [(int(i), str(u)) for i, u in rows if i is not None]


def list_sources(session: Session) -> list[dict[str, Any]]:
    """Every source in id order, with its health (``remon sources list``)."""
    return [source_json(s) for s in session.exec(select(Source).order_by(col(Source.id))).all()]


def find_source(session: Session, *, ref: str) -> Source | None:
    """A source by id or URL (what users type on the command line)."""
    if ref.isdigit():
        return session.get(Source, int(ref))
    return session.exec(select(Source).where(col(Source.url) == ref)).first()


def disable_source(session: Session, *, ref: str) -> Source | None:
    """Stop polling the source ``ref`` names (id or URL), keeping its history; None when there is none."""
    source = find_source(session, ref=ref)
    if source is not None:
        source.enabled = False
        session.add(source)
    return source


def alerts_since(session: Session, *, since_id: int = 0) -> list[dict[str, Any]]:
    """Alerts after ``since_id``, oldest first, each with its deliveries (``remon alerts list``)."""
    alerts = session.exec(select(Alert).where(col(Alert.id) > since_id).order_by(col(Alert.id))).all()
    ids = [a.id for a in alerts if a.id is not None]
    by_alert: dict[int, list[Delivery]] = defaultdict(list)
    if ids:
        for d in session.exec(select(Delivery).where(col(Delivery.alert_id).in_(ids)).order_by(col(Delivery.id))):
            by_alert[d.alert_id].append(d)
    return [alert_json(a, by_alert.get(a.id or 0, [])) for a in alerts]
