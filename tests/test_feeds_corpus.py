# ruff: noqa: F811  (the http_server fixture is imported, then requested by name)
"""Every feed of the shared corpora, served over loopback, through ``fetch`` then ``parse_feed``.

Acceptance 1 of issue 3: no unhandled exception on any of ~2,100 files, and every file's outcome
(entries kept, or a stable error code) matches the golden table in
``tests/golden/feed_corpus_outcomes.json``. Regenerate it after a deliberate change with
``REMON_REGEN_GOLDEN=1 pytest tests/test_feeds_corpus.py`` and review the diff.
"""

from __future__ import annotations

import collections
import json
import os
import re
from pathlib import Path

import pytest

from tests.httpserver import Canned, TestServer, http_server  # noqa: F401
from worker.errors import RemonError
from worker.fetch.client import FetchOptions, fetch
from worker.sources.feeds import parse_feed

GOLDEN = Path(__file__).parent / "golden" / "feed_corpus_outcomes.json"
NOT_FEEDS = {"LICENSE", "LOCAL_NOTES.md", "README.upstream.rst", "UPSTREAM_COMMIT", "SOURCES.md",
             "LICENSE-MIT"}
_HEADER = re.compile(rb"^Header:\s*([A-Za-z-]+):[ \t]*(.*?)\s*$", re.MULTILINE)
# Entries per real feed, from real-feeds/SOURCES.md (le-cercle-psy has one item with an empty link).
REAL_COUNTS = {
    "miniflux/encoding_ISO-8859-1.xml": 40, "miniflux/no_encoding_ISO-8859-1.xml": 9,
    "miniflux/encoding_WINDOWS-1251.xml": 50, "miniflux/rdf_UTF8.xml": 60, "miniflux/urdu_UTF8.xml": 26,
    "miniflux/large_rss.xml": 25, "miniflux/large_atom.xml": 25, "miniflux/small_atom.xml": 20,
    "feed-rs/rss_2.0_nbcny.xml": 1, "feed-rs/rss_2.0_ilgiornale.xml": 1,
    "feed-rs/rss_2.0_ilmessaggero.xml": 1,
    "feed-rs/rss_2.0_wirecutter.xml": 1, "feed-rs/rss_2.0_cloudflare.xml": 1,
    "feed-rs/atom_mediarss_reddit_1.xml": 25, "feed-rs/rss_1.0_biorxiv.xml": 1,
}


def corpus(datasets: Path) -> list[Path]:
    """Every feed file of the two corpora under ``../shared/datasets``."""
    roots = (datasets / "feedparser-fixtures", datasets / "real-feeds")
    return [p for root in roots for p in sorted(root.rglob("*")) if p.is_file() and p.name not in NOT_FEEDS]


def fixture_headers(path: Path, body: bytes) -> dict[str, str]:
    """The simulated HTTP headers a fixture declares in its ``Header:`` comment lines."""
    headers = {m.group(1).decode(): m.group(2).decode("latin-1") for m in _HEADER.finditer(body[:4000])}
    if not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/json" if path.suffix == ".json" else "application/xml"
    return headers


def outcome(url: str) -> str:
    try:
        result = fetch(url, options=FetchOptions(allow_private=True))
        parsed = parse_feed(result.content, headers=result.headers, url=result.url)
    except RemonError as exc:
        return exc.code
    for entry in parsed.entries:
        assert entry.url.startswith(("http://", "https://")), entry.url
        assert entry.published is None or entry.published.utcoffset() is not None
    return f"entries:{len(parsed.entries)}" + (":problem" if parsed.problem else "")


