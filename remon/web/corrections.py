"""Corrections in the review app: the login form, the correction pages and forms, and ``/api/corrections``.

Forms work without script (the CSP forbids it): plain ``application/x-www-form-urlencoded`` POSTs,
answered with a 303 redirect back to the page the form was on. Every form write goes through
``auth.check_write`` (token configured, same origin, logged in, CSRF token); the API's POST takes the
bearer token of ``Web.token_ok`` instead, as ``POST /api/alerts/{id}/retry`` does.

No ``from __future__ import annotations`` here: FastAPI resolves the route signatures at runtime.
"""

import dataclasses
import logging
from typing import Annotated, Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from remon.commands.corrections import field_text
from remon.web import auth
from storage import corrections
from storage.corrections import CorrectionError, Fix

log = logging.getLogger("remon.web.corrections")
MAX_FORM = 16_384
PAGE = 50


def install(app: FastAPI, web: Any) -> None:
    """Register the routes and the template helpers every page's forms need."""
    env = web.templates.env
    env.globals["csrf_token"] = lambda request: auth.csrf_token(request, web.settings)
    env.globals["logged_in"] = lambda request: auth.session_id(request, web.settings) is not None
    env.globals["writes_enabled"] = auth.configured_token(web.settings) is not None
    env.globals["positions"] = corrections.POSITIONS
    env.globals["field_text"] = field_text
    nav = list(env.globals.get("nav", []))
    env.globals["nav"] = [*nav[:-1], ("/corrections", "Corrections"), *nav[-1:]]  # before "API"
    app.include_router(api_router(web))
    app.include_router(page_router(web))


async def _form(request: Request) -> dict[str, str]:
    """The urlencoded form fields (first value of each), refusing other bodies and big ones."""
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind != "application/x-www-form-urlencoded":
        raise HTTPException(415, "send the form as application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > MAX_FORM:
        raise HTTPException(413, "form too large")
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}


