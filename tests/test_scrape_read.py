"""The analysis step's reading rules (``worker.scrape.read``): the page from its fetch, or the feed's text."""

from __future__ import annotations

import pytest

from worker.scrape.read import FALLBACK_MIN_CHARS, fallback_page, page_from_fetch, visible_page
from worker.types import FeedEntry, FetchResult, Page

STORY = ("Beijing tightened export controls on gallium and germanium on Monday, the commerce ministry said. "
         * 6)


@pytest.mark.parametrize(("summary", "stands_in"), [
    (None, False), ("", False), ("x" * FALLBACK_MIN_CHARS, False), ("x" * (FALLBACK_MIN_CHARS + 1), True),
])
def test_the_feed_text_stands_in_only_when_long_enough(summary: str | None, stands_in: bool) -> None:
    page = fallback_page(FeedEntry(url="https://wire.example/a", title="T\u202e", summary=summary))
    assert (page is not None) is stands_in
    if page is not None:
        assert page.title == "T" and page.text.startswith("x")  # cleaned of invisible controls


def test_the_page_is_read_at_its_canonical_url_and_cleaned() -> None:
    html = (f'<html><head><title>Curbs</title><link rel="canonical" href="https://wire.example/story">'
            f"</head><body><article><h1>Curbs</h1><p>{STORY}\u200b</p></article></body></html>").encode()
    page = page_from_fetch(FetchResult(url="https://wire.example/story?utm_source=x", status=200,
                                       headers={"content-type": "text/html; charset=utf-8"}, content=html),
                           FeedEntry(url="https://wire.example/story"))
    assert page.url == "https://wire.example/story" and "gallium" in page.text and "\u200b" not in page.text


def test_visible_page_strips_controls_from_title_and_text() -> None:
    page = visible_page(Page(url="u", title="a\x00b", text="c\u202ed"))
    assert (page.title, page.text) == ("ab", "cd")
