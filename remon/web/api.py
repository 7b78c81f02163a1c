"""The JSON API under ``/api`` (OpenAPI at ``/api/docs``) and the CSV/JSON exports.

Reads only, except ``POST /api/alerts/{id}/retry``, which needs ``Authorization: Bearer
$REMON_WEB_TOKEN`` and is refused when no token is configured.
"""


import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from storage import review
from storage.db import session_scope
from storage.models import Alert

EXPORT_NAME = re.compile(r"^(articles|statistics|stances|claims|measures)\.(csv|json)$")
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


def _page(items: list[dict[str, Any]], has_more: bool, offset: int) -> dict[str, Any]:
    return {"items": items, "has_more": has_more, "next_offset": offset + len(items) if has_more else None}


def csv_cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet: text that starts like a formula is quoted with '."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def router(web: Any) -> APIRouter:
    r = APIRouter(prefix="/api", tags=["api"])
    Db = Annotated[Session, Depends(web.session)]

    @r.get("/summary")
    def summary(db: Db) -> dict[str, Any]:
        """Counts, latest alerts, this week's changes and source health (the dashboard)."""
        return review.dashboard(db)

    @r.get("/articles")
    def articles(db: Db, q: str | None = None, source_id: int | None = None, language: str | None = None,
                 since: date | None = None, until: date | None = None, relevant: bool | None = None,
                 has_alerts: bool = False, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        """Articles newest first; ``q`` is full-text search over title and text (English or Chinese)."""
        flt = review.ArticleFilter(q=q, source_id=source_id, language=language, since=since, until=until,
                                   relevant=relevant, has_alerts=has_alerts, limit=limit, offset=offset)
        items, more = review.list_articles(db, flt)
        return _page(items, more, offset)

    @r.get("/articles/{article_id}")
    def article(db: Db, article_id: int) -> dict[str, Any]:
        """One article with its text, extracted items, the sources that carried it and its alerts."""
        detail = review.article_detail(db, article_id=article_id)
        if detail is None:
            raise HTTPException(404, f"no article {article_id}")
        return detail

    @r.get("/sources")
    def sources(db: Db) -> list[dict[str, Any]]:
        return review.sources_overview(db)

    @r.get("/metrics")
    def metrics(db: Db) -> list[dict[str, Any]]:
        """Every metric (subject/material/measure) with its number of values."""
        return review.metric_keys(db)

    @r.get("/metrics/{metric:path}")
    def metric(db: Db, metric: str, since: date | None = None, until: date | None = None) -> dict[str, Any]:
        """A metric's values over time with their articles, and conflicting values flagged."""
        series = review.metric_series(db, metric=metric, since=since, until=until, thresholds=web.thresholds)
        if not series["points"] and since is None and until is None:
            raise HTTPException(404, f"no metric {metric}")
        return series

    @r.get("/statistics")
    def statistics(db: Db, metric: str | None = None, since: date | None = None, until: date | None = None,
                   limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
        items, more = review.list_statistics(db, metric=metric, since=since, until=until, limit=limit, offset=offset)
        return _page(items, more, offset)

    @r.get("/actors")
    def actors(db: Db) -> list[dict[str, Any]]:
        return review.actors(db)

    @r.get("/actors/{actor}")
    def actor(db: Db, actor: str) -> dict[str, Any]:
        """An actor's positions over time, each with its evidence sentence."""
        timeline = review.actor_timeline(db, actor=actor)
        if not timeline:
            raise HTTPException(404, f"no stance of {actor}")
        return {"actor": actor, "timeline": timeline}

    @r.get("/stances")
    def stances(db: Db, actor: str | None = None, since: date | None = None, limit: Limit = 100,
                offset: Offset = 0) -> dict[str, Any]:
        items, more = review.list_stances(db, actor=actor, since=since, limit=limit, offset=offset)
        return _page(items, more, offset)

    @r.get("/claims")
    def claims(db: Db, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        """Distinct claims: first appearance and how many sources carry each."""
        items, more = review.claims_summary(db, limit=limit, offset=offset)
        return _page(items, more, offset)

    @r.get("/claims/{fingerprint}")
    def claim(db: Db, fingerprint: str) -> dict[str, Any]:
        rows = review.claim_detail(db, fingerprint=fingerprint)
        if not rows:
            raise HTTPException(404, f"no claim {fingerprint}")
        return {"fingerprint": fingerprint, "appearances": rows}

    @r.get("/alerts")
    def alerts(db: Db, kind: str | None = None, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        """Alerts newest first with their per-channel delivery status (channels masked)."""
        items, more = review.alerts_page(db, kind=kind, limit=limit, offset=offset)
        return _page(items, more, offset)

    @r.post("/alerts/{alert_id}/retry")
    def retry(db: Db, alert_id: int, request: Request) -> dict[str, Any]:
        """Make an alert's failed deliveries due again (needs the web token)."""
        if not web.token_ok(request):
            raise HTTPException(403 if not (web.settings and web.settings.web_token) else 401,
                                "writes need Authorization: Bearer <REMON_WEB_TOKEN>"
                                if web.settings and web.settings.web_token
                                else "writes are disabled: set REMON_WEB_TOKEN to enable them")
        if db.get(Alert, alert_id) is None:
            raise HTTPException(404, f"no alert {alert_id}")
        from tasks.persist import retry_alert

        return {"alert_id": alert_id, "requeued": retry_alert(db, alert_id=alert_id)}

    @r.get("/export/{name}")
    def export(name: str) -> StreamingResponse:
        """``articles|statistics|stances|claims`` as ``.csv`` or ``.json``, streamed."""
        m = EXPORT_NAME.match(name)
        if m is None:
            raise HTTPException(404, "unknown export; use e.g. /api/export/statistics.csv")
        what, fmt = m.group(1), m.group(2)
        body = export_csv(web.db_url, what) if fmt == "csv" else export_json(web.db_url, what)
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        return StreamingResponse(body, media_type=media,
                                 headers={"Content-Disposition": f'attachment; filename="remon-{what}.{fmt}"'})

    return r


def export_csv(db_url: str, what: str) -> Iterator[str]:
    with session_scope(db_url) as db:
        writer = None
        buf = io.StringIO()
        yield "\ufeff"  # so spreadsheet programs read the Chinese text as UTF-8
        for row in review.export_rows(db, what):
            if writer is None:
                writer = csv.DictWriter(buf, fieldnames=list(row), extrasaction="ignore")
                writer.writeheader()
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
            if buf.tell() > 64_000:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()


def export_json(db_url: str, what: str) -> Iterator[str]:
    with session_scope(db_url) as db:
        yield "["
        for i, row in enumerate(review.export_rows(db, what)):
            yield ("," if i else "") + json.dumps(row, ensure_ascii=False)
        yield "]\n"
