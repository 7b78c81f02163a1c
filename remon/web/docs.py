"""``/api/docs``: Swagger UI served from the installed package, so it works without internet.

FastAPI's default docs page loads Swagger UI from a CDN and starts it with an inline script: on a
machine without internet (or under a strict CSP) it is a blank page. The assets come from the
``fastapi-offline`` package instead (a maintained copy of ``swagger-ui-dist`` 5, refreshed from
the CDN with each release), are served under ``/api/docs/assets/``, and the page's
Content-Security-Policy allows scripts and styles from that path only; every file carries an
integrity hash so a changed file is refused by the browser.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

ASSETS_PATH = "/api/docs/assets/"
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@functools.cache
def assets() -> dict[str, bytes]:
    """The files the docs page loads, by name: Swagger UI's bundle and CSS, and remon's init script."""
    package = resources.files("fastapi_offline").joinpath("static")
    own = Path(__file__).parent / "static" / "docs"
    return {"swagger-ui-bundle.js": package.joinpath("swagger-ui-bundle.js").read_bytes(),
            "swagger-ui.css": package.joinpath("swagger-ui.css").read_bytes(),
            "init.js": (own / "init.js").read_bytes()}


@functools.cache
def integrity() -> dict[str, str]:
    return {name: "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
            for name, data in assets().items()}


def docs_csp(request: Request) -> str:
    """Scripts and styles from the assets path of this very host only; the schema from 'self'."""
    host = request.headers.get("host") or "'self'"
    only = f"{host}{ASSETS_PATH}" if host != "'self'" else host
    return (f"default-src 'none'; script-src {only}; style-src {only}; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def router(web: Any) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/api/docs", response_class=HTMLResponse)
    def docs(request: Request) -> HTMLResponse:
        response: HTMLResponse = web.templates.TemplateResponse(request, "api_docs.html",
                                                                {"integrity": integrity()})
        return response

    @r.get(ASSETS_PATH + "{name}")
    def asset(name: str) -> Response:
        data = assets().get(name)
        if data is None:
            raise HTTPException(404, f"no asset {name}")
        return Response(data, media_type=_TYPES[Path(name).suffix],
                        headers={"Cache-Control": "public, max-age=86400"})

    return r
