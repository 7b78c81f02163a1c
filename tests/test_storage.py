"""Storage: the same migrations on SQLite and PostgreSQL, idempotent writes, atomic claims."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import inspect
from sqlmodel import func, select

from storage import queries
from storage.db import get_engine, migrate, session_scope
from storage.models import Alert, Appearance, Article, Delivery, Source, utcnow


def test_migrations_create_every_table_and_rerun_cleanly(db_url: str) -> None:
    migrate(db_url)  # a second run is a no-op
    tables = set(inspect(get_engine(db_url)).get_table_names())
    assert {"sources", "articles", "appearances", "statistics", "stances", "claims", "alerts",
            "deliveries", "heartbeats", "alembic_version"} <= tables


def test_article_upsert_is_idempotent_and_counts_appearances(db_url: str) -> None:
    with session_scope(db_url) as s:
        a, _ = queries.add_source(s, url="http://a.example/feed")
        b, _ = queries.add_source(s, url="http://b.example/feed")
        first, created1 = queries.upsert_article(s, url="http://x.example/1", source_id=a.id, title="t",
                                                 summary=None, published_at=None, published_raw=None)
        again, created2 = queries.upsert_article(s, url="http://x.example/1", source_id=a.id, title="t",
                                                 summary=None, published_at=None, published_raw=None)
        queries.upsert_article(s, url="http://x.example/1", source_id=b.id, title="t", summary=None,
                               published_at=None, published_raw=None)
    assert created1 and not created2 and first.id == again.id
    with session_scope(db_url) as s:
        assert s.exec(select(func.count()).select_from(Article)).one() == 1
        # the same URL in two sources' feeds: two appearances, two sources carrying the story
        assert s.exec(select(func.count()).select_from(Appearance)).one() == 2
        queries.add_appearance(s, article_id=first.id or 0, source_id=b.id, url="http://copy.example/1")
        queries.add_appearance(s, article_id=first.id or 0, source_id=b.id, url="http://copy.example/1")
        assert s.exec(select(func.count()).select_from(Appearance)).one() == 3
        assert queries.appearance_count(s, article_id=first.id or 0) == 2


def test_alert_dedup_key_and_delivery_per_channel_are_unique(db_url: str) -> None:
    with session_scope(db_url) as s:
        alert = queries.insert_alert(s, alert=Alert(kind="new_statistic", dedup_key="k1", title="t", body="b"))
        assert alert is not None and alert.id
        assert queries.insert_alert(s, alert=Alert(kind="new_statistic", dedup_key="k1", title="t", body="b")) is None
        queries.add_delivery(s, alert_id=alert.id, channel_key="c1", channel="json://h", mode="immediate")
        queries.add_delivery(s, alert_id=alert.id, channel_key="c1", channel="json://h", mode="immediate")
    with session_scope(db_url) as s:
        assert s.exec(select(func.count()).select_from(Alert)).one() == 1
        assert s.exec(select(func.count()).select_from(Delivery)).one() == 1


def test_due_sources_are_claimed_once_by_concurrent_claimers(db_url: str) -> None:
    with session_scope(db_url) as s:
        for i in range(40):
            queries.add_source(s, url=f"http://s{i}.example/feed")

    def claim(_: int) -> list[int]:
        with session_scope(db_url) as s:
            return queries.claim_due_sources(s, now=utcnow() + timedelta(seconds=1), limit=15,
                                             lease=timedelta(minutes=5))

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(claim, range(6)))
    claimed = [i for r in results for i in r]
    assert len(claimed) == len(set(claimed)) == 40
    with session_scope(db_url) as s:
        assert all(src.next_check_at > utcnow() for src in s.exec(select(Source)).all())


def test_a_delivery_is_claimed_by_one_worker_only(db_url: str) -> None:
    with session_scope(db_url) as s:
        alert = queries.insert_alert(s, alert=Alert(kind="new_claim", dedup_key="k2", title="t", body="b"))
        assert alert is not None and alert.id
        queries.add_delivery(s, alert_id=alert.id, channel_key="c", channel="json://h", mode="immediate")
        (delivery_id,) = queries.due_delivery_ids(s, now=utcnow())

    def claim(_: int) -> bool:
        with session_scope(db_url) as s:
            return queries.claim_delivery(s, delivery_id=delivery_id, now=utcnow(), lease=timedelta(minutes=1))

    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(claim, range(8))) == 1
    # a lease that ran out (the worker died mid-send) makes it due again
    with session_scope(db_url) as s:
        assert queries.due_delivery_ids(s, now=utcnow() + timedelta(minutes=2)) == [delivery_id]
