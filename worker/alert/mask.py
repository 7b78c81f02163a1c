"""Mask secrets in notification URLs so they can be logged, stored and shown."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_SECRET_QUERY = re.compile(r"(?i)((?:pass|password|token|key|secret|apikey|api_key|auth|sig)[^=&]*=)[^&]*")


def mask_url(url: str) -> str:
    """``mailto://user:pw@host`` → ``mailto://***@host``; path tokens and secret params hidden.

    Apprise URLs keep tokens in the user-info, the path (``tgram://BOTTOKEN/CHAT``) or the
    query; we keep only the scheme and host, which is what a user needs to tell channels apart.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"***@{host}" if parts.username or parts.password else host
    path = "/***" if parts.path not in ("", "/") else parts.path
    query = _SECRET_QUERY.sub(r"\1***", parts.query)
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def mask_text(text: str, secrets: list[str]) -> str:
    """Replace every occurrence of a configured secret (and its userinfo/path pieces) in text."""
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, mask_url(secret))
        try:
            parts = urlsplit(secret)
        except ValueError:
            continue
        pieces = [parts.password, *parts.path.strip("/").split("/")]
        if parts.username and len(parts.username) >= 8:  # short user names are common words
            pieces.append(parts.username)
        for piece in pieces:
            if piece and len(piece) >= 6:
                text = text.replace(piece, "***")
    return text
