"""Who may write through the review app's forms: a login with ``REMON_WEB_TOKEN``, a signed session
cookie and CSRF checks on every form POST.

Why this shape: the pages carry no script (strict CSP), so the browser's own mechanisms do the work.

- ``POST /login`` with the token sets ``remon_session``: ``<issued>.<random id>.<HMAC>``, signed
  with the token (a new token ends every session), ``HttpOnly``, ``SameSite=Strict``, ``Secure``
  behind https, valid ``SESSION_HOURS``. Nothing is stored server-side.
- Every write form carries a hidden ``csrf`` field, an HMAC of the session id: a page on another
  origin cannot read it, so cannot forge it.
- Every POST must also come from our own origin (``Origin``, else ``Referer``; the app sends
  ``Referrer-Policy: same-origin`` so that the browser sends a real Origin on our own forms).
- No token configured: no session can exist and every write is refused with a message naming
  ``REMON_WEB_TOKEN``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from fastapi.responses import Response

from worker.config import Settings

COOKIE = "remon_session"
SESSION_HOURS = 12
DISABLED = "writes are disabled: set REMON_WEB_TOKEN to enable them"


def configured_token(settings: Settings | None) -> str | None:
    if settings is None or settings.web_token is None:
        return None
    return settings.web_token.get_secret_value() or None


def _sign(token: str, purpose: str, value: str) -> str:
    return hmac.new(token.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def token_matches(settings: Settings | None, given: str) -> bool:
    token = configured_token(settings)
    return bool(token) and hmac.compare_digest(given.encode(), (token or "").encode())


def new_session(settings: Settings | None) -> str:
    """A fresh signed session cookie value (call only after ``token_matches``)."""
    token = configured_token(settings)
    if not token:
        raise HTTPException(403, DISABLED)
    sid = f"{int(time.time())}.{secrets.token_urlsafe(18)}"
    return f"{sid}.{_sign(token, 'session', sid)}"


def session_id(request: Request, settings: Settings | None) -> str | None:
    """The request's session id when its cookie is ours, unexpired and signed with today's token."""
    token = configured_token(settings)
    raw = request.cookies.get(COOKIE, "")
    if not token or raw.count(".") != 2:
        return None
    issued, rand, sig = raw.split(".")
    sid = f"{issued}.{rand}"
    if not hmac.compare_digest(sig.encode(), _sign(token, "session", sid).encode()):
        return None
    if not issued.isdigit() or time.time() - int(issued) > SESSION_HOURS * 3600:
        return None
    return sid


def csrf_token(request: Request, settings: Settings | None) -> str:
    """The hidden ``csrf`` value of this session's forms ("" without a session)."""
    sid = session_id(request, settings)
    token = configured_token(settings)
    return _sign(token, "csrf", sid) if sid and token else ""


def set_session(response: Response, request: Request, value: str) -> None:
    response.set_cookie(COOKIE, value, max_age=SESSION_HOURS * 3600, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def clear_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")


def _origins(request: Request, settings: Settings | None) -> set[str]:
    """Our own origins: the one the browser used (Host header) and the configured ``base_url``."""
    own = {f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"}
    if settings is not None and settings.base_url:
        parts = urlsplit(settings.base_url)
        if parts.scheme and parts.netloc:
            own.add(f"{parts.scheme}://{parts.netloc}")
    return own


def same_origin(request: Request, settings: Settings | None) -> bool:
    """The POST comes from one of our pages: its ``Origin`` is ours, or (no Origin) its ``Referer``."""
    own = _origins(request, settings)
    origin = request.headers.get("origin")
    if origin is not None:
        return origin in own
    referer = request.headers.get("referer")
    return referer is not None and any(referer == o or referer.startswith(o + "/") for o in own)


def check_write(request: Request, settings: Settings | None, csrf: str | None) -> None:
    """Refuse a form write (HTTPException with the reason) unless it is allowed, from our own origin,
    by a logged-in session, with that session's CSRF token."""
    if not configured_token(settings):
        raise HTTPException(403, DISABLED)
    if not same_origin(request, settings):
        raise HTTPException(403, "write refused: the form was not posted from this site (Origin/Referer)")
    if session_id(request, settings) is None:
        raise HTTPException(401, "write refused: log in first (/login)")
    expected = csrf_token(request, settings)
    if not csrf or not hmac.compare_digest(csrf.encode(), expected.encode()):
        raise HTTPException(403, "write refused: the form's CSRF token is missing or wrong; reload the page")


def local_path(target: str | None, default: str = "/") -> str:
    """A redirect target that stays on this site (a path, never ``//host`` or a URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
