# ruff: noqa: F811  (the http_server fixture is imported, then requested by name)
"""Issue 8, hostile input: fuzzing and hand-made pathological documents.

* Property-based fuzzing (hypothesis) of the feed parser, the page decoder and text extractor,
  and the analysis: no exception but the stage's own typed error escapes, and every input
  finishes within a bound.
* Hand-made cases pushed through the real task path (``tasks.steps.refresh_source`` /
  ``process_article``, a local HTTP server, a real database on SQLite and PostgreSQL): each ends
  as stored data or as a stored, readable reason, never as a crash.

Each test adds its rows to docs/reliability.md through the ``record`` fixture.
"""

from __future__ import annotations

import math
import string
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from storage import queries
from storage.db import session_scope
from storage.models import Article, Source, Statistic
from tasks import steps
from tasks.runtime import Runtime, build_runtime
from tests.httpserver import Canned, TestServer, http_server  # noqa: F401
from tests.servers import rss
from worker.config import load_settings
from worker.errors import ScrapeError, SourceError
from worker.extract.analyze import analyze
from worker.extract.text import detect_language, split_sentences
from worker.fetch.decode import decode_html
from worker.scrape.article import extract_page, html_to_text
from worker.sources.feeds import MAX_ENTRIES, parse_feed

FUZZ = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BOUND = 5.0  # seconds any one fuzzed input (a few KB) may take, on a loaded 2-CPU machine
BIDI_AND_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"


class Timer:
    """Counts the inputs a property ran and the slowest one."""

    def __init__(self) -> None:
        self.n = 0  # examples (inputs) run
        self.calls = 0
        self.slowest = 0.0

    def example(self) -> None:
        self.n += 1

    def __call__(self, fn: Callable[[], Any]) -> Any:
        start = time.monotonic()
        try:
            return fn()
        finally:
            took = time.monotonic() - start
            self.calls += 1
            self.slowest = max(self.slowest, took)
            assert took < BOUND, f"one input took {took:.1f} s"


# ----------------------------------------------------------------------------- strategies

WORDS = ["China", "rare earths", "export controls", "gallium", "germanium", "the ministry said", "United States",
         "supplies", "of refined", "licence", "稀土", "出口管制", "中国", "镓", "商务部", "表示", "占全球", "百分之",
         "Beijing", "EU", "tightened", "eased", "according to", "tonnes", "billion", "US$", "per cent"]
NUMBERS = ["92%", "1e308%", "NaN%", "inf%", "-0%", "99.999999999%", "１２％", "7成", "三分之一", "1/3", "½",
           "1,000,000,000,000 tonnes", "$1e9", "0x1F%", "9" * 60 + "%", "10^6", "١٢٣%", "5–7%", "from 20% to 200%"]
ODD = ["\x00", "\ufffd", "\u202e", "\u200b", "\ufeff", "&amp;", "&#0;", "&#x110000;", "<", ">", "]]>", "\r\n", "\t",
       "\U0001f600", "\ud7ff", "e\u0301", "ﬁ", "。", "．", "；", "…"]

token = st.one_of(st.sampled_from(WORDS), st.sampled_from(NUMBERS), st.sampled_from(ODD),
                  st.text(max_size=12))
prose = st.lists(token, max_size=60).map(" ".join)
xml_text = prose.map(lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace("\x00", ""))
url_like = st.one_of(st.just("https://news.example/a"), st.sampled_from(
    ["/relative", "javascript:alert(1)", "mailto:x@y", "http://", "//evil.example/x", "http://[::1", "http://a b/",
     "https://例子.测试/新闻", "http://127.0.0.1:0/", "file:///etc/passwd", ""]), st.text(max_size=30))
date_like = st.one_of(st.sampled_from(["Mon, 03 Apr 2023 01:02:03 GMT", "2025-13-45T99:99:99Z", "yesterday",
                                       "0000-00-00", "9999-12-31T23:59:59+14:00", "2025年6月1日", ""]),
                      st.text(max_size=20))


