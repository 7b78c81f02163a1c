"""An article's page from what its fetch gave, or from its feed entry when the page cannot be had.

The decisions of the analysis step's reading, kept pure so the step (``tasks.steps``) only fetches and
stores: the page read at its canonical URL and cleaned of invisible controls, and the fallback rule
(a feed entry whose own text is long enough stands in for a page that could not be fetched).
"""

from __future__ import annotations

from dataclasses import replace

from worker.common.clean import visible, visible_or_none
from worker.fetch.decode import decode_html
from worker.scrape.article import extract_page, page_from_entry
from worker.scrape.canonical import canonical_url
from worker.types import FeedEntry, FetchResult, Page

FALLBACK_MIN_CHARS = 200  # a feed's text shorter than this is a teaser, not the article


def visible_page(page: Page) -> Page:
    """The page without invisible controls (NUL, bidi overrides, zero-width) in its title and text."""
    return replace(page, title=visible_or_none(page.title), text=visible(page.text))


def page_from_fetch(result: FetchResult, entry: FeedEntry) -> Page:
    """The article read from its fetched page (trafilatura), at the page's canonical URL."""
    html, _encoding = decode_html(result.content, result.headers.get("content-type"))
    return visible_page(extract_page(html, url=canonical_url(result.url, html), entry=entry))


def fallback_page(entry: FeedEntry) -> Page | None:
    """The feed's own content as the article when the page could not be fetched; None when it is too short
    to stand in for it (the fetch error then stands)."""
    if entry.summary and len(entry.summary) > FALLBACK_MIN_CHARS:
        return visible_page(page_from_entry(entry))
    return None
