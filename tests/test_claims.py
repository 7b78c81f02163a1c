"""Issue 19: claims that do not outlive their owner (SQLite and PostgreSQL).

A claim records its owner (process and task run); a gone process's claims are released at once; a
retry takes over the claim its earlier run left; a claim elsewhere runs out after the lease, and a
running task renews its own. Real processes, real databases, no mocks.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage import claims, queries
from storage.db import alembic_config, get_engine, migrate, session_scope
from storage.models import Alert, Article, Delivery, Source, utcnow
from tasks import claims as owners
from tasks.lease import renewed
from tests.servers import REPO

LEASE = timedelta(seconds=30)


def _article(url: str, db_url: str) -> int:
    with session_scope(db_url) as s:
        article, _ = queries.upsert_article(s, url=url, source_id=None, title="t", summary=None,
                                            published_at=None, published_raw=None)
        assert article.id is not None
        return article.id


def _row(db_url: str, model: type, row_id: int) -> tuple[str, str | None, int]:
    with session_scope(db_url) as s:
        row = s.get(model, row_id)
        assert row is not None
        return row.status, row.claimed_by, row.attempts


def _claim(db_url: str, article_id: int, me: str, *, now: object = None) -> bool:
    when = now or utcnow()
    with session_scope(db_url) as s:
        return queries.claim_article(s, article_id=article_id, now=when, lease=LEASE, owner=me,
                                     decide=owners.decider(now=when, me=me, lease=LEASE))  # type: ignore[arg-type]


def test_a_claim_records_its_owner_and_a_retry_takes_it_over(db_url: str) -> None:
    article_id = _article("http://x.example/retry", db_url)
    first = owners.token("task-1", 0)
    assert _claim(db_url, article_id, first)
    status, holder, attempts = _row(db_url, Article, article_id)
    assert (status, holder, attempts) == ("processing", first, 1)
    assert owners.parse(holder) == owners.Holder(host=socket.gethostname(), boot=owners._boot_id(), pid=os.getpid(),
                                                 start=owners._start_time(os.getpid()) or "-", task="task-1", run=0)
    # another task of a live process on this host: the claim holds
    assert not _claim(db_url, article_id, owners.token("task-2", 0))
    # Celery's retry of the same task (same id, retries + 1) takes it over, and it is not an interruption
    assert _claim(db_url, article_id, owners.token("task-1", 1))
    assert _row(db_url, Article, article_id) == ("processing", owners.token("task-1", 1), 1)
    # the same run again (a duplicate message) while its owner lives: no
    assert not _claim(db_url, article_id, owners.token("task-1", 1))


@pytest.mark.system
def test_claims_of_a_gone_process_are_released_at_once(db_url: str, tmp_path: Path) -> None:
    """A real process claims an article, a delivery and a source, and dies without finishing."""
    article_id = _article("http://x.example/gone", db_url)
    with session_scope(db_url) as s:
        alert = queries.insert_alert(s, alert=Alert(kind="new_claim", dedup_key="gone", title="t", body="b"))
        assert alert is not None and alert.id is not None
        queries.add_delivery(s, alert_id=alert.id, channel_key="c", channel="json://h", mode="immediate")
        (delivery_id,) = queries.due_delivery_ids(s, now=utcnow())
        source, _ = queries.add_source(s, url="http://x.example/feed")
        source_id = source.id
    script = f"""
import sys; sys.path.insert(0, {str(REPO)!r})
from datetime import timedelta
from storage import queries
from storage.db import session_scope
from storage.models import utcnow
from tasks import claims
me = claims.token("killed-task", 0)
url = {db_url!r}
with session_scope(url) as s:
    assert queries.claim_article(s, article_id={article_id}, now=utcnow(), lease=timedelta(seconds=600), owner=me)
with session_scope(url) as s:
    assert queries.claim_delivery(s, delivery_id={delivery_id}, now=utcnow(), lease=timedelta(seconds=600), owner=me)
with session_scope(url) as s:
    assert queries.claim_due_sources(s, now=utcnow(), limit=10, lease=timedelta(seconds=600), owner=me)
print(me)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    dead = done.stdout.strip().splitlines()[-1]
    assert owners.gone(dead) and not owners.gone(owners.token("alive", 0))
    # a live claim on this host is not touched
    live_id = _article("http://x.example/live", db_url)
    assert _claim(db_url, live_id, owners.token("alive", 0))
    with session_scope(db_url) as s:
        assert dead in claims.holders(s)
        released = claims.release(s, owners=[o for o in claims.holders(s) if owners.gone(o)], now=utcnow())
    assert released == ([article_id], 1, 1)
    assert _row(db_url, Article, article_id)[:2] == ("pending", None)
    assert _row(db_url, Delivery, delivery_id)[:2] == ("pending", None)
    assert _row(db_url, Article, live_id)[0] == "processing"
    with session_scope(db_url) as s:
        src = s.get(Source, source_id)
        assert src is not None and src.claimed_until is None and src.next_check_at <= utcnow()
        # the released rows are taken again at once (the killed run counts as an interrupted attempt)
        assert queries.claim_delivery(s, delivery_id=delivery_id, now=utcnow(), lease=LEASE, owner="next")
    assert _claim(db_url, article_id, owners.token("next", 0))
    assert _row(db_url, Article, article_id)[2] == 2


