"""Storing a feed's entries: one look-up for the whole feed, inserts only for what is new."""

from __future__ import annotations

from sqlmodel import func, select

from storage import queries
from storage.db import session_scope
from storage.models import Appearance, Article


def _insert(s, url: str, source_id: int | None):  # type: ignore[no-untyped-def]
    return queries.insert_article(s, url=url, source_id=source_id, title="t", summary=None, published_at=None,
                                  published_raw=None)


def test_known_entries_reports_stored_urls_and_this_sources_appearances(db_url: str) -> None:
    with session_scope(db_url) as s:
        a, _ = queries.add_source(s, url="http://a.example/feed")
        b, _ = queries.add_source(s, url="http://b.example/feed")
        one, created = _insert(s, "http://x.example/1", a.id)
        assert created
        # a syndicated copy's appearance on the original does not count as the original URL's appearance
        queries.add_appearance(s, article_id=one.id or 0, source_id=b.id, url="http://copy.example/1")
    with session_scope(db_url) as s:
        urls = ["http://x.example/1", "http://x.example/2", "http://x.example/1"]
        assert queries.known_entries(s, urls=urls, source_id=a.id) == {"http://x.example/1": (one.id, True)}
        assert queries.known_entries(s, urls=urls, source_id=b.id) == {"http://x.example/1": (one.id, False)}
        assert queries.known_entries(s, urls=[], source_id=a.id) == {}


def test_known_entries_handles_feeds_longer_than_one_batch(db_url: str) -> None:
    with session_scope(db_url) as s:
        a, _ = queries.add_source(s, url="http://a.example/feed")
        for k in range(0, 1200, 2):
            _insert(s, f"http://x.example/{k}", a.id)
    with session_scope(db_url) as s:
        known = queries.known_entries(s, urls=[f"http://x.example/{k}" for k in range(1200)], source_id=a.id)
    assert sorted(known) == sorted(f"http://x.example/{k}" for k in range(0, 1200, 2))
    assert all(appeared for _, appeared in known.values())


def test_insert_article_of_a_url_stored_meanwhile_falls_back_to_upsert(db_url: str) -> None:
    with session_scope(db_url) as s:
        a, _ = queries.add_source(s, url="http://a.example/feed")
        b, _ = queries.add_source(s, url="http://b.example/feed")
        first, created1 = _insert(s, "http://x.example/1", a.id)
        again, created2 = _insert(s, "http://x.example/1", b.id)  # another worker won the race
        assert created1 and not created2 and first.id == again.id
    with session_scope(db_url) as s:
        assert s.exec(select(func.count()).select_from(Article)).one() == 1
        assert s.exec(select(func.count()).select_from(Appearance)).one() == 2
