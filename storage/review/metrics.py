"""The statistics list and the metric pages: values in time order, a page of them, and the
conflicts among them (under the detector's one tolerance rule, ``worker.detect.tolerance``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage import corrections
from storage.models import Article, Statistic
from storage.review.common import aware, end_of, period_of, source_names, start_of
from storage.views import (
    iso,
    statistic_json,
)
from worker.config import Thresholds
from worker.detect.tolerance import values_differ


def list_statistics(session: Session, *, metric: str | None = None, since: date | None = None,
                    until: date | None = None, limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], bool]:
    stmt = select(Statistic)
    if metric:
        stmt = stmt.where(Statistic.metric_key == metric)
    if since:
        stmt = stmt.where(col(Statistic.published_at) >= start_of(since))
    if until:
        stmt = stmt.where(col(Statistic.published_at) < end_of(until))
    stmt = stmt.order_by(col(Statistic.published_at).desc(), col(Statistic.id).desc())
    rows = list(session.exec(stmt.offset(offset).limit(limit + 1)).all())
    items = [statistic_json(r) for r in rows[:limit]]
    if metric:
        items = corrections.correct_points(session, items, metric=metric, moved_in=offset == 0, newest_first=True,
                                           since=start_of(since), until=end_of(until))
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
    return [{"metric_key": k, "values": int(n), "first": iso(aware(a)), "last": iso(aware(b))}
            for k, n, a, b in rows]


def _conflict(p: dict[str, Any], q: dict[str, Any], th: Thresholds) -> bool:
    """Two values conflict when the detector would call either a change of the other (the one
    tolerance rule, ``worker.detect.tolerance``): a value it treats as a repeat is no conflict."""
    return (values_differ(p["value"], p["unit"], p["approx"], q["value"], q["unit"], q["approx"], th)
            and values_differ(q["value"], q["unit"], q["approx"], p["value"], p["unit"], p["approx"], th))


def _metric_filter(stmt: Any, metric: str, since: date | None, until: date | None) -> Any:
    stmt = stmt.where(Statistic.metric_key == metric)
    if since:
        stmt = stmt.where(col(Statistic.published_at) >= start_of(since))
    if until:
        stmt = stmt.where(col(Statistic.published_at) < end_of(until))
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
    names = source_names(session, {a.source_id for _, a in rows})
    points: list[dict[str, Any]] = []
    for stat, article in rows:
        point = statistic_json(stat)
        point.update(article_title=article.title, article_url=article.url,
                     source_id=article.source_id, source=names.get(article.source_id or 0),
                     period_key=period_of(stat), conflict=False)
        points.append(point)
    points = corrections.correct_points(session, points, metric=metric, since=start_of(since), until=end_of(until))
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
    names = source_names(session, {r[7] for r in rows})
    points = []
    for sid, value, unit, approx, published, period, article_id, source_id in rows:
        when = aware(published)
        points.append({"id": sid, "value": value, "unit": unit, "approx": bool(approx), "published": iso(when),
                       "article_id": article_id,
                       "source_id": source_id, "source": names.get(source_id or 0),
                       "period_key": period or (when.strftime("%Y-%m") if when else "undated"), "conflict": False})
    points = corrections.correct_points(session, points, metric=metric, since=start_of(since), until=end_of(until))
    return {"metric_key": metric, "points": points, "conflicts": _mark_conflicts(points, thresholds)}


def metric_rows(session: Session, *, metric: str, since: date | None = None, until: date | None = None,
                limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], bool]:
    """A page of a metric's values, newest first, with article, source and evidence (the chart's table)."""
    stmt = _metric_filter(select(Statistic, Article).join(Article, col(Article.id) == Statistic.article_id),
                          metric, since, until)
    rows = session.exec(stmt.order_by(col(Statistic.published_at).desc(), col(Statistic.id).desc())
                        .offset(offset).limit(limit + 1)).all()
    names = source_names(session, {a.source_id for _, a in rows})
    out = []
    for stat, article in rows[:limit]:
        row = statistic_json(stat)
        row.update(article_title=article.title, article_url=article.url, source_id=article.source_id,
                   source=names.get(article.source_id or 0), period_key=period_of(stat))
        out.append(row)
    out = corrections.correct_points(session, out, metric=metric, moved_in=offset == 0, newest_first=True,
                                     since=start_of(since), until=end_of(until))
    return out, len(rows) > limit