@st.composite
def feed_documents(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["rss", "atom", "json", "bytes", "mangled"]))
    if kind == "bytes":
        return draw(st.binary(max_size=3000))
    items = draw(st.lists(st.tuples(xml_text, url_like, date_like, xml_text), max_size=8))
    if kind == "json":
        import json

        body = {"version": draw(st.sampled_from(["https://jsonfeed.org/version/1.1", "1", ""])),
                "title": draw(prose),
                "items": [{"title": t, "url": u, "date_published": d, "content_html": c} for t, u, d, c in items]
                + draw(st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=3))}
        return json.dumps(body).encode()
    esc = [tuple(x.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;") for x in it) for it in items]
    if kind == "atom":
        doc = ("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>t</title>"
               + "".join(f"<entry><title>{t}</title><link href=\"{u}\"/><updated>{d}</updated>"
                         f"<content type='html'>{c}</content></entry>" for t, u, d, c in esc) + "</feed>")
    else:
        doc = ("<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
               + "".join(f"<item><title>{t}</title><link>{u}</link><pubDate>{d}</pubDate>"
                         f"<description>{c}</description></item>" for t, u, d, c in esc) + "</channel></rss>")
    data = doc.encode(draw(st.sampled_from(["utf-8", "utf-16", "gb18030"])), errors="replace")
    if kind == "mangled" and data:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=20)) + data[cut:]
    return data


TAGS = ["div", "p", "span", "article", "main", "script", "style", "table", "tr", "td", "a", "br", "h1", "li",
        "ul", "iframe", "svg", "math", "template", "noscript", "title", "meta", "time", "html", "body", "head"]


def html_tree() -> st.SearchStrategy[str]:
    leaf = prose.map(lambda t: t.replace("<", "&lt;"))

    def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.tuples(st.sampled_from(TAGS), st.sampled_from(["", " class='x'", " lang='zh'", " style='",
                                                                  " href='javascript:1'", " datetime='2025-01-01'"]),
                         st.lists(children, max_size=4), st.booleans()).map(
            lambda t: f"<{t[0]}{t[1]}>{''.join(t[2])}" + (f"</{t[0]}>" if t[3] else ""))

    return st.recursive(leaf, extend, max_leaves=30)


html_docs = st.one_of(html_tree(), st.text(max_size=2000),
                      st.tuples(html_tree(), st.sampled_from(["<!DOCTYPE html>", "<?xml version='1.0'?>", "",
                                                              "<script type='application/ld+json'>{\"articleBody\":",
                                                              "<meta charset='x-unknown'>", "\ufeff"])).map(
                          lambda t: t[1] + t[0]))
content_types = st.one_of(st.none(), st.sampled_from(
    ["text/html", "text/html; charset=utf-8", "text/html; charset=gbk", "text/html; charset=x-klingon",
     "text/html; charset=utf-16", "text/html; charset=base64", "text/html; charset=\"", "application/xml"]))


# ----------------------------------------------------------------------------- fuzzing


def test_fuzz_feed_parsing(record: Callable[..., None]) -> None:
    timer = Timer()

    @FUZZ
    @given(feed_documents(), st.sampled_from([None, {"content-type": "application/rss+xml; charset=latin1"},
                                               {"content-type": "text/html"}, {"content-location": "::/"}]))
    def check(doc: bytes, headers: dict[str, str] | None) -> None:
        timer.example()
        try:
            parsed = timer(lambda: parse_feed(doc, headers=headers, url="https://news.example/feed"))
        except SourceError as exc:
            assert exc.code.startswith("source.") and exc.message
            return
        for entry in parsed.entries:
            assert entry.url.startswith(("http://", "https://"))
        assert len(parsed.entries) <= MAX_ENTRIES

    check()
    record("hostile input", "hypothesis: random bytes, RSS, Atom and JSON feeds with fuzzed titles, links, dates "
           "and contents, mangled and in UTF-16/GB18030, through parse_feed", timer.n,
           f"no exception but SourceError escaped; every entry URL is http(s); slowest {timer.slowest:.2f} s "
           f"(bound {BOUND:g} s)")


def test_fuzz_page_decode_and_text(record: Callable[..., None]) -> None:
    timer = Timer()

    @FUZZ
    @given(st.one_of(html_docs.map(lambda s: s.encode("utf-8", "surrogatepass")), st.binary(max_size=3000),
                     html_docs.map(lambda s: s.encode("gb18030", "replace"))), content_types)
    def check(body: bytes, ctype: str | None) -> None:
        timer.example()
        text, codec = timer(lambda: decode_html(body, ctype))
        assert isinstance(text, str) and codec
        try:
            page = timer(lambda: extract_page(text, url="https://news.example/a"))
        except ScrapeError as exc:
            assert exc.code == "scrape.empty_text"
        else:
            assert page.text.strip()
        assert isinstance(timer(lambda: html_to_text(text)), str)

    check()
    record("hostile input", "hypothesis: random bytes and random HTML trees (unclosed tags, scripts, odd charsets, "
           "BOMs, broken JSON-LD) through decode_html, extract_page and html_to_text", timer.n,
           f"decode never raised; extraction gave text or ScrapeError(scrape.empty_text); slowest "
           f"{timer.slowest:.2f} s (bound {BOUND:g} s)")


