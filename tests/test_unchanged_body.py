# ruff: noqa: F811  (the http_server fixture is imported, then requested by name)
"""A source that serves the same bytes again is not parsed again; new bytes or new options are."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import delete, func, select

from storage import queries
from storage.db import migrate, session_scope
from storage.models import Appearance, Article, Source
from tasks.runtime import build_runtime
from tasks.steps import refresh_source
from tests.httpserver import Canned, TestServer, http_server  # noqa: F401
from worker.config import load_settings

FEED = ("<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><ttl>120</ttl>"
        "<item><title>Rare earth export controls</title><link>http://news.example/a</link></item>"
        "</channel></rss>{pad}")


def _articles(db_url: str) -> int:
    with session_scope(db_url) as s:
        return int(s.exec(select(func.count()).select_from(Article)).one())


def _forget_articles(db_url: str) -> None:
    """As retention would: the rows go, the feed stays the same."""
    with session_scope(db_url) as s:
        s.exec(delete(Appearance))  # type: ignore[call-overload]
        s.exec(delete(Article))  # type: ignore[call-overload]


def test_the_same_body_is_skipped_and_a_changed_one_parsed(http_server: TestServer, tmp_path: Path) -> None:
    rt = build_runtime(load_settings(data_dir=tmp_path, allow_private_networks=True))
    migrate(rt.db_url)
    canned = Canned(headers={"content-type": "application/rss+xml"}, body=FEED.format(pad="").encode())
    url = http_server.add("/feed.xml", canned)  # no ETag, no Last-Modified: every poll is a 200
    with session_scope(rt.db_url) as s:
        source, _ = queries.add_source(s, url=url)
        source_id = source.id or 0

    assert len(refresh_source(rt, source_id).new_article_ids) == 1
    with session_scope(rt.db_url) as s:
        row = s.get(Source, source_id)
        assert row is not None and row.body_hash and len(row.body_hash) == 64 and row.feed_ttl == 7200
        first_hash = row.body_hash

    _forget_articles(rt.db_url)
    again = refresh_source(rt, source_id)  # the same bytes: not parsed, nothing stored
    assert again.new_article_ids == () and again.error_code is None and _articles(rt.db_url) == 0
    with session_scope(rt.db_url) as s:
        row = s.get(Source, source_id)
        assert row is not None and row.body_hash == first_hash and row.feed_ttl == 7200  # <ttl> is in minutes
        assert row.last_success_at is not None and row.error_count == 0

    canned.body = FEED.format(pad="\n").encode()  # one byte more: parsed again
    assert len(refresh_source(rt, source_id).new_article_ids) == 1 and _articles(rt.db_url) == 1

    _forget_articles(rt.db_url)
    with session_scope(rt.db_url) as s:  # the same bytes read with other options are parsed again
        row = s.get(Source, source_id)
        assert row is not None
        row.options = {"note": "changed"}
        s.add(row)
    assert len(refresh_source(rt, source_id).new_article_ids) == 1
