"""Article text and metadata, canonical URLs, listing pages, search feeds, the default list."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from worker.config import Selectors, SourceSpec
from worker.errors import ScrapeError, SourceError
from worker.scrape.article import extract_page, page_from_entry
from worker.scrape.canonical import canonical_url, clean_url
from worker.sources.defaults import load_default_sources
from worker.sources.listing import parse_listing
from worker.sources.search import search_feed_url, unwrap_redirect
from worker.types import FeedEntry


@pytest.fixture
def articles(shared: Path) -> Path:
    """The dev timeline's article pages in ../shared."""
    return shared / "eval" / "timeline-dev" / "articles"


PARAGRAPH = ("China's commerce ministry said on Thursday that exports of seven medium and heavy rare earth "
             "elements, including samarium, gadolinium, terbium and dysprosium, will require licences. ")


# ----------------------------------------------------------------------------- article


def test_timeline_article_extracted_without_boilerplate(articles: Path) -> None:
    html = (articles / "01-p009.html").read_text(encoding="utf-8")
    page = extract_page(html, url="https://dailynews.example/articles/01-p009.html")
    assert page.extractor == "trafilatura"
    assert page.title and page.title.startswith("Separating and Refining Rare Earths")
    assert "Approximately 70-90% of rare earth mining" in page.text
    assert "Subscribe from $1" not in page.text and "Shipping rates rise" not in page.text
    assert "\n" in page.text  # paragraphs kept
    assert page.published == datetime(2025, 4, 1, 8, 0, tzinfo=UTC)
    assert page.published_raw == "2025-04-01T08:00:00Z"
    assert page.language == "en"


def test_chinese_article_language_and_text(articles: Path) -> None:
    html = (articles / "05-p081.html").read_text(encoding="utf-8")
    page = extract_page(html, url="https://example.hk/05")
    assert page.language is not None and page.language.startswith("zh")
    assert "鎵、鍺" in page.text


def test_json_ld_fallback_when_the_page_has_no_text() -> None:
    body = PARAGRAPH * 5
    html = ("<html><head><title>Export licences</title><script type='application/ld+json'>"
            + json.dumps({"@context": "https://schema.org", "@graph": [
                {"@type": "NewsArticle", "headline": "Export licences", "articleBody": body,
                 "datePublished": "2025-04-04T10:00:00+08:00"}]})
            + "</script></head><body><div id='app'></div></body></html>")
    page = extract_page(html, url="https://spa.example/a")
    assert page.extractor == "json-ld"
    assert page.text.startswith("China's commerce ministry")
    assert page.published_raw == "2025-04-04T10:00:00+08:00"
    assert page.published == datetime(2025, 4, 4, 2, 0, tzinfo=UTC)


def test_feed_content_fallback_and_entry_metadata() -> None:
    entry = FeedEntry(url="https://paywall.example/a", title="Licences required",
                      published=datetime(2025, 4, 4, tzinfo=UTC),
                      published_raw="Fri, 04 Apr 2025 00:00:00 GMT",
                      content="<p>" + PARAGRAPH * 4 + "</p><p>Second paragraph.</p>", summary="short")
    html = "<html><body><p>Subscribe to read.</p></body></html>"
    page = extract_page(html, url=entry.url, entry=entry)
    assert page.extractor == "feed-content"
    assert page.title == "Licences required"
    assert page.published_raw == "Fri, 04 Apr 2025 00:00:00 GMT"
    assert page.text.endswith("Second paragraph.")
    summary_only = FeedEntry(url=entry.url, summary=PARAGRAPH * 4)
    assert extract_page(html, url=entry.url, entry=summary_only).extractor == "feed-summary"
    assert page_from_entry(entry).extractor == "feed-content"


def test_too_little_text_still_returns_the_best_and_nothing_raises() -> None:
    page = extract_page("<html><body><article><p>China curbs gallium exports.</p></article></body></html>",
                        url="https://x.example/short")
    assert "gallium" in page.text
    for html in ["", "<html></html>", "<html><body><script>var a=1;</script></body></html>", "\x00\x01"]:
        with pytest.raises(ScrapeError) as info:
            extract_page(html, url="https://x.example/empty")
        assert info.value.code == "scrape.empty_text"
    with pytest.raises(ScrapeError):
        page_from_entry(FeedEntry(url="https://x.example/e"))


