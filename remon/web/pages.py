"""Server-rendered pages (Jinja2, auto-escaped): dashboard, articles, metrics, actors, claims, alerts.

No ``from __future__ import annotations`` here: FastAPI resolves the route signatures at runtime.
"""


from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from remon.web import charts, highlight
from storage import review

PAGE = 50
SERIES_PAGE = 100  # values per page of a metric's table (the chart shows them all)


def _opt_int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _opt_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise HTTPException(400, f"not a date (YYYY-MM-DD): {value[:40]}") from exc


def router(web: Any) -> APIRouter:
    r = APIRouter(include_in_schema=False)
    Db = Annotated[Session, Depends(web.session)]

    def render(request: Request, name: str, **ctx: Any) -> HTMLResponse:
        response: HTMLResponse = web.templates.TemplateResponse(request, name, ctx)
        return response

    @r.get("/", response_class=HTMLResponse)
    def dashboard(request: Request, db: Db) -> HTMLResponse:
        return render(request, "dashboard.html", d=review.dashboard(db))

    @r.get("/articles", response_class=HTMLResponse)
    def articles(request: Request, db: Db, q: str | None = None, source: str | None = None,
                 lang: str | None = None, since: str | None = None, until: str | None = None,
                 relevant: str | None = None, alerts: str | None = None,
                 page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
        flt = review.ArticleFilter(q=(q or "").strip() or None, source_id=_opt_int(source), language=lang or None,
                                   since=_opt_date(since), until=_opt_date(until),
                                   relevant=True if relevant else None, has_alerts=bool(alerts),
                                   limit=PAGE, offset=(page - 1) * PAGE)
        items, more = review.list_articles(db, flt)
        params = {k: v for k, v in {"q": q, "source": source, "lang": lang, "since": since, "until": until,
                                    "relevant": relevant, "alerts": alerts}.items() if v}
        return render(request, "articles.html", items=items, page=page, has_more=more, form=params,
                      sources=review.sources_overview(db),
                      prev_url=f"/articles?{urlencode({**params, 'page': page - 1})}" if page > 1 else None,
                      next_url=f"/articles?{urlencode({**params, 'page': page + 1})}" if more else None)

    @r.get("/articles/{article_id}", response_class=HTMLResponse)
    def article(request: Request, db: Db, article_id: int) -> HTMLResponse:
        a = review.article_detail(db, article_id=article_id)
        if a is None:
            raise HTTPException(404, f"no article {article_id}")
        text = a.get("text") or ""
        marks = highlight.spans(text, a["statistics"], a["stances"], a["claims"])
        return render(request, "article.html", a=a, segments=highlight.segments(text, marks))

    @r.get("/numbers", response_class=HTMLResponse)
    def metrics(request: Request, db: Db) -> HTMLResponse:
        return render(request, "metrics.html", metrics=review.metric_keys(db))

    @r.get("/numbers/{metric:path}", response_class=HTMLResponse)
    def metric(request: Request, db: Db, metric: str, since: str | None = None, until: str | None = None,
               page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> HTMLResponse:
        first, last = _opt_date(since), _opt_date(until)
        series = review.metric_overview(db, metric=metric, since=first, until=last, thresholds=web.thresholds)
        if not series["points"] and not since and not until:
            raise HTTPException(404, f"no metric {metric}")
        rows, more = review.metric_rows(db, metric=metric, since=first, until=last, limit=SERIES_PAGE,
                                        offset=(page - 1) * SERIES_PAGE)
        conflicting = {p["id"] for p in series["points"] if p["conflict"]}
        for row in rows:
            row["conflict"] = row["id"] in conflicting
        params = {k: v for k, v in {"since": since, "until": until}.items() if v}
        base = f"/numbers/{quote(metric)}?"
        return render(request, "metric.html", s=series, chart=charts.build(series["points"]), rows=rows, page=page,
                      prev_url=base + urlencode({**params, "page": page - 1}) if page > 1 else None,
                      next_url=base + urlencode({**params, "page": page + 1}) if more else None)

    @r.get("/actors", response_class=HTMLResponse)
    def actors(request: Request, db: Db) -> HTMLResponse:
        return render(request, "actors.html", actors=review.actors(db))

    @r.get("/actors/{actor}", response_class=HTMLResponse)
    def actor(request: Request, db: Db, actor: str) -> HTMLResponse:
        timeline = review.actor_timeline(db, actor=actor)
        if not timeline:
            raise HTTPException(404, f"no stance of {actor}")
        return render(request, "actor.html", actor=actor, timeline=timeline)

    @r.get("/claims", response_class=HTMLResponse)
    def claims(request: Request, db: Db, page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
        items, more = review.claims_summary(db, limit=PAGE, offset=(page - 1) * PAGE)
        return render(request, "claims.html", items=items, page=page,
                      prev_url=f"/claims?page={page - 1}" if page > 1 else None,
                      next_url=f"/claims?page={page + 1}" if more else None)

    @r.get("/claims/{fingerprint}", response_class=HTMLResponse)
    def claim(request: Request, db: Db, fingerprint: str) -> HTMLResponse:
        rows = review.claim_detail(db, fingerprint=fingerprint)
        if not rows:
            raise HTTPException(404, f"no claim {fingerprint}")
        return render(request, "claim.html", fingerprint=fingerprint, rows=rows)

    @r.get("/alerts", response_class=HTMLResponse)
    def alerts(request: Request, db: Db, kind: str | None = None,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
        items, more = review.alerts_page(db, kind=kind or None, limit=PAGE, offset=(page - 1) * PAGE)
        base = {"kind": kind} if kind else {}
        return render(request, "alerts.html", items=items, kind=kind, page=page,
                      prev_url=f"/alerts?{urlencode({**base, 'page': page - 1})}" if page > 1 else None,
                      next_url=f"/alerts?{urlencode({**base, 'page': page + 1})}" if more else None)

    @r.get("/alerts/unconfirmed", response_class=HTMLResponse)
    def unconfirmed_items(request: Request, db: Db, status: str = "waiting") -> HTMLResponse:
        """Items held below the confidence gate (issue 15): read-only, newest first."""
        from storage import unconfirmed

        status = status if status in ("waiting", "confirmed", "expired") else "waiting"
        max_days = web.settings.unconfirmed_max_days if web.settings is not None else 14
        return render(request, "unconfirmed.html", items=unconfirmed.listing(db, status=status), status=status,
                      max_days=max_days)

    @r.get("/sources", response_class=HTMLResponse)
    def sources(request: Request, db: Db) -> HTMLResponse:
        return render(request, "sources.html", sources=review.sources_overview(db))

    return r
