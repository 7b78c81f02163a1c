"""Page → article text and metadata: trafilatura first, then JSON-LD, then the feed's own text."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import trafilatura
from bs4 import BeautifulSoup

from worker.errors import ScrapeError
from worker.types import FeedEntry, Page

MIN_TEXT = 80


def _parse_date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _json_ld_body(html: str) -> str | None:
    for match in re.finditer(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", html, re.S | re.I):
        try:
            data = json.loads(match.group(1))
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get("articleBody"), str):
                return str(item["articleBody"])
    return None


def page_from_entry(entry: FeedEntry) -> Page:
    """The feed's own content as the article, when the page cannot be read."""
    text = BeautifulSoup(entry.content or entry.summary or "", "html.parser").get_text(" ", strip=True)
    if len(text) < MIN_TEXT:
        raise ScrapeError("neither the page nor the feed entry carries article text",
                          code="scrape.empty_text", resource=entry.url)
    return Page(url=entry.url, title=entry.title, text=text, published=entry.published,
                published_raw=entry.published_raw, extractor="feed")


def extract_page(html: str, *, url: str, entry: FeedEntry | None = None) -> Page:
    """The article in ``html``; raises ScrapeError(scrape.empty_text) when nothing usable is there."""
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=True, favor_precision=True)
    text = (getattr(doc, "text", None) or "").strip() if doc else ""
    title = getattr(doc, "title", None) if doc else None
    raw_date = getattr(doc, "date", None) if doc else None
    extractor = "trafilatura"
    if len(text) < MIN_TEXT:
        body = _json_ld_body(html)
        if body and len(body) >= MIN_TEXT:
            text, extractor = body.strip(), "json-ld"
    if len(text) < MIN_TEXT and entry is not None:
        fallback = page_from_entry(entry)
        text, extractor = fallback.text, "feed"
    if not text:
        raise ScrapeError("no article text found on the page", code="scrape.empty_text", resource=url)
    return Page(url=url, title=title or (entry.title if entry else None), text=text,
                published=(entry.published if entry and entry.published else _parse_date(raw_date)),
                published_raw=(entry.published_raw if entry and entry.published_raw else raw_date),
                language=getattr(doc, "language", None) if doc else None,
                author=getattr(doc, "author", None) if doc else None, extractor=extractor)
