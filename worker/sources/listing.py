"""HTML listing pages (sites without feeds, such as ministry announcement lists) into entries.

Which elements are items, links, titles and dates is data in the watch file (``Selectors``),
not code: when a ministry redesigns its page, a user fixes four CSS selectors. A selector that
matches nothing raises ``source.listing_empty`` so the redesign shows up as a failing source
instead of a silent, empty one.
"""

from __future__ import annotations

from urllib.parse import urljoin

import soupsieve
from bs4 import BeautifulSoup, Tag
from soupsieve import SelectorSyntaxError

from worker.common.clean import visible_or_none
from worker.common.dates import parse_date
from worker.config import Selectors
from worker.errors import SourceError
from worker.sources.feeds import absolute_http_url, capped
from worker.types import FeedEntry, ParsedFeed


def _one(item: Tag, selector: str | None) -> Tag | None:
    if not selector:
        return None
    found = item.select_one(selector)
    if found is None and soupsieve.match(selector, item):
        return item  # the item itself is the link / title / date element
    return found


def _date_raw(node: Tag | None) -> str | None:
    if node is None:
        return None
    for attr in ("datetime", "content", "title"):
        value = node.get(attr)
        if isinstance(value, str) and value.strip():
            return value.strip()
    text = node.get_text(" ", strip=True)
    return text or None


def parse_listing(html: str, *, url: str, selectors: Selectors) -> ParsedFeed:
    """Entries of a listing page; links resolve against ``<base href>`` or ``url``."""
    soup = BeautifulSoup(html, "lxml")
    base_tag = soup.find("base", href=True)
    base = urljoin(url, str(base_tag["href"])) if isinstance(base_tag, Tag) else url
    title_tag = soup.find("title")
    try:
        items = soup.select(selectors.item)
    except SelectorSyntaxError as exc:
        raise SourceError(f"the item selector {selectors.item!r} is not valid CSS: {exc}",
                          code="source.bad_selector", resource=url) from exc
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for item in items:
        try:
            link = _one(item, selectors.link)
            title_node = _one(item, selectors.title) if selectors.title else link
            date_node = _one(item, selectors.date)
        except SelectorSyntaxError as exc:
            raise SourceError(f"a selector of this listing is not valid CSS: {exc}",
                              code="source.bad_selector", resource=url) from exc
        href = link.get("href") if link is not None else None
        entry_url = absolute_http_url(href if isinstance(href, str) else None, base)
        if entry_url is None or entry_url in seen:
            continue
        seen.add(entry_url)
        raw_date = _date_raw(date_node)
        title = visible_or_none(title_node.get_text(" ", strip=True)) if title_node is not None else None
        entries.append(FeedEntry(url=entry_url, title=title, published=parse_date(raw_date),
                                 published_raw=raw_date))
    if not entries:
        raise SourceError(
            f"the selectors matched no linked items (item={selectors.item!r}, link={selectors.link!r}); "
            "the page layout may have changed", code="source.listing_empty", resource=url)
    page_title = title_tag.get_text(strip=True) if title_tag is not None else None
    kept, problem = capped(entries, None)
    return ParsedFeed(entries=kept, title=page_title or None, problem=problem)
