"""Canonical URLs: one story, one key, whatever tracking parameters were appended."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|ref_src|spm)$", re.I)
_CANONICAL = re.compile(r"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>", re.I)
_HREF = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.I)


def canonical_url(url: str, html: str | None = None) -> str:
    """Drop tracking parameters and the fragment, lowercase the host; honour rel=canonical."""
    if html:
        tag = _CANONICAL.search(html[:200_000])
        href = _HREF.search(tag.group(0)) if tag else None
        if href:
            candidate = urljoin(url, href.group(1).strip())
            if urlsplit(candidate).scheme in ("http", "https"):
                url = candidate
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)])
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))