# ----------------------------------------------------------------------------- canonical


@pytest.mark.parametrize(("url", "expected"), [
    ("https://Example.COM/a?utm_source=rss&utm_medium=feed&id=7#comments", "https://example.com/a?id=7"),
    ("HTTP://example.com:80/a?fbclid=x&gclid=y", "http://example.com/a"),
    ("https://example.com:443", "https://example.com/"),
    ("https://example.com:8443/a?b=2&a=1", "https://example.com:8443/a?b=2&a=1"),  # order kept
    ("https://news.example/p?spm=a.b.c&mc_cid=1&x=", "https://news.example/p?x="),
    ("https://news.example/p?q=%E7%A8%80%E5%9C%9F", "https://news.example/p?q=%E7%A8%80%E5%9C%9F"),
])
def test_clean_url(url: str, expected: str) -> None:
    assert clean_url(url) == expected


def test_canonical_link_honoured_and_resolved(articles: Path) -> None:
    html = (articles / "01-p009.html").read_text(encoding="utf-8")  # rel=canonical is relative
    assert canonical_url("https://dailynews.example/x/y?utm_source=a", html) == \
        "https://dailynews.example/articles/01-p009.html"
    tagged = '<link rel="canonical" href="https://a.example/story?utm_campaign=x#top">'
    assert canonical_url("https://b.example/copy", tagged) == "https://a.example/story"
    home = '<link rel="canonical" href="https://a.example/">'
    assert canonical_url("https://a.example/story/1", home) == "https://a.example/story/1"
    assert canonical_url("https://a.example/s", '<link rel="canonical" href="javascript:x">') == \
        "https://a.example/s"
    assert canonical_url("https://a.example/s?utm_source=x", None) == "https://a.example/s"


# ----------------------------------------------------------------------------- listing


MOFCOM_LIKE = """<html><head><title>新闻发布</title><base href="http://www.mofcom.gov.cn/xwfb/"></head><body>
<ul class="txtList">
 <li><a href="art/2025/art_1.html" title="商务部公告2025年第18号">商务部 海关总署公告2025年第18号</a>
     <span>2025-04-04</span></li>
 <li><a href="/article/b/c/202504/20250403.shtml">关于对部分中重稀土相关物项实施出口管制的决定</a>
     <span>2025年04月03日</span></li>
 <li><a href="javascript:void(0)">下一页</a></li>
 <li><a href="art/2025/art_1.html">duplicate</a></li>
</ul></body></html>"""


def test_listing_page_with_selectors() -> None:
    parsed = parse_listing(MOFCOM_LIKE, url="http://www.mofcom.gov.cn/xwfb/index.html",
                           selectors=Selectors(item="ul.txtList li", link="a", date="span"))
    assert [e.url for e in parsed.entries] == [
        "http://www.mofcom.gov.cn/xwfb/art/2025/art_1.html",
        "http://www.mofcom.gov.cn/article/b/c/202504/20250403.shtml",
    ]
    first, second = parsed.entries
    assert first.title == "商务部 海关总署公告2025年第18号" and first.published_raw == "2025-04-04"
    assert first.published == datetime(2025, 4, 4, tzinfo=UTC)
    assert second.published == datetime(2025, 4, 3, tzinfo=UTC)
    assert parsed.title == "新闻发布"


def test_listing_item_that_is_the_link_and_separate_title() -> None:
    html = ("<div class='n'><a class='t' href='/a1'><b>Headline one</b><time datetime='2025-05-01T09:00:00Z'>"
            "May 1</time></a></div><div class='n'><a class='t' href='/a2'><b>Headline two</b></a></div>")
    parsed = parse_listing(html, url="https://gov.example/list",
                           selectors=Selectors(item="a.t", link="a", title="b", date="time"))
    assert [(e.url, e.title) for e in parsed.entries] == [("https://gov.example/a1", "Headline one"),
                                                          ("https://gov.example/a2", "Headline two")]
    assert parsed.entries[0].published == datetime(2025, 5, 1, 9, tzinfo=UTC)


