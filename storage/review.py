"""Read queries behind the review surfaces: the web pages, the JSON API, the CLI views and exports.

Every function takes a session and plain filters and returns JSON-shaped dicts (``storage.views``),
so the web app, the API and ``remon … list`` show the same thing. Lists are paged with
``limit``/``offset`` and report ``has_more`` (one extra row fetched) instead of a total count,
which would cost a full scan on a large history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage import corrections
from storage.models import Alert, Appearance, Article, Claim, Delivery, Source, Stance, Statistic, utcnow
from storage.read import claim_json, stance_json, statistic_json
from storage.search import match_clause
from storage.views import alert_json, article_json, iso, source_json
from worker.alert.render import speaker_label
from worker.config import Thresholds
from worker.detect.tolerance import values_differ

EXPORTS = ("articles", "statistics", "stances", "claims", "measures")


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


def _start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def _end(day: date | None) -> datetime | None:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC) if day else None


def _source_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.exec(select(Source).where(col(Source.id).in_(wanted))).all()
    return {s.id: s.name or s.url for s in rows if s.id is not None}


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
        stmt = stmt.where(col(Article.published_at) >= _start(flt.since))
    if flt.until:
        stmt = stmt.where(col(Article.published_at) < _end(flt.until))
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
    names = _source_names(session, {a.source_id for a in rows})
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


# ----------------------------------------------------------------------------- statistics / metrics


def list_statistics(session: Session, *, metric: str | None = None, since: date | None = None,
                    until: date | None = None, limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], bool]:
    stmt = select(Statistic)
    if metric:
        stmt = stmt.where(Statistic.metric_key == metric)
    if since:
        stmt = stmt.where(col(Statistic.published_at) >= _start(since))
    if until:
        stmt = stmt.where(col(Statistic.published_at) < _end(until))
    stmt = stmt.order_by(col(Statistic.published_at).desc(), col(Statistic.id).desc())
    rows = list(session.exec(stmt.offset(offset).limit(limit + 1)).all())
    items = [statistic_json(r) for r in rows[:limit]]
    if metric:
        items = corrections.correct_points(session, items, metric=metric, moved_in=offset == 0, newest_first=True,
                                           since=_start(since), until=_end(until))
    else:
        items = corrections.correct_statistics(session, items)
    return items, len(rows) > limit


def metric_keys(session: Session) -> list[dict[str, Any]]:
    """Each alerting metric with how many values it has and when it was last seen."""
    # only columns of ix_statistics_metric_time, so the whole list is read from the index
    rows = session.execute(sa_select(col(Statistic.metric_key), func.count(), func.min(Statistic.published_at),
                                     func.max(Statistic.published_at))
                           .where(col(Statistic.metric_key).is_not(None))
                           .group_by(col(Statistic.metric_key)).order_by(col(Statistic.metric_key))).all()
    return [{"metric_key": k, "values": int(n), "first": iso(_aware(a)), "last": iso(_aware(b))}
            for k, n, a, b in rows]


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _period(stat: Statistic) -> str:
    if stat.period:
        return stat.period
    when = _aware(stat.published_at)
    return when.strftime("%Y-%m") if when else "undated"


def _conflict(p: dict[str, Any], q: dict[str, Any], th: Thresholds) -> bool:
    """Two values conflict when the detector would call either a change of the other (the one
    tolerance rule, ``worker.detect.tolerance``): a value it treats as a repeat is no conflict."""
    return (values_differ(p["value"], p["unit"], p["approx"], q["value"], q["unit"], q["approx"], th)
            and values_differ(q["value"], q["unit"], q["approx"], p["value"], p["unit"], p["approx"], th))


def _metric_filter(stmt: Any, metric: str, since: date | None, until: date | None) -> Any:
    stmt = stmt.where(Statistic.metric_key == metric)
    if since:
        stmt = stmt.where(col(Statistic.published_at) >= _start(since))
    if until:
        stmt = stmt.where(col(Statistic.published_at) < _end(until))
    return stmt


def _mark_conflicts(points: list[dict[str, Any]], th: Thresholds | None) -> list[dict[str, Any]]:
    """Flag (``conflict``) the values that different sources give differently for the same period, and
    list those periods. Two values conflict when different sources give different values for the
    same period (the statistic's own period, else its month of publication)."""
    th = th or Thresholds()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for point in points:
        groups[point["period_key"]].append(point)
    conflicts = []
    for period, group in groups.items():
        if len(group) < 2 or len({p["source_id"] for p in group}) < 2:
            continue
        clash = any(p["source_id"] != q["source_id"] and _conflict(p, q, th)
                    for p in group for q in group)
        if clash:
            for p in group:
                p["conflict"] = True
            conflicts.append({"period": period, "values": [
                {"value": p["value"], "unit": p["unit"], "source": p["source"], "article_id": p["article_id"]}
                for p in group]})
    return conflicts


def metric_series(session: Session, *, metric: str, since: date | None = None,
                  until: date | None = None, limit: int = 5000,
                  thresholds: Thresholds | None = None) -> dict[str, Any]:
    """A metric's values in time order, each with its article, and the conflicts among them
    (under the watch file's ``thresholds``, the defaults when None)."""
    stmt = _metric_filter(select(Statistic, Article).join(Article, col(Article.id) == Statistic.article_id),
                          metric, since, until)
    rows = session.exec(stmt.order_by(col(Statistic.published_at), col(Statistic.id)).limit(limit)).all()
    names = _source_names(session, {a.source_id for _, a in rows})
    points: list[dict[str, Any]] = []
    for stat, article in rows:
        point = statistic_json(stat)
        point.update(article_title=article.title, article_url=article.url,
                     source_id=article.source_id, source=names.get(article.source_id or 0),
                     period_key=_period(stat), conflict=False)
        points.append(point)
    points = corrections.correct_points(session, points, metric=metric, since=_start(since), until=_end(until))
    return {"metric_key": metric, "points": points, "conflicts": _mark_conflicts(points, thresholds)}


def metric_overview(session: Session, *, metric: str, since: date | None = None,
                    until: date | None = None, thresholds: Thresholds | None = None) -> dict[str, Any]:
    """Every value of a metric in time order, light (no sentence, no title), for its chart, and the
    conflicts among all of them: 100,000 values load in well under a second."""
    stmt = _metric_filter(sa_select(col(Statistic.id), col(Statistic.value), col(Statistic.unit),
                                    col(Statistic.approx), col(Statistic.published_at), col(Statistic.period),
                                    col(Statistic.article_id), col(Article.source_id))
                          .join(Article, col(Article.id) == Statistic.article_id), metric, since, until)
    rows = session.execute(stmt.order_by(col(Statistic.published_at), col(Statistic.id))).all()
    names = _source_names(session, {r[7] for r in rows})
    points = []
    for sid, value, unit, approx, published, period, article_id, source_id in rows:
        when = _aware(published)
        points.append({"id": sid, "value": value, "unit": unit, "approx": bool(approx), "published": iso(when),
                       "article_id": article_id,
                       "source_id": source_id, "source": names.get(source_id or 0),
                       "period_key": period or (when.strftime("%Y-%m") if when else "undated"), "conflict": False})
    points = corrections.correct_points(session, points, metric=metric, since=_start(since), until=_end(until))
    return {"metric_key": metric, "points": points, "conflicts": _mark_conflicts(points, thresholds)}


def metric_rows(session: Session, *, metric: str, since: date | None = None, until: date | None = None,
                limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], bool]:
    """A page of a metric's values, newest first, with article, source and evidence (the chart's table)."""
    stmt = _metric_filter(select(Statistic, Article).join(Article, col(Article.id) == Statistic.article_id),
                          metric, since, until)
    rows = session.exec(stmt.order_by(col(Statistic.published_at).desc(), col(Statistic.id).desc())
                        .offset(offset).limit(limit + 1)).all()
    names = _source_names(session, {a.source_id for _, a in rows})
    out = []
    for stat, article in rows[:limit]:
        row = statistic_json(stat)
        row.update(article_title=article.title, article_url=article.url, source_id=article.source_id,
                   source=names.get(article.source_id or 0), period_key=_period(stat))
        out.append(row)
    out = corrections.correct_points(session, out, metric=metric, moved_in=offset == 0, newest_first=True,
                                     since=_start(since), until=_end(until))
    return out, len(rows) > limit