@pytest.mark.slow
def test_every_corpus_feed_has_its_expected_outcome(http_server: TestServer, shared: Path) -> None:
    datasets = shared / "datasets"
    files = corpus(datasets)
    assert len(files) > 2000
    got: dict[str, str] = {}
    for i, path in enumerate(files):
        body = path.read_bytes()
        url = http_server.add(f"/{i}/{path.name}", Canned(headers=fixture_headers(path, body), body=body))
        got[path.relative_to(datasets).as_posix()] = outcome(url)  # any other exception fails the test

    summary = collections.Counter(v.split(":")[0] if v.startswith("entries") else v for v in got.values())
    with_entries = sum(1 for v in got.values() if v.startswith("entries") and not v.startswith("entries:0"))
    problems = sum(1 for v in got.values() if v.endswith(":problem"))
    print(f"\nfeed corpus: {len(got)} files; {with_entries} with entries, "
          f"{summary['entries'] - with_entries} parsed without linked entries, {problems} malformed "
          f"but recovered; errors: {dict((k, n) for k, n in summary.items() if k != 'entries')}")

    for name, count in REAL_COUNTS.items():
        assert got[f"real-feeds/{name}"].split(":")[:2] == ["entries", str(count)], name
    if os.environ.get("REMON_REGEN_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        table = json.dumps(got, indent=0, sort_keys=True, ensure_ascii=False)
        GOLDEN.write_text(table + "\n", encoding="utf-8")
        pytest.skip("golden outcomes regenerated")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    diff = {k: (expected.get(k), v) for k, v in got.items() if expected.get(k) != v}
    missing = sorted(set(expected) - set(got))
    assert not diff and not missing, (f"{len(diff)} outcomes changed, e.g. {list(diff.items())[:10]}; "
                                      f"missing {missing[:5]}")


# ----------------------------------------------------------------------------- parse_feed details


def test_rss_entries_ttl_dates_and_relative_links() -> None:
    feed = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>MOFCOM</title>
    <ttl>30</ttl>
    <item><title>Announcement 18</title><link>/a/18.html</link><guid isPermaLink="false">g18</guid>
      <pubDate>Fri, 04 Apr 2025 10:00:00 +0800</pubDate>
      <description>&lt;p&gt;Seven rare earths&lt;/p&gt;</description>
      <content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">
        <![CDATA[<p>Full text</p>]]></content:encoded>
    </item>
    <item><title>no link</title></item>
    <item><title>mail</title><link>mailto:press@example.com</link></item>
    </channel></rss>"""
    parsed = parse_feed(feed, headers={"Content-Type": "application/rss+xml"}, url="https://gov.example/feed.xml")
    assert parsed.title == "MOFCOM" and parsed.ttl_seconds == 1800 and parsed.problem is None
    [entry] = parsed.entries
    assert entry.url == "https://gov.example/a/18.html"
    assert entry.guid == "g18" and entry.title == "Announcement 18"
    assert entry.published_raw == "Fri, 04 Apr 2025 10:00:00 +0800"
    assert entry.published is not None and entry.published.isoformat() == "2025-04-04T02:00:00+00:00"
    assert entry.summary == "<p>Seven rare earths</p>" and entry.content == "<p>Full text</p>"


def test_malformed_feed_recovers_entries_and_records_problem() -> None:
    feed = b"""<rss version="2.0"><channel><title>Broken & co</title>
    <item><title>One</title><link>https://n.example/1</link></item>
    <item><title>Two</title><link>https://n.example/2</link></item></channel>"""
    parsed = parse_feed(feed, headers=None, url="https://n.example/rss")
    assert [e.url for e in parsed.entries] == ["https://n.example/1", "https://n.example/2"]
    assert parsed.problem and parsed.problem.startswith("the feed is malformed")


def test_atom_rdf_and_json_feed() -> None:
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
      <entry><title>x</title><link rel="alternate" href="https://a.example/x"/><id>urn:1</id>
      <updated>2025-04-01T08:00:00Z</updated><summary>s</summary></entry></feed>"""
    [entry] = parse_feed(atom, headers=None, url="https://a.example/atom").entries
    assert entry.url == "https://a.example/x" and entry.published_raw == "2025-04-01T08:00:00Z"
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
      <channel rdf:about="https://r.example/"><title>R</title></channel>
      <item rdf:about="https://r.example/1"><title>one</title><link>https://r.example/1</link></item></rdf:RDF>"""
    assert [e.url for e in parse_feed(rdf, headers=None, url="https://r.example/rdf").entries] == [
        "https://r.example/1"]
    jf = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
        {"id": 1, "url": "/p/1", "title": "稀土", "content_html": "<p>x</p>",
         "date_published": "2025-04-01T08:00:00Z"},
        {"id": 2, "content_text": "no url"}]}).encode()
    parsed = parse_feed(jf, headers={"content-type": "application/feed+json"}, url="https://j.example/feed.json")
    assert parsed.title == "J"
    [entry] = parsed.entries
    assert entry.url == "https://j.example/p/1" and entry.guid == "1" and entry.content == "<p>x</p>"


@pytest.mark.parametrize("body", [b"", b"<html><head><title>Home</title></head><body><p>hi</p></body></html>",
                                  b"\x89PNG\r\n\x1a\n\x00\x00", b"{\"not\": \"a feed\"}", b"plain text"])
def test_not_a_feed(body: bytes) -> None:
    from worker.errors import SourceError

    with pytest.raises(SourceError) as info:
        parse_feed(body, headers={"content-type": "text/html"}, url="https://x.example/")
    assert info.value.code == "source.not_a_feed"


def test_feedparser_never_fetches(http_server: TestServer) -> None:
    # a "feed" that is just a URL must be treated as content, never fetched by feedparser
    rss = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
    url = http_server.add("/trap", Canned(body=rss))
    from worker.errors import SourceError

    with pytest.raises(SourceError):
        parse_feed(url.encode(), headers=None, url="https://x.example/")
    assert http_server.seen == []
