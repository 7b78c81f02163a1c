"""Search feeds: a query and a language into a news-search RSS URL, and back to publishers' URLs.

News search engines publish results as RSS, which lets one query ("rare earth export controls",
"稀土 出口管制") watch every outlet at once. Their item links often wrap the publisher's URL in
a redirect (``bing.com/news/apiclick.aspx?url=...``, ``google.com/url?q=...``); we unwrap those
so the article is fetched from, deduplicated by and attributed to its publisher.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import parse_qs, quote_plus, urlsplit

from worker.errors import SourceError

DEFAULT_ENGINE = "google_news"
# hl / gl / ceid per language: Google News needs all three to pick an edition.
_GOOGLE_EDITIONS = {
    "en": ("en-US", "US", "US:en"),
    "zh": ("zh-CN", "CN", "CN:zh-Hans"),
    "zh-hans": ("zh-CN", "CN", "CN:zh-Hans"),
    "zh-cn": ("zh-CN", "CN", "CN:zh-Hans"),
    "zh-hant": ("zh-TW", "TW", "TW:zh-Hant"),
    "zh-tw": ("zh-TW", "TW", "TW:zh-Hant"),
    "zh-hk": ("zh-HK", "HK", "HK:zh-Hant"),
    "ja": ("ja", "JP", "JP:ja"),
}
_BING_MARKETS = {"en": "en-US", "zh": "zh-CN", "zh-hans": "zh-CN", "zh-cn": "zh-CN", "zh-hant": "zh-TW",
                 "zh-tw": "zh-TW", "zh-hk": "zh-HK", "ja": "ja-JP"}
ENGINES = ("google_news", "bing_news")
_WRAPPING_PARAMS = ("url", "u", "q", "target", "dest", "destination", "redirect", "redirect_url", "r", "link")
_URL_IN_BYTES = re.compile(rb"https?://[\x21-\x7e]+")


def search_feed_url(query: str, lang: str, engine: str | None = None) -> str:
    """The RSS URL of a news search for ``query`` in ``lang`` (``en``, ``zh``, ``zh-Hant``, ...)."""
    if not query.strip():
        raise SourceError("a search source needs a non-empty query", code="source.bad_query")
    engine = (engine or DEFAULT_ENGINE).lower()
    key = (lang or "en").lower()
    q = quote_plus(query.strip())
    if engine == "google_news":
        edition = _GOOGLE_EDITIONS.get(key) or _GOOGLE_EDITIONS.get(key.split("-")[0])
        hl, gl, ceid = edition or _GOOGLE_EDITIONS["en"]
        return f"https://news.google.com/rss/search?q={q}&hl={hl}&gl={gl}&ceid={quote_plus(ceid)}"
    if engine == "bing_news":
        market = _BING_MARKETS.get(key) or _BING_MARKETS.get(key.split("-")[0], "en-US")
        return f"https://www.bing.com/news/search?q={q}&format=rss&mkt={market}"
    raise SourceError(f"unknown search engine {engine!r}; use one of {', '.join(ENGINES)}",
                      code="source.bad_engine")


def _google_article_id(url: str) -> str | None:
    """The publisher URL inside an old-style Google News article id (base64 protobuf), if present.

    Newer ids are opaque and only Google can resolve them; those links are left as they are.
    """
    parts = urlsplit(url)
    if not parts.netloc.endswith("news.google.com") or "/articles/" not in parts.path:
        return None
    token = parts.path.rsplit("/", 1)[-1]
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    match = _URL_IN_BYTES.search(raw)
    if not match:
        return None
    try:
        return match.group(0).decode("ascii")
    except UnicodeDecodeError:
        return None


def unwrap_redirect(url: str) -> str:
    """The publisher URL a search result wraps (query-parameter redirects, old Google News ids).

    Returns ``url`` unchanged when nothing is wrapped. Follows nested wrappers a few levels deep.
    """
    current = url
    for _ in range(4):
        try:
            parts = urlsplit(current)
        except ValueError:
            return current
        params = parse_qs(parts.query, keep_blank_values=False)
        inner: str | None = None
        for name in _WRAPPING_PARAMS:
            for value in params.get(name, ()):
                if value.lower().startswith(("http://", "https://")):
                    inner = value
                    break
            if inner:
                break
        inner = inner or _google_article_id(current)
        if not inner or inner == current:
            return current
        current = inner
    return current