def test_fuzz_analysis(record: Callable[..., None]) -> None:
    timer = Timer()

    @FUZZ
    @given(prose, st.one_of(st.none(), prose), st.sampled_from([None, "en", "zh-Hans", "zh-Hant", "xx"]))
    def check(text: str, title: str | None, language: str | None) -> None:
        timer.example()
        result = timer(lambda: analyze(text, title=title, language=language, relevance_min=0.0))
        for stat in result.statistics:
            assert math.isfinite(stat.value) and abs(stat.value) < 1e15, stat
            assert 0 <= stat.start <= stat.end <= len(text)
        timer(lambda: split_sentences(text))
        assert timer(lambda: detect_language(text))

    check()
    record("hostile input", "hypothesis: word salad of topic words, odd numbers (1e308%, NaN%, inf%, 60 nines, "
           "full-width and Arabic digits), NUL, bidi and zero-width characters, through analyze (all extractors "
           "forced on)", timer.n,
           f"no exception; every statistic finite and below 1e15 with its span inside the text; slowest "
           f"{timer.slowest:.2f} s (bound {BOUND:g} s)")


# ----------------------------------------------------------------------------- the real task path


@dataclass
class Pipeline:
    rt: Runtime
    server: TestServer
    n: int = 0

    def refresh(self, body: bytes, ctype: str = "application/rss+xml") -> tuple[Source, list[Article], float]:
        """Serve ``body`` as a feed, run ``refresh_source``; the source row, its articles and the seconds."""
        self.n += 1
        url = self.server.add(f"/feed/{self.n}.xml", Canned(headers={"Content-Type": ctype}, body=body))
        with session_scope(self.rt.db_url) as session:
            source_id = queries.add_source(session, url=url)[0].id
        assert source_id is not None
        start = time.monotonic()
        result = steps.refresh_source(self.rt, source_id)  # any exception fails the test
        took = time.monotonic() - start
        with session_scope(self.rt.db_url) as session:
            source = session.get(Source, source_id)
            assert source is not None
            articles = list(session.exec(select(Article).where(col(Article.id).in_(result.new_article_ids))))
        return source, articles, took

    def article(self, page: bytes, ctype: str = "text/html", *, title: str = "A page") -> tuple[Article, float]:
        """Serve ``page`` behind a one-item feed, run both steps; the article row and the seconds taken."""
        self.n += 1
        link = self.server.add(f"/page/{self.n}.html", Canned(headers={"Content-Type": ctype}, body=page))
        _, articles, _ = self.refresh(rss([{"title": title, "link": link}]))
        assert len(articles) == 1
        article_id = articles[0].id
        assert article_id is not None
        start = time.monotonic()
        steps.process_article(self.rt, article_id)  # any exception fails the test
        took = time.monotonic() - start
        with session_scope(self.rt.db_url) as session:
            row = session.get(Article, article_id)
            assert row is not None
            return row, took

    def statistics(self, article_id: int | None) -> list[Statistic]:
        with session_scope(self.rt.db_url) as session:
            return list(session.exec(select(Statistic).where(Statistic.article_id == article_id)))


@pytest.fixture
def pipeline(db_url: str, http_server: TestServer, tmp_path: Path) -> Iterator[Pipeline]:
    settings_ = load_settings(data_dir=tmp_path, database_url=db_url, allow_private_networks=True, notify_urls="")
    yield Pipeline(rt=build_runtime(settings_), server=http_server)


def settled(article: Article) -> None:
    """Stored data or a stored, readable reason: never left 'processing', never an empty failure."""
    assert article.status in ("analysed", "irrelevant", "duplicate", "failed"), article.status
    if article.status == "failed":
        assert article.error_code and article.error_message and len(article.error_message) > 20
    else:
        assert article.text


def db_name(pipeline: Pipeline) -> str:
    return "PostgreSQL" if pipeline.rt.db_url.startswith("postgres") else "SQLite"


