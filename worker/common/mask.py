"""Mask secrets in notification URLs so they can be logged, stored and shown.

Apprise URLs keep secrets in many places: the user-info (``mailto://user:pw@host``), the path
(``json://host/hook/TOKEN``), the query (``?pass=…&token=…``) and sometimes the host itself
(``tgram://BOTTOKEN/CHAT``, ``discord://WEBHOOK_ID/TOKEN``). ``mask_url`` keeps only what a user
needs to tell channels apart; ``mask_text`` scrubs every secret piece (raw or percent-decoded)
out of free text such as apprise's log lines and exception messages.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

_SECRET_NAME = r"(?:pass|pw|password|token|key|secret|apikey|api_key|auth|sig|webhook|user|bot)"  # noqa: S105 - names, not a password
_SECRET_QUERY = re.compile(rf"(?i)((?:{_SECRET_NAME})[^=&]*=)[^&]*")
_SECRET_KEY = re.compile(rf"(?i){_SECRET_NAME}")
_MIN_PIECE = 6


def _is_hostname(host: str) -> bool:
    """A real host (dotted name, localhost or IP) is safe to show; anything else may be a token."""
    if host == "localhost" or ("." in host and re.fullmatch(r"[A-Za-z0-9.-]+", host)):
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _netloc_host(netloc: str) -> str:
    return netloc.rpartition("@")[2]


def mask_url(url: str) -> str:
    """``mailto://user:pw@host:25?pass=x`` → ``mailto://***@host:25?pass=***``; tokens hidden."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    hostport = _netloc_host(parts.netloc)
    host, _, port = hostport.rpartition(":") if re.search(r":\d+$", hostport) else (hostport, "", "")
    shown = (host + (f":{port}" if port else "")) if _is_hostname(host) else "***"
    netloc = f"***@{shown}" if "@" in parts.netloc else shown
    path = "/***" if parts.path not in ("", "/") else parts.path
    query = _SECRET_QUERY.sub(r"\1***", parts.query)
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def secret_pieces(url: str) -> list[str]:
    """The pieces of a URL that must never be shown, raw and percent-decoded, longest first."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return [url]
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    pieces = [password, *parts.path.strip("/").split("/")]
    if len(user) >= 8:  # short user names are common words ("remon", "admin")
        pieces.append(user)
    host = re.sub(r":\d+$", "", hostport)
    if not _is_hostname(host):
        pieces += [hostport, *hostport.split(":")]
    pieces += [v for k, v in parse_qsl(parts.query, keep_blank_values=False) if _SECRET_KEY.search(k)]
    out: set[str] = set()
    for piece in pieces:
        for form in (piece, unquote(piece)):
            if form and len(form) >= _MIN_PIECE and not (len(form) < 12 and form.isdigit()):
                out.add(form)
    return sorted(out, key=len, reverse=True)


def mask_text(text: str, secrets: list[str]) -> str:
    """Replace every occurrence of a configured secret URL (and its secret pieces) in text."""
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, mask_url(secret))
        for piece in secret_pieces(secret):
            text = text.replace(piece, "***")
    return text
