"""Feed bytes (RSS 0.9x/1.0/2.0, Atom, RDF, JSON Feed) into entries.

feedparser does the parsing, but never the fetching: its own HTTP has no timeout and no size
cap, so our client (``worker.fetch``) fetches and we hand feedparser a byte stream plus the
response headers (for the charset and the base URL of relative links). A malformed feed still
yields whatever feedparser recovers; what was wrong goes into ``ParsedFeed.problem`` so the
source can show it, instead of failing the whole poll.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from worker.common.clean import visible_or_none
from worker.common.dates import from_struct, parse_date
from worker.errors import SourceError
from worker.types import FeedEntry, ParsedFeed

# Entries read from one document. Real feeds list tens of items; a feed of 100,000 would
# otherwise store 100,000 pending articles in one poll (minutes of writes, then a flood of fetches).
MAX_ENTRIES = 1000


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return visible_or_none(value)
    return None


def absolute_http_url(link: str | None, base: str) -> str | None:
    """``link`` resolved against ``base`` if it is an http(s) URL; None for mailto:, javascript:, ..."""
    if not link or not link.strip():
        return None
    try:
        joined = urljoin(base, link.strip())
        parts = urlsplit(joined)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return joined


def _entry_url(entry: Mapping[str, Any], base: str) -> str | None:
    candidates: list[Any] = [entry.get("link")]
    for link in entry.get("links") or ():
        if isinstance(link, Mapping) and link.get("rel", "alternate") == "alternate":
            candidates.append(link.get("href"))
    if entry.get("guidislink") or str(entry.get("id", "")).startswith(("http://", "https://")):
        candidates.append(entry.get("id"))
    for candidate in candidates:
        url = absolute_http_url(_text(candidate), base)
        if url:
            return url
    return None


def _content(entry: Mapping[str, Any]) -> str | None:
    parts = [c.get("value") for c in entry.get("content") or () if isinstance(c, Mapping)]
    joined = "\n".join(p for p in parts if isinstance(p, str) and p.strip())
    return visible_or_none(joined)


def _entry(entry: Mapping[str, Any], base: str) -> FeedEntry | None:
    url = _entry_url(entry, base)
    if url is None:
        return None
    # dict.get, not FeedParserDict.get: the latter aliases updated→published with a warning.
    raw = dict(entry)
    published_raw = _text(raw.get("published")) or _text(raw.get("updated")) or _text(raw.get("created"))
    published = (from_struct(raw.get("published_parsed")) or from_struct(raw.get("updated_parsed"))
                 or from_struct(raw.get("created_parsed")) or parse_date(published_raw))
    return FeedEntry(
        url=url,
        title=_text(entry.get("title")),
        published=published,
        published_raw=published_raw,
        summary=_text(entry.get("summary")),
        content=_content(entry),
        guid=_text(entry.get("id")),
    )


def _ttl_seconds(feed: Mapping[str, Any]) -> int | None:
    raw = _text(feed.get("ttl"))
    if raw is None or not raw.isdigit():
        return None
    return int(raw) * 60  # RSS <ttl> is in minutes


def capped(entries: list[FeedEntry], problem: str | None) -> tuple[tuple[FeedEntry, ...], str | None]:
    """The first ``MAX_ENTRIES`` entries (feeds list the newest first), and why the rest were dropped."""
    if len(entries) <= MAX_ENTRIES:
        return tuple(entries), problem
    note = f"the document lists {len(entries):,} items; only the first {MAX_ENTRIES:,} are read"
    return tuple(entries[:MAX_ENTRIES]), f"{problem}; {note}" if problem else note


def _problem(exc: BaseException | None) -> str:
    reason = str(exc).strip() if exc is not None else ""
    return f"the feed is malformed: {reason or type(exc).__name__}"


def _json_feed(content: bytes, base: str) -> ParsedFeed | None:
    """A JSON Feed (jsonfeed.org 1.0/1.1), which feedparser 6.0 does not read; None if not one."""
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return None
    try:
        data = json.loads(head.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        return None
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    items = data.get("items")
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict):
            continue
        link = absolute_http_url(_text(item.get("url")) or _text(item.get("external_url")), base)
        if link is None or link in seen:
            continue
        seen.add(link)
        raw_date = _text(item.get("date_published")) or _text(item.get("date_modified"))
        entries.append(FeedEntry(
            url=link, title=_text(item.get("title")), published=parse_date(raw_date), published_raw=raw_date,
            summary=_text(item.get("summary")),
            content=_text(item.get("content_html")) or _text(item.get("content_text")),
            guid=_text(str(item["id"])) if item.get("id") is not None else None,
        ))
    kept, problem = capped(entries, None)
    return ParsedFeed(entries=kept, title=_text(data.get("title")), problem=problem)


def parse_feed(content: bytes, *, headers: Mapping[str, str] | None, url: str) -> ParsedFeed:
    """Entries of a feed document; raise ``SourceError(code="source.not_a_feed")`` for non-feeds.

    ``url`` is where the bytes came from (after redirects): relative links resolve against the
    ``Content-Location`` header if any, else against it.
    """
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    location = response_headers.get("content-location")
    base = urljoin(url, location) if location else url
    response_headers["content-location"] = base
    response_headers.pop("content-encoding", None)  # the body is already decoded
    json_feed = _json_feed(content, base)
    if json_feed is not None:
        return json_feed
    try:
        parsed = feedparser.parse(io.BytesIO(content), response_headers=response_headers,
                                  resolve_relative_uris=True, sanitize_html=True)
    except Exception as exc:  # feedparser promises not to raise; a bug must not kill the poll
        raise SourceError(f"the feed parser failed: {exc}", code="source.parse_error", resource=url) from exc
    feed = parsed.get("feed") or {}
    raw_entries = parsed.get("entries") or []
    bozo = bool(parsed.get("bozo"))
    if not parsed.get("version") and not raw_entries and not feed.get("title"):
        looks_html = b"<html" in content[:2048].lower()
        what = "an HTML page" if looks_html else "no RSS, Atom, RDF or JSON feed"
        detail = f" ({_problem(parsed.get('bozo_exception'))})" if bozo else ""
        raise SourceError(f"the document at this URL is {what}, not a feed{detail}",
                          code="source.not_a_feed", resource=url)
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for raw in raw_entries:
        entry = _entry(raw, base)
        if entry is not None and entry.url not in seen:
            seen.add(entry.url)
            entries.append(entry)
    kept, problem = capped(entries, _problem(parsed.get("bozo_exception")) if bozo else None)
    return ParsedFeed(entries=kept, title=_text(feed.get("title")), ttl_seconds=_ttl_seconds(feed),
                      problem=problem)