def story(i: int) -> str:
    """A distinct relevant story (so near-duplicate detection keeps each case apart), stating 92%."""
    import random

    rng = random.Random(i)
    words = ["harbour", "quota", "smelter", "customs", "permit", "tariff", "shipment", "audit", "ledger", "magnet",
             "turbine", "battery", "warehouse", "freight", "broker", "council", "exporter", "refinery"]
    filler = " ".join(rng.choice(words) + str(rng.randint(0, 999)) for _ in range(80))
    return f"{ARTICLE} {filler}."


ARTICLE = ("China supplies 92% of the world's refined rare earths, officials said on Monday, as the Ministry of "
           "Commerce imposed new export controls on seven heavy rare earth elements. Analysts expect the export "
           "control measures on rare earths to stay in place for months, according to trade data.")

NUL_ARTICLE = story(4).replace(" the ", " the\x00 ")

LAUGHS = ("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
          + "".join(f"<!ENTITY lol{i} '{('&lol' + (str(i - 1) if i > 1 else '') + ';') * 10}'>" for i in range(1, 10))
          + "]><rss version='2.0'><channel><title>&lol9;</title><item><title>&lol9;</title>"
          "<link>https://news.example/1</link></item></channel></rss>").encode()


def quadratic_blowup() -> bytes:
    big = "A" * 100_000
    return (f"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a '{big}'>]><rss version='2.0'><channel><title>t</title>"
            f"<item><title>{'&a;' * 2000}</title><link>https://news.example/2</link></item></channel></rss>").encode()


def test_entity_expansion_and_external_entities_in_feeds(pipeline: Pipeline, record: Callable[..., None]) -> None:
    secret = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "localhost"
    xxe = (b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/hostname'>]><rss version='2.0'>"
           b"<channel><title>t</title><item><title>leak &x; here</title><link>https://news.example/3</link>"
           b"<description>&x;</description></item></channel></rss>")
    outcomes = []
    for name, body in (("billion laughs", LAUGHS), ("quadratic blowup", quadratic_blowup()), ("XXE", xxe)):
        source, articles, took = pipeline.refresh(body)
        assert took < 10, (name, took)
        assert source.last_checked_at is not None
        titles = [a.title or "" for a in articles]
        assert all(len(t) < 10_000 for t in titles), (name, [len(t) for t in titles])
        if name == "XXE":
            assert all(secret not in (a.title or "") + (a.feed_summary or "") for a in articles)
        longest = max(map(len, titles), default=0)
        complaint = f" ({source.problem[:60]})" if source.problem else ""
        outcomes.append(f"{name}: {took:.2f} s, {len(articles)} item(s), longest title {longest:,} chars, "
                        f"{source.error_code or 'ok'}{complaint}")
    record("hostile input", f"billion-laughs, quadratic-blowup and external-entity (file://) feeds through "
           f"refresh_source ({db_name(pipeline)})", 3,
           "no expansion, no file read, stored with the parser's complaint: " + "; ".join(outcomes))


@pytest.mark.slow
def test_a_feed_with_100000_items(http_server: TestServer, tmp_path: Path, record: Callable[..., None]) -> None:
    from storage.db import migrate

    rt = build_runtime(load_settings(data_dir=tmp_path, allow_private_networks=True, notify_urls=""))
    migrate(rt.db_url)
    pipeline = Pipeline(rt=rt, server=http_server)
    items = "".join(f"<item><title>Item {i}</title><link>https://news.example/{i}</link></item>"
                    for i in range(100_000))
    body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()
    source, articles, took = pipeline.refresh(body)
    assert len(articles) == MAX_ENTRIES and took < 60
    assert source.error_code is None and source.problem and "100,000 items" in source.problem
    record("hostile input", f"a feed with 100,000 items ({len(body) / 1e6:.1f} MB) through refresh_source", 1,
           f"the first {MAX_ENTRIES:,} stored as articles, the rest noted on the source ('{source.problem}'); "
           f"{took:.0f} s")