def _number(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        return float(text.strip().replace(",", "").replace("%", ""))
    except ValueError as exc:
        raise CorrectionError(f"value must be a number, not {text[:40]!r}") from exc


def fix_from_fields(fields: dict[str, Any]) -> Fix:
    """A ``Fix`` from form or JSON fields; a "wrong" ignores the fix fields a form may also carry."""
    try:
        target_id = int(str(fields.get("target_id", "")).strip())
    except ValueError as exc:
        raise CorrectionError("target_id must be a number") from exc
    action = str(fields.get("action") or "").strip()
    base = {"who": fields.get("who"), "note": fields.get("note")}
    if action == "wrong":
        return Fix(str(fields.get("target_kind") or ""), target_id, action, **base)
    value = fields.get("value")
    return Fix(str(fields.get("target_kind") or ""), target_id, action, **base,
               subject=fields.get("subject"), material=fields.get("material"), measure=fields.get("measure"),
               value=value if isinstance(value, (int, float)) and not isinstance(value, bool)
               else _number(value if isinstance(value, str) else None),
               actor=fields.get("actor"), position=fields.get("position"))


def _target_page(kind: str, target_id: int) -> str:
    return f"/{'statistics' if kind == 'statistic' else kind + 's'}/{target_id}"


def page_router(web: Any) -> APIRouter:
    r = APIRouter(include_in_schema=False)
    Db = Annotated[Session, Depends(web.session)]

    def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        response: HTMLResponse = web.templates.TemplateResponse(request, name, ctx, status_code=status)
        return response

    @r.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str | None = None) -> HTMLResponse:
        return render(request, "login.html", next=auth.local_path(next), problem=None)

    @r.post("/login")
    async def login(request: Request) -> Response:
        if not auth.configured_token(web.settings):
            raise HTTPException(403, auth.DISABLED)
        if not auth.same_origin(request, web.settings):
            raise HTTPException(403, "login refused: the form was not posted from this site (Origin/Referer)")
        form = await _form(request)
        target = auth.local_path(form.get("next"))
        if not auth.token_matches(web.settings, form.get("token", "")):
            log.warning("web login refused: wrong token from %s", request.client.host if request.client else "?")
            return render(request, "login.html", status=401, next=target, problem="That is not the token.")
        response = RedirectResponse(target, status_code=303)
        auth.set_session(response, request, auth.new_session(web.settings))
        return response

    @r.post("/logout")
    async def logout(request: Request) -> Response:
        form = await _form(request)
        auth.check_write(request, web.settings, form.get("csrf"))
        response = RedirectResponse("/", status_code=303)
        auth.clear_session(response)
        return response

    @r.post("/corrections")
    async def correct(request: Request, db: Db) -> Response:
        form = await _form(request)
        auth.check_write(request, web.settings, form.get("csrf"))
        try:
            fix = fix_from_fields(form)
            row = corrections.record(db, fix)
            db.commit()
        except CorrectionError as exc:
            log.info("correction refused: %s", exc)
            raise HTTPException(400, f"correction refused: {exc}") from exc
        log.info("correction %s stored: %s %s %s by %s", row.id, row.action, row.target_kind, row.target_id, row.who)
        return RedirectResponse(auth.local_path(form.get("next"), _target_page(fix.target_kind, fix.target_id)),
                                status_code=303)

    @r.get("/corrections", response_class=HTMLResponse)
    def corrections_page(request: Request, db: Db,
                         page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
        items, more = corrections.list_corrections(db, limit=PAGE, offset=(page - 1) * PAGE)
        return render(request, "corrections.html", items=items, page=page,
                      prev_url=f"/corrections?page={page - 1}" if page > 1 else None,
                      next_url=f"/corrections?page={page + 1}" if more else None)

    def target(request: Request, db: Session, kind: str, target_id: int) -> HTMLResponse:
        detail = corrections.target_detail(db, kind, target_id)
        if detail is None:
            raise HTTPException(404, f"no {kind} {target_id}")
        return render(request, "correct.html", d=detail, here=_target_page(kind, target_id),
                      quote=quote)

    @r.get("/statistics/{target_id}", response_class=HTMLResponse)
    def statistic(request: Request, db: Db, target_id: int) -> HTMLResponse:
        return target(request, db, "statistic", target_id)

    @r.get("/stances/{target_id}", response_class=HTMLResponse)
    def stance(request: Request, db: Db, target_id: int) -> HTMLResponse:
        return target(request, db, "stance", target_id)

    @r.get("/alerts/{target_id}", response_class=HTMLResponse)
    def alert(request: Request, db: Db, target_id: int) -> HTMLResponse:
        return target(request, db, "alert", target_id)

    return r


def api_router(web: Any) -> APIRouter:
    r = APIRouter(prefix="/api", tags=["api"])
    Db = Annotated[Session, Depends(web.session)]

    @r.get("/corrections")
    def list_corrections(db: Db, target_kind: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100,
                         offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
        """Corrections newest first: who, when, the target, the action and the fixed fields."""
        items, more = corrections.list_corrections(db, target_kind=target_kind, limit=limit, offset=offset)
        return {"items": items, "has_more": more, "next_offset": offset + len(items) if more else None}

    @r.post("/corrections", status_code=201)
    def add_correction(db: Db, body: Fix, request: Request) -> dict[str, Any]:
        """Store a correction (needs ``Authorization: Bearer $REMON_WEB_TOKEN``): the fields of
        ``storage.corrections.Fix`` as JSON (``target_kind`` alert, statistic or stance; ``action``
        wrong or fix)."""
        if not web.token_ok(request):
            configured = auth.configured_token(web.settings) is not None
            raise HTTPException(401 if configured else 403,
                                "writes need Authorization: Bearer <REMON_WEB_TOKEN>" if configured else auth.DISABLED)
        try:
            fields = dataclasses.asdict(body)
            fields["who"] = fields.get("who") or "api"
            row = corrections.record(db, fix_from_fields(fields))
            db.commit()
        except CorrectionError as exc:
            raise HTTPException(400, str(exc)) from exc
        return corrections.correction_json(row)

    return r
