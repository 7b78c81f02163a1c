"""``create_app``: the review app (pages + ``/api``) with strict security headers.

Article text comes from the web and is untrusted: templates auto-escape everything, the pages
carry no inline script, and a Content-Security-Policy forbids scripts altogether, so even a
payload that slipped through escaping could not run. Notification URLs are never read here
(deliveries carry masked channel labels only).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Iterator
from functools import cached_property
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from remon.ops import ops_router
from remon.web.charts import conflict_summary, format_number, unit_label
from storage.db import session_scope
from worker.alert.render import label, metric_label
from worker.config import Settings, Thresholds

HERE = Path(__file__).parent
log = logging.getLogger("remon.web")

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")


class Web:
    """What every route needs: the database URL, the settings and the templates."""

    def __init__(self, db_url: str, settings: Settings | None) -> None:
        self.db_url = db_url
        self.settings = settings
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.autoescape = True
        self.templates.env.filters["unit"] = unit_label
        # keys never show raw: a metric, an actor and a position by their labels (labels.yaml)
        self.templates.env.filters["metric_label"] = metric_label
        self.templates.env.filters["actor_label"] = lambda key: label("actors", key)
        self.templates.env.filters["position_label"] = lambda key: label("positions", key)
        self.templates.env.filters["number"] = format_number
        self.templates.env.filters["by_source"] = conflict_summary
        self.templates.env.globals["nav"] = [
            ("/", "Dashboard"), ("/articles", "Articles"), ("/numbers", "Numbers"), ("/actors", "Actors"),
            ("/claims", "Claims"), ("/measures", "Measures"), ("/alerts", "Alerts"), ("/sources", "Sources"),
            ("/api/docs", "API")]

    @cached_property
    def thresholds(self) -> Thresholds:
        """The watch file's tolerances, so the pages flag as conflicts only what the detector calls a change."""
        return self.settings.watch().thresholds if self.settings is not None else Thresholds()

    def session(self) -> Iterator[Session]:
        with session_scope(self.db_url) as session:
            yield session

    def token_ok(self, request: Request) -> bool:
        token = self.settings.web_token.get_secret_value() if self.settings and self.settings.web_token else None
        if not token:
            return False
        given = request.headers.get("authorization", "")
        return given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode())


def create_app(db_url: str, *, settings: Settings | None = None) -> FastAPI:
    from remon.web import api, corrections, docs, measures, pages

    web = Web(db_url, settings)
    app = FastAPI(title="remon", description="Review what remon found: articles, numbers, stances, claims, alerts.",
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")  # docs: remon.web.docs
    app.state.web = web

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = docs.docs_csp(request) if request.url.path == "/api/docs" else CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        # same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" on our own form
        # POSTs, and the CSRF check (remon.web.auth) needs the real Origin; other sites still get nothing
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}"
                             for e in exc.errors())
        if request.url.path.startswith("/api"):
            return JSONResponse({"error": "invalid request", "detail": problems}, status_code=422)
        return web.templates.TemplateResponse(request, "error.html", {"status": 400, "message": problems},
                                              status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail or "error")
        if request.url.path.startswith("/api"):
            return JSONResponse({"error": detail}, status_code=exc.status_code, headers=exc.headers)
        return web.templates.TemplateResponse(request, "error.html", {"status": exc.status_code, "message": detail},
                                              status_code=exc.status_code)

    @app.exception_handler(500)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("web request %s failed: %s", request.url.path, exc.__class__.__name__, exc_info=exc)
        if request.url.path.startswith("/api"):
            return JSONResponse({"error": "internal error"}, status_code=500)
        return HTMLResponse("internal error", status_code=500)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if settings is not None:
        app.include_router(ops_router(settings))
    app.include_router(docs.router(web))
    app.include_router(api.router(web))
    app.include_router(measures.router(web))
    # pages first: their fixed paths ("/alerts/unconfirmed") win over the correction forms' "/alerts/{id}"
    app.include_router(pages.router(web))
    corrections.install(app, web)
    return app