def test_pathological_pages_through_process_article(pipeline: Pipeline, record: Callable[..., None]) -> None:
    filler = ("Shipping agents in the harbour reported slower customs checks and longer queues at the border. " * 120)
    one_mb = (ARTICLE + " " + filler) * (1_000_000 // (len(ARTICLE) + len(filler)) + 1)
    cases: list[tuple[str, bytes, str, str]] = [
        ("a 1 MB single-line page", f"<html><body><p>{one_mb[:1_000_000]}</p></body></html>".encode(), "text/html",
         "Rare earth curbs"),
        ("HTML nested 100,000 levels deep", ("<div>" * 100_000 + story(2) + "</div>" * 100_000).encode(), "text/html",
         "Deep"),
        ("invalid UTF-8 declared as UTF-8", f"<html><body><article><p>{story(3)}</p><p>\xff\xfe caf\xc3\x28 "
         f"</p></article></body></html>".encode("latin-1"), "text/html; charset=utf-8", "Bad bytes"),
        ("NUL bytes in the page and the title", f"<html><head><title>NUL\x00title</title></head><body><article>"
         f"<p>{NUL_ARTICLE}</p></article></body></html>".encode(), "text/html",
         "NUL \x00 in the feed title"),
        ("zero-width and bidi characters in the title", f"<html><head><title>Rare\u200b earths \u202eslortnoc"
         f"</title></head><body><article><p>{story(5)}</p></article></body></html>".encode(), "text/html",
         "Ex\u200bport \u202egnol\u202c controls \u2066x\u2069 \ufeff"),
        ("numbers 1e308%, NaN%, inf% and 300 nines", f"<html><body><article><p>{story(6)} China supplies 1e308% of "
         f"gallium, NaN% of germanium and inf% of antimony, and {'9' * 300}% of graphite under the export "
         "controls, the ministry said.</p></article></body></html>".encode(), "text/html", "Odd numbers"),
        ("a page in an unknown charset (x-klingon)", f"<html><head><meta charset='x-klingon'></head><body><article>"
         f"<p>{story(7)} 中国商务部表示将对稀土实施出口管制。</p></article></body></html>".encode(),
         "text/html; charset=x-klingon", "Unknown charset"),
        ("a page in GB18030 declared as UTF-8", f"<html><body><article><p>中国商务部表示，中国供应全球92%的精炼稀土，"
         f"并将对七种中重稀土实施出口管制。{story(8)}</p></article></body></html>".encode("gb18030"),
         "text/html; charset=utf-8", "Mislabelled"),
    ]
    outcomes = []
    for name, page, ctype, title in cases:
        article, took = pipeline.article(page, ctype, title=title)
        settled(article)
        assert took < 60, (name, took)
        for field in (article.title or "", article.text or ""):
            assert "\x00" not in field, name
            assert not set(field) & set(BIDI_AND_INVISIBLE[5:10] + BIDI_AND_INVISIBLE[11:15]), (name, field[:80])
        for stat in pipeline.statistics(article.id):
            assert math.isfinite(stat.value) and abs(stat.value) < 1e15, (name, stat.value)
        if name.startswith(("invalid", "NUL", "zero", "numbers", "a page in")):
            assert article.status == "analysed" and "92%" in (article.text or ""), (name, article.status)
        outcome = article.status if article.status != "failed" else f"failed {article.error_code}"
        outcomes.append(f"{name}: {outcome} in {took:.1f} s")
    record("hostile input", f"pathological pages through refresh_source + process_article on a local server "
           f"({db_name(pipeline)})", len(cases),
           "each stored as data or as a failure with a readable reason, no NUL or bidi control stored, every "
           "number finite: " + "; ".join(outcomes))


def test_invisible_characters_are_dropped_and_the_visible_text_kept(pipeline: Pipeline) -> None:
    page = (f"<html><body><article><p>{story(99)} Ex\u200bport con\u200dtrols on ga\u2060llium.</p></article>"
            "</body></html>").encode()
    _, articles, _ = pipeline.refresh(rss([{"title": "Ex\u200bport \u202econtrols\u202c: 稀土\u2066出口\u2069\ufeff",
                                           "link": pipeline.server.add("/inv.html", Canned(body=page))}]))
    assert [a.title for a in articles] == ["Export controls: 稀土出口"]
    steps.process_article(pipeline.rt, articles[0].id or 0)
    with session_scope(pipeline.rt.db_url) as session:
        article = session.get(Article, articles[0].id)
        assert article is not None and article.status == "analysed"
        assert "Export controls on gallium." in (article.text or "")
        assert "gallium" in article.matched_terms or "export controls" in " ".join(article.matched_terms).lower()


def test_printable_feed_titles_survive_unchanged(pipeline: Pipeline) -> None:
    title = "Rare earths: China's 92% share — 稀土出口管制 " + string.punctuation
    _, articles, _ = pipeline.refresh(rss([{"title": title, "link": "https://news.example/keep"}]))
    assert [a.title for a in articles] == [title]
