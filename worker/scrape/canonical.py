"""Canonical URLs: one story, one key, whatever tracking parameters were appended.

The same article reaches us as ``...?utm_source=rss``, ``...#comments``, ``HTTP://Example.COM/...``
and, from a search feed, through a redirect. Deduplication by URL needs one spelling: the page's
own ``<link rel="canonical">`` when it names an http(s) URL (resolved against the page URL), else
the URL with tracking parameters and the fragment dropped, scheme and host lower-cased, default
ports removed. Other query parameters are kept in order: on many sites (``?id=123``) they *are*
the article.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|gclsrc|dclid|msclkid|twclid|ttclid|li_fat_id|mc_cid|mc_eid|igshid|yclid|_ga|_gl"
    r"|_hsenc|_hsmi|mkt_tok|ref_src|ref_url|cmpid|ocid|icid|ncid|sr_share|spm|share_token|wt\.mc_id"
    r"|at_medium|at_campaign|at_custom\d*)$",
    re.IGNORECASE,
)
_CANONICAL_TAG = re.compile(r"<link\b[^>]*\brel\s*=\s*[\"']?[^\"'>]*\bcanonical\b[^>]*>", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_link(html: str, base: str) -> str | None:
    """The page's ``<link rel="canonical">`` resolved against ``base``, if it is an http(s) URL."""
    head = html[:300_000]
    if not _CANONICAL_TAG.search(head):
        return None
    soup = BeautifulSoup(head, "lxml")
    for link in soup.find_all("link", href=True):
        rel = link.get("rel")
        rels: list[str] = [str(r) for r in rel] if isinstance(rel, list) else str(rel or "").split()
        if "canonical" in (r.lower() for r in rels):
            href = str(link["href"]).strip()
            if not href:
                continue
            resolved = urljoin(base, href)
            target, page = urlsplit(resolved), urlsplit(base)
            if target.scheme not in ("http", "https") or not target.netloc:
                continue
            if target.path in ("", "/") and page.path not in ("", "/"):
                continue  # a template pointing every article at the home page: not a canonical
            return resolved
    return None


def clean_url(url: str) -> str:
    """The URL without tracking parameters and fragment; lower-case scheme/host, no default port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"[{host}]" if ":" in host else host
    if parts.username or parts.password:
        userinfo = parts.username or ""
        if parts.password:
            userinfo += f":{parts.password}"
        netloc = f"{userinfo}@{netloc}"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not TRACKING.match(k)]
    query = urlencode(kept) if kept != pairs else parts.query  # untouched queries keep their spelling
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def canonical_url(url: str, html: str | None = None) -> str:
    """The one URL an article is known by (see the module docstring)."""
    target = canonical_link(html, url) if html else None
    return clean_url(target or url)