# ----------------------------------------------------------------------------- stances / actors


def actors(session: Session) -> list[dict[str, Any]]:
    rows = session.exec(select(Stance.actor, func.count(), func.max(Stance.published_at))
                        .group_by(col(Stance.actor)).order_by(col(Stance.actor))).all()
    return [{"actor": a, "stances": int(n), "last": iso(_aware(t))} for a, n, t in rows]


def list_stances(session: Session, *, actor: str | None = None, since: date | None = None,
                 limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], bool]:
    stmt = select(Stance)
    if actor:
        stmt = stmt.where(Stance.actor == actor)
    if since:
        stmt = stmt.where(col(Stance.published_at) >= _start(since))
    stmt = stmt.order_by(col(Stance.published_at).desc(), col(Stance.id).desc())
    rows = list(session.exec(stmt.offset(offset).limit(limit + 1)).all())
    items = corrections.correct_stances(session, [stance_json(r) for r in rows[:limit]])
    return [r for r in items if not actor or r["actor"] == actor], len(rows) > limit


def actor_timeline(session: Session, *, actor: str, limit: int = 2000) -> list[dict[str, Any]]:
    """An actor's positions oldest first, each with its evidence, marking where the position moved."""
    rows = session.exec(select(Stance, Article).join(Article, col(Article.id) == Stance.article_id)
                        .where(Stance.actor == actor)
                        .order_by(col(Stance.published_at), col(Stance.id)).limit(limit)).all()
    names = _source_names(session, {a.source_id for _, a in rows})
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


# ----------------------------------------------------------------------------- claims


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
        out.append({"fingerprint": fingerprint, "first_seen": iso(_aware(when)), "articles": int(articles),
                    "sources": max(int(sources), 1), "speaker": speaker_label(claim.speaker) if claim else None,
                    "speaker_key": claim.speaker if claim else None,
                    "text": claim.text if claim else "", "first_article_id": claim.article_id if claim else None})
    return out, has_more


def claim_detail(session: Session, *, fingerprint: str) -> list[dict[str, Any]]:
    rows = session.exec(select(Claim, Article).join(Article, col(Article.id) == Claim.article_id)
                        .where(Claim.fingerprint == fingerprint).order_by(col(Claim.published_at), col(Claim.id))).all()
    names = _source_names(session, {a.source_id for _, a in rows})
    out = []
    for claim, article in rows:
        row = claim_json(claim)
        row.update(article_title=article.title, article_url=article.url, source=names.get(article.source_id or 0))
        out.append(row)
    return out


# ----------------------------------------------------------------------------- export


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
