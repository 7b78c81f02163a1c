"""Operational endpoints for any remon web process: /healthz, /readyz and /metrics.

Kept apart from the review app's pages so compose healthchecks and Prometheus scrapes work
the same whatever the UI does; ``remon.web`` includes this router.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse

from tasks.queues import QUEUES
from worker.config import Settings


def ops_router(settings: Settings) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    def readyz() -> JSONResponse:
        from remon.health import check_database

        check = check_database(settings)
        return JSONResponse({"database": check.detail, "ok": check.ok}, status_code=200 if check.ok else 503)

    @router.get("/metrics", response_class=PlainTextResponse)
    def metrics() -> PlainTextResponse:
        from remon.metrics import queue_depths, render_metrics

        depths = queue_depths(settings.broker_url_value, QUEUES)
        return PlainTextResponse(render_metrics(settings.database_url_value, queue_depths=depths),
                                 media_type="text/plain; version=0.0.4")

    return router


def ops_app(settings: Settings) -> FastAPI:
    """A bare app with only the operational endpoints (used when the review UI is not installed)."""
    app = FastAPI(title="remon", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(ops_router(settings))
    return app
