"""Claims on rows: take one (compare-and-set), renew it, release those of gone owners.

A claim is three columns on the row: its status (``processing``, ``sending``; for sources a set
``claimed_until``), until when it holds (``lease_until`` / ``claimed_until``) and who holds it
(``claimed_by``, an owner token, see ``tasks.claims``). Whether a held row may be taken over is the
caller's rule (a ``Decide`` function: it knows about processes and tasks; storage does not), so
taking is read-decide-write: the write only succeeds if the row still is exactly as read, which
makes two claimers that read the same row take it once (on SQLite and on PostgreSQL alike).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col

from storage.models import Article, Delivery, Source

# (holder, held until) -> (may take it, how many interrupted runs taking it counts: 1, or 0 for a retry)
Decide = Callable[[str | None, datetime | None], tuple[bool, int]]


def lease_only(now: datetime) -> Decide:
    """The rule without owners: a held row may be taken once its lease is over."""
    return lambda _holder, until: (until is None or until < now, 1)


def _changed(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def claim_article(session: Session, *, article_id: int, now: datetime, lease: timedelta, owner: str | None = None,
                  decide: Decide | None = None) -> bool:
    """Take an article for analysis; False when it is done or held by someone ``decide`` protects.

    ``attempts`` counts the runs that took it (a retry of the same task does not), so a page that
    kills every worker reading it is given up on (``tasks.steps.MAX_ARTICLE_ATTEMPTS``).
    """
    row = session.execute(sa_select(col(Article.status), col(Article.claimed_by), col(Article.lease_until),
                                    col(Article.attempts)).where(col(Article.id) == article_id)).first()
    if row is None:
        session.commit()
        return False
    status, holder, until, attempts = row
    if status == "pending":
        take, count = True, 1
    elif status == "processing":
        take, count = (decide or lease_only(now))(holder, until)
    else:
        take, count = False, 0
    if not take:
        session.commit()
        return False
    stmt = (update(Article)
            .where(col(Article.id) == article_id, col(Article.status) == status, col(Article.attempts) == attempts,
                   col(Article.claimed_by).is_not_distinct_from(holder),
                   col(Article.lease_until).is_not_distinct_from(until))
            .values(status="processing", lease_until=now + lease, claimed_by=owner, attempts=attempts + count))
    claimed = _changed(session.execute(stmt)) == 1
    session.commit()
    return claimed


def claim_delivery(session: Session, *, delivery_id: int, now: datetime, lease: timedelta, owner: str | None = None,
                   decide: Decide | None = None) -> bool:
    """Mark a delivery 'sending' before the send, so two workers never send the same one."""
    row = session.execute(sa_select(col(Delivery.status), col(Delivery.claimed_by), col(Delivery.lease_until),
                                    col(Delivery.attempts), col(Delivery.next_attempt_at))
                          .where(col(Delivery.id) == delivery_id)).first()
    if row is None:
        session.commit()
        return False
    status, holder, until, attempts, due_at = row
    if status == "pending" and due_at <= now:
        take, count = True, 1
    elif status == "sending":
        take, count = (decide or lease_only(now))(holder, until)
    else:
        take, count = False, 0
    if not take:
        session.commit()
        return False
    stmt = (update(Delivery)
            .where(col(Delivery.id) == delivery_id, col(Delivery.status) == status,
                   col(Delivery.attempts) == attempts, col(Delivery.claimed_by).is_not_distinct_from(holder),
                   col(Delivery.lease_until).is_not_distinct_from(until))
            .values(status="sending", lease_until=now + lease, claimed_by=owner, attempts=attempts + count))
    claimed = _changed(session.execute(stmt)) == 1
    session.commit()
    return claimed


def hold_source(session: Session, *, source_id: int, now: datetime, lease: timedelta, owner: str | None) -> None:
    """The refresh of a source takes over the claim its poll left (held while the refresh waited in the
    queue) with a short lease that it renews while it runs."""
    session.execute(update(Source).where(col(Source.id) == source_id)
                    .values(claimed_by=owner, claimed_until=now + lease, next_check_at=now + lease))
    session.commit()


def renew(session: Session, *, kind: str, row_id: int, owner: str, until: datetime) -> bool:
    """Extend a claim this owner still holds; False if it no longer does (finished, or taken over)."""
    if kind == "article":
        stmt = (update(Article).where(col(Article.id) == row_id, col(Article.claimed_by) == owner,
                                      col(Article.status) == "processing").values(lease_until=until))
    elif kind == "delivery":
        stmt = (update(Delivery).where(col(Delivery.id) == row_id, col(Delivery.claimed_by) == owner,
                                       col(Delivery.status) == "sending").values(lease_until=until))
    elif kind == "source":
        stmt = (update(Source).where(col(Source.id) == row_id, col(Source.claimed_by) == owner,
                                     col(Source.claimed_until).is_not(None))
                .values(claimed_until=until, next_check_at=until))
    else:
        raise ValueError(f"unknown claim kind {kind!r}")
    renewed = _changed(session.execute(stmt)) == 1
    session.commit()
    return renewed


def holders(session: Session) -> set[str]:
    """Every owner that holds a claim now (to be checked for liveness by the caller)."""
    out: set[str] = set()
    for stmt in (sa_select(col(Article.claimed_by)).where(col(Article.status) == "processing"),
                 sa_select(col(Delivery.claimed_by)).where(col(Delivery.status) == "sending"),
                 sa_select(col(Source.claimed_by)).where(col(Source.claimed_until).is_not(None))):
        out.update(v for (v,) in session.execute(stmt.distinct()) if v)
    return out


def release(session: Session, *, owners: Iterable[str], now: datetime) -> tuple[list[int], int, int]:
    """Release every claim of these (gone) owners: their articles are pending again, their deliveries
    due now (a send that was in flight is sent again), their sources due now. Returns the released
    article ids and the numbers of deliveries and sources released."""
    gone = sorted(set(owners))
    if not gone:
        return [], 0, 0
    article_ids = [i for (i,) in session.execute(sa_select(col(Article.id)).where(
        col(Article.status) == "processing", col(Article.claimed_by).in_(gone)))]
    if article_ids:
        session.execute(update(Article).where(col(Article.id).in_(article_ids), col(Article.status) == "processing",
                                              col(Article.claimed_by).in_(gone))
                        .values(status="pending", claimed_by=None, lease_until=None))
    deliveries = _changed(session.execute(
        update(Delivery).where(col(Delivery.status) == "sending", col(Delivery.claimed_by).in_(gone))
        .values(status="pending", claimed_by=None, lease_until=None, next_attempt_at=now)))
    sources = _changed(session.execute(
        update(Source).where(col(Source.claimed_until).is_not(None), col(Source.claimed_by).in_(gone))
        .values(claimed_by=None, claimed_until=None, next_check_at=now)))
    session.commit()
    return sorted(article_ids), deliveries, sources