def test_a_claim_elsewhere_runs_out_after_the_lease_and_a_live_local_one_gets_one_more(db_url: str) -> None:
    now = utcnow()
    elsewhere = "other-host:abc:4242:99/task-9/0"
    here = owners.token("slow-task", 0)  # this process: alive
    decide = owners.decider(now=now, me=owners.token("me", 0), lease=LEASE)
    assert decide(elsewhere, now + timedelta(seconds=5)) == (False, 0)
    assert decide(elsewhere, now - timedelta(seconds=1)) == (True, 1)
    assert decide(here, now - timedelta(seconds=1)) == (False, 1)  # its renewals may be blocked by a full disk
    assert decide(here, now - LEASE - timedelta(seconds=1)) == (True, 1)
    assert decide(None, now - timedelta(seconds=1)) == (True, 1)  # a claim from before owners: the lease rule
    # and through the database: an expired claim of another host is taken
    article_id = _article("http://x.example/elsewhere", db_url)
    with session_scope(db_url) as s:
        assert queries.claim_article(s, article_id=article_id, now=now - timedelta(seconds=60), lease=LEASE,
                                     owner=elsewhere)
    assert _claim(db_url, article_id, owners.token("me", 0), now=now)
    assert _row(db_url, Article, article_id)[1:] == (owners.token("me", 0), 2)


def test_a_running_task_renews_its_short_lease_and_stops_when_done(db_url: str) -> None:
    article_id = _article("http://x.example/long", db_url)
    me = owners.token("long-task", 0)
    assert _claim(db_url, article_id, me)

    def lease_until() -> object:
        with session_scope(db_url) as s:
            row = s.get(Article, article_id)
            assert row is not None
            return row.lease_until

    seen = []
    with renewed(db_url, kind="article", row_id=article_id, owner=me, lease=0.9):  # renewed every 0.3 s
        for _ in range(8):
            time.sleep(0.3)
            seen.append(lease_until())
    assert len(set(seen)) >= 4, seen  # it kept moving forward
    assert all(u > utcnow() - timedelta(seconds=1) for u in seen[-2:])  # type: ignore[operator]
    after = lease_until()
    time.sleep(1.0)
    assert lease_until() == after  # no renewal once the task is done


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_migration_0004_adds_claim_owners_to_existing_rows(kind: str, tmp_path: Path,
                                                            request: pytest.FixtureRequest) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path}/old.db" if kind == "sqlite" else request.getfixturevalue("pg_url")
    command.upgrade(alembic_config(url), "0003")
    now = utcnow()
    with get_engine(url).begin() as conn:  # rows as the 0003 schema holds them (the ORM knows 0004 only)
        conn.execute(sa.insert(_old(Source, "url", "kind", "interval", "enabled", "options", "next_check_at",
                                    "claimed_until", "error_count", "failing_alerted", "created_at")),
                     {"url": "http://o/f", "kind": "feed", "interval": 900, "enabled": True, "options": {},
                      "next_check_at": now, "claimed_until": now, "error_count": 0, "failing_alerted": False,
                      "created_at": now})
        conn.execute(sa.insert(_old(Article, "url", "matched_terms", "status", "attempts", "lease_until",
                                    "first_seen_at")),
                     {"url": "http://o/a", "matched_terms": [], "status": "processing", "attempts": 1,
                      "lease_until": now, "first_seen_at": now})
    migrate(url)
    columns = {t: {c["name"] for c in sa.inspect(get_engine(url)).get_columns(t)}
               for t in ("sources", "articles", "deliveries")}
    assert all("claimed_by" in cols for cols in columns.values()), columns
    with get_engine(url).connect() as conn:
        assert conn.execute(sa.text("SELECT status, attempts, claimed_by FROM articles")).all() == [
            ("processing", 1, None)]
    # an owner-less claim from before is taken when its lease is over, as before
    article_id = _scalar(url, "SELECT id FROM articles")
    assert _claim(url, article_id, owners.token("after-upgrade", 0), now=utcnow() + timedelta(seconds=1))
    command.downgrade(alembic_config(url), "0003")
    assert "claimed_by" not in {c["name"] for c in sa.inspect(get_engine(url)).get_columns("articles")}
    command.upgrade(alembic_config(url), "head")


def _old(model: type, *names: str) -> sa.TableClause:
    table = model.__table__  # type: ignore[attr-defined]
    return sa.table(table.name, *(sa.column(n, table.c[n].type) for n in names))


def _scalar(url: str, sql: str) -> int:
    with get_engine(url).connect() as conn:
        return int(conn.execute(sa.text(sql)).scalar_one())