def test_listing_errors_have_codes() -> None:
    with pytest.raises(SourceError) as info:
        parse_listing(MOFCOM_LIKE, url="https://x/", selectors=Selectors(item="table.gone tr"))
    assert info.value.code == "source.listing_empty"
    with pytest.raises(SourceError) as info:
        parse_listing(MOFCOM_LIKE, url="https://x/", selectors=Selectors(item="ul[[["))
    assert info.value.code == "source.bad_selector"


# ----------------------------------------------------------------------------- search


def test_search_feed_urls() -> None:
    assert search_feed_url("rare earth export controls", "en", None) == (
        "https://news.google.com/rss/search?q=rare+earth+export+controls&hl=en-US&gl=US&ceid=US%3Aen")
    zh = search_feed_url("稀土 出口管制", "zh", "google_news")
    assert zh.startswith("https://news.google.com/rss/search?q=%E7%A8%80%E5%9C%9F+%E5%87%BA%E5%8F%A3")
    assert "hl=zh-CN" in zh and "ceid=CN%3Azh-Hans" in zh
    assert "hl=zh-TW" in search_feed_url("稀土", "zh-Hant", None)
    bing = search_feed_url("rare earth", "en", "bing_news")
    assert bing == "https://www.bing.com/news/search?q=rare+earth&format=rss&mkt=en-US"
    with pytest.raises(SourceError) as info:
        search_feed_url("x", "en", "altavista")
    assert info.value.code == "source.bad_engine"
    with pytest.raises(SourceError):
        search_feed_url("  ", "en", None)


@pytest.mark.parametrize(("wrapped", "publisher"), [
    ("http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1&url=https%3a%2f%2fwww.reuters.com%2fmarkets%2fa"
     "&c=123&mkt=en-us", "https://www.reuters.com/markets/a"),
    ("https://www.google.com/url?rct=j&sa=t&url=https://www.scmp.com/news/china/x&ct=ga", "https://www.scmp.com/news/china/x"),
    ("https://www.google.com/url?q=https%3A%2F%2Fexample.cn%2Fa%3Fid%3D1&sa=U", "https://example.cn/a?id=1"),
    ("https://t.example/r?u=https%3A%2F%2Fr.example%2F%3Furl%3Dhttps%253A%252F%252Ffinal.example%252Fp",
     "https://final.example/p"),
    ("https://www.reuters.com/world/china/plain-article/", "https://www.reuters.com/world/china/plain-article/"),
    ("https://example.com/search?q=rare+earth", "https://example.com/search?q=rare+earth"),
])
def test_unwrap_redirect(wrapped: str, publisher: str) -> None:
    assert unwrap_redirect(wrapped) == publisher


def test_unwrap_old_style_google_news_id() -> None:
    import base64

    token = base64.urlsafe_b64encode(b"\x08\x13\x22\x2bhttps://www.ft.com/content/abc-123\xd2\x01\x00").decode()
    assert unwrap_redirect(f"https://news.google.com/rss/articles/{token.rstrip('=')}?oc=5") == \
        "https://www.ft.com/content/abc-123"
    assert unwrap_redirect("https://news.google.com/rss/articles/CBMiopaque?oc=5").startswith("https://news.google")


# ----------------------------------------------------------------------------- defaults


def test_default_sources_are_valid_and_cover_both_languages() -> None:
    sources = load_default_sources()
    specs = [SourceSpec.model_validate(s) for s in sources]
    assert 10 <= len(specs) <= 16
    langs = {(s.lang or "").split("-")[0] for s in specs}
    assert {"en", "zh"} <= langs
    assert {s.kind for s in specs} == {"feed", "html", "search"}
    for spec in specs:
        assert spec.name
        if spec.kind == "search":
            assert spec.query and search_feed_url(spec.query, spec.lang or "en", spec.engine)
        else:
            assert spec.url and spec.url.startswith(("http://", "https://"))
        if spec.kind == "html":
            assert spec.selectors is not None
    text = (Path(__file__).resolve().parents[1] / "worker" / "sources" / "defaults.yaml").read_text("utf-8")
    assert text.count("- name:") == len(specs)
