"""The pipeline's own reads and writes: what ``tasks/`` loads before a decision and stores after it.

The tasks hold no SQL (``tests/test_sql_in_storage.py``): a step reads ids and typed state here,
asks ``worker`` what to do, and writes the answer back here. This module is the one the pipeline
calls: the pieces it shares with the CLI and the tests (taking due sources, articles and deliveries,
the feed's known entries, the alert and delivery inserts, heartbeats) are defined in
``storage.queries`` and offered here under the same names, so ``tasks/`` imports its reads and
writes from one place. Each function works in the caller's session, so a step's writes commit
together (the outbox).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage import corrections, queries, unconfirmed
from storage.models import Alert, Article, Delivery, Heartbeat, Source, utcnow
from storage.models import Claim as ClaimRow
from storage.models import Stance as StanceRow
from storage.models import Statistic as StatisticRow
from storage.queries import (
    appearance_count,
    beat,
    claim_article,
    claim_delivery,
    claim_due_sources,
    count_task,
    due_delivery_ids,
    near_duplicate_window,
    pending_article_ids,
)
from worker.alert.plan import AlertPlan
from worker.detect.state import DetectorState, KnownClaim, MetricPoint, PositionPoint
from worker.sources.health import SourceState, SourceUpdate
from worker.types import Analysis, FeedEntry, Page

# the shared pieces the pipeline calls are defined in storage.queries and offered here (the docstring)
__all__ = ["appearance_count", "apply_source_update", "article_duplicate", "article_failed", "beat",
           "claim_article", "claim_delivery", "claim_due_sources", "claimed_entry", "count_task",
           "delivery_to_send", "detector_state", "digest_rows", "digest_tried", "digest_waiting",
           "due_delivery_ids", "exact_copy", "heartbeat_at", "last_alert_at", "mark_alerted", "mark_analysed",
           "near_duplicate_window", "pending_article_ids", "poll_target", "record_outcome", "retry_alert",
           "source_label", "source_state", "store_analysis", "store_entries", "write_alert"]

# ----------------------------------------------------------------------------- sources


def poll_target(session: Session, *, source_id: int) -> tuple[str, str | None, str | None, str, dict[str, Any],
                                                             str | None] | None:
    """An enabled source's (url, etag, last_modified, kind, options, body_hash); the columns only, since
    this runs for every poll."""
    row = session.execute(sa_select(col(Source.url), col(Source.etag), col(Source.last_modified),
                                    col(Source.kind), col(Source.options), col(Source.body_hash)).where(
        col(Source.id) == source_id, col(Source.enabled).is_(True))).first()
    if row is None:
        return None
    url, etag, last_modified, kind, options, body_hash = row
    return url, etag, last_modified, kind, dict(options or {}), body_hash


def source_state(session: Session, *, source_id: int) -> SourceState | None:
    """What the source-health decider (``worker.sources.health``) reads of a source."""
    s = session.get(Source, source_id)
    if s is None:
        return None
    return SourceState(id=source_id, url=s.url, name=s.name, interval=s.interval, error_count=s.error_count,
                       error_code=s.error_code, error_message=s.error_message, failing_alerted=s.failing_alerted,
                       last_success_at=s.last_success_at, etag=s.etag, last_modified=s.last_modified,
                       feed_ttl=s.feed_ttl, body_hash=s.body_hash, problem=s.problem)


def apply_source_update(session: Session, *, source_id: int, update: SourceUpdate) -> None:
    """Write the decider's health columns as given, and release the source's claim."""
    s = session.get(Source, source_id)
    if s is None:
        return
    s.error_count, s.error_code, s.error_message = update.error_count, update.error_code, update.error_message
    s.last_checked_at, s.last_success_at = update.checked_at, update.last_success_at
    s.etag, s.last_modified, s.feed_ttl = update.etag, update.last_modified, update.feed_ttl
    s.body_hash, s.problem = update.body_hash, update.problem
    s.next_check_at, s.failing_alerted = update.next_check_at, update.failing_alerted
    s.claimed_until = s.claimed_by = None
    session.add(s)


def store_entries(session: Session, *, source_id: int, entries: Sequence[tuple[str, FeedEntry]]) -> list[int]:
    """Store a feed's entries (at their canonical URLs) as pending articles; returns the new ones' ids.
    One look-up for the whole feed: an unchanged feed writes nothing."""
    known = queries.known_entries(session, urls=[url for url, _ in entries], source_id=source_id)
    new_ids: list[int] = []
    for url, entry in entries:
        if url in known:
            article_id, appeared = known[url]
            if not appeared:
                queries.add_appearance(session, article_id=article_id, source_id=source_id, url=url)
                known[url] = (article_id, True)
            continue
        article, created = queries.insert_article(
            session, url=url, source_id=source_id, title=entry.title, summary=entry.content or entry.summary,
            published_at=entry.published, published_raw=entry.published_raw)
        if article.id is not None:
            known[url] = (article.id, True)
            if created:
                new_ids.append(article.id)
    return new_ids


# ----------------------------------------------------------------------------- articles


def claimed_entry(session: Session, *, article_id: int) -> tuple[int, FeedEntry]:
    """A claimed article's attempt count and what its feed said of it."""
    article = session.get(Article, article_id)
    assert article is not None
    return article.attempts, FeedEntry(url=article.url, title=article.title, summary=article.feed_summary,
                                       published=article.published_at, published_raw=article.published_raw)


def article_failed(session: Session, *, article_id: int, code: str, message: str,
                   only_processing: bool = False) -> None:
    """Record an article failed with a stable ``code`` and its reason (``only_processing``: unless another
    run finished it meanwhile)."""
    article = session.get(Article, article_id)
    if article is None or (only_processing and article.status != "processing"):
        return
    article.status, article.error_code, article.error_message = "failed", code, message[:2000]
    article.lease_until = article.claimed_by = None
    session.add(article)


def _store_page(article: Article, page: Page, text_hash: str, sig: bytes) -> None:
    article.title = page.title or article.title
    article.text = page.text
    article.language = page.language
    article.published_at = article.published_at or page.published
    article.published_raw = article.published_raw or page.published_raw
    article.extractor = page.extractor
    article.content_hash = text_hash
    article.signature = sig
    article.lease_until = article.claimed_by = None
    article.analysed_at = utcnow()


def exact_copy(session: Session, *, article_id: int, text_hash: str) -> int | None:
    """The earliest other article with exactly this text (done, or being read)."""
    return session.exec(select(Article.id).where(
        Article.content_hash == text_hash, Article.id != article_id,
        col(Article.status).in_(("analysed", "irrelevant", "processing"))).order_by(col(Article.id))).first()


def article_duplicate(session: Session, *, article_id: int, original_id: int, page: Page,
                      text_hash: str, sig: bytes) -> None:
    """A syndicated copy: its page is kept, it counts as one more appearance of the original."""
    article = session.get(Article, article_id)
    if article is None:
        return
    _store_page(article, page, text_hash, sig)
    article.signature = None  # copies are matched against the original only
    article.status = "duplicate"
    article.duplicate_of = original_id
    queries.add_appearance(session, article_id=original_id, source_id=article.source_id, url=article.url)
    session.add(article)


def store_analysis(session: Session, *, article_id: int, page: Page, text_hash: str, sig: bytes,
                   analysis: Analysis) -> Article | None:
    """Store the page and what was extracted from it. Returns the article when it is relevant (its
    statistics, stances and claims are flushed, its alerts are next); None when it was not being
    processed or is irrelevant (then it is done)."""
    article = session.get(Article, article_id)
    if article is None or article.status != "processing":
        return None
    _store_page(article, page, text_hash, sig)
    article.language = analysis.language or article.language
    article.relevance, article.relevant = analysis.relevance, analysis.relevant
    article.matched_terms = list(analysis.matched_terms)
    if not analysis.relevant:
        article.status = "irrelevant"
        if analysis.reason:  # not read at all (a language remon has no rules for): say why on the article
            article.error_code, article.error_message = "extract.language_not_read", analysis.reason
        session.add(article)
        return None
    published = article.order_at
    for i, stat in enumerate(analysis.statistics):
        session.add(StatisticRow(article_id=article_id, idx=i, value=stat.value, value_high=stat.value_high,
                                 unit=stat.unit, approx=stat.approx, subject=stat.subject,
                                 material=stat.material, measure=stat.measure, metric_key=stat.metric_key,
                                 period=stat.period, sentence=stat.sentence, start=stat.start, end=stat.end,
                                 published_at=published, confidence=stat.confidence))
    for i, stance in enumerate(analysis.stances):
        session.add(StanceRow(article_id=article_id, idx=i, actor=stance.actor, position=stance.position,
                              confidence=stance.confidence, sentence=stance.sentence, published_at=published))
    for i, claim in enumerate(analysis.claims):
        session.add(ClaimRow(article_id=article_id, idx=i, fingerprint=claim.fingerprint, speaker=claim.speaker,
                             text=claim.text, sentence=claim.sentence, published_at=published))
    session.flush()
    return article


def mark_analysed(session: Session, *, article: Article) -> None:
    article.status = "analysed"
    session.add(article)


# ----------------------------------------------------------------------------- deliveries


def delivery_to_send(session: Session, *, delivery_id: int) -> tuple[Delivery, Alert]:
    """A claimed delivery and its alert (read before the send, outside any transaction held over it)."""
    delivery = session.get(Delivery, delivery_id)
    assert delivery is not None
    alert = session.get(Alert, delivery.alert_id)
    assert alert is not None
    return delivery, alert


def record_outcome(session: Session, *, delivery_id: int, outcome: str, error: str | None,
                   next_at: datetime | None) -> str:
    """Write what a send did ('sent', 'retry' or 'failed') and release the claim; returns the channel's label."""
    delivery = session.get(Delivery, delivery_id)
    assert delivery is not None
    delivery.lease_until = delivery.claimed_by = None
    if outcome == "sent":
        delivery.status, delivery.sent_at, delivery.last_error = "sent", utcnow(), None
    elif outcome == "retry":
        delivery.status, delivery.last_error = "pending", error
        delivery.next_attempt_at = next_at or utcnow()
    else:
        delivery.status, delivery.last_error = "failed", error
    session.add(delivery)
    return delivery.channel


def digest_waiting(session: Session) -> bool:
    """Whether any delivery waits for its channel's digest."""
    return session.exec(select(Delivery.id).where(Delivery.status == "digest")).first() is not None


def retry_alert(session: Session, *, alert_id: int) -> int:
    """Make an alert's failed deliveries due again (``remon alerts retry``); returns how many."""
    rows = session.exec(select(Delivery).where(Delivery.alert_id == alert_id,
                                               col(Delivery.status).in_(("failed", "pending")))).all()
    for row in rows:
        row.status, row.next_attempt_at, row.attempts = "pending", utcnow(), 0
        session.add(row)
    return len(rows)


# ----------------------------------------------------------------------------- alerts


def source_label(session: Session, source_id: int | None) -> str | None:
    """How alerts name a source: its name, else its URL."""
    source = session.get(Source, source_id) if source_id is not None else None
    return (source.name or source.url) if source else None


def detector_state(session: Session, *, article: Article, analysis: Analysis) -> DetectorState:
    """Only the history the detector needs for this article's metric keys, actors and claims (as corrected,
    without the positions held unconfirmed)."""
    keys = {s.metric_key for s in analysis.statistics if s.metric_key}
    actors = {s.actor for s in analysis.stances}
    metrics: dict[str, list[MetricPoint]] = {}
    if keys:
        rows = session.exec(
            select(StatisticRow, Article).join(Article, col(Article.id) == StatisticRow.article_id)
            .where(col(StatisticRow.metric_key).in_(keys), StatisticRow.article_id != article.id)
            .order_by(col(StatisticRow.published_at), col(StatisticRow.id))).all()
        for stat, art in corrections.corrected_history(session, rows):
            metrics.setdefault(stat.metric_key or "", []).append(MetricPoint(
                value=stat.value, value_high=stat.value_high, unit=stat.unit, approx=stat.approx,
                published=stat.published_at or art.order_at, article_id=art.id or 0, article_url=art.url,
                source=source_label(session, art.source_id), alerted=stat.alerted))
    positions: dict[str, list[PositionPoint]] = {}
    if actors:
        rows2 = session.exec(select(StanceRow).where(col(StanceRow.actor).in_(actors),
                                                     StanceRow.article_id != article.id)
                             .order_by(col(StanceRow.published_at), col(StanceRow.id))).all()
        net: dict[tuple[str, int], StanceRow] = {}
        held = unconfirmed.waiting_stance_articles(session, actors=actors)
        # one net position per actor and article: the most confident (as corrected)
        for st in corrections.corrected_positions(session, rows2):
            if (st.actor, st.article_id) in held:  # held unconfirmed: no known position yet
                continue
            key = (st.actor, st.article_id)
            if key not in net or st.confidence > net[key].confidence:
                net[key] = st
        for st in net.values():
            positions.setdefault(st.actor, []).append(PositionPoint(
                position=st.position, published=st.published_at or utcnow(), article_id=st.article_id))
    claims: list[KnownClaim] = []
    if analysis.claims:
        rows3 = session.exec(select(ClaimRow).where(ClaimRow.article_id != article.id)).all()
        claims = [KnownClaim(fingerprint=c.fingerprint, speaker=c.speaker, text=c.text) for c in rows3]
    return DetectorState(metrics=metrics, positions=positions, claims=claims)


def mark_alerted(session: Session, *, article_id: int, indexes: set[int]) -> None:
    """Flag the article's statistics that raised an alert (the detector reads the flag later)."""
    if not indexes:
        return
    for row in session.exec(select(StatisticRow).where(StatisticRow.article_id == article_id)).all():
        if row.idx in indexes:
            row.alerted = True
            session.add(row)


def last_alert_at(session: Session, *, debounce_key: str) -> datetime | None:
    """When the last alert of a debounce key was raised."""
    return session.exec(select(Alert.created_at).where(Alert.debounce_key == debounce_key)
                        .order_by(col(Alert.created_at).desc())).first()


def write_alert(session: Session, *, plan: AlertPlan, article_id: int | None, source_id: int | None) -> int | None:
    """Write a planned alert and its delivery rows; None when its dedup key exists (raised before)."""
    alert = queries.insert_alert(session, alert=Alert(
        kind=plan.kind, dedup_key=plan.dedup_key, debounce_key=plan.debounce_key, article_id=article_id,
        source_id=source_id, title=plan.title, body=plan.body, payload=plan.payload, created_at=plan.created_at))
    if alert is None or alert.id is None:
        return None
    for d in plan.deliveries:
        queries.add_delivery(session, alert_id=alert.id, channel_key=d.channel_key, channel=d.channel, mode=d.mode)
    return alert.id


def heartbeat_at(session: Session, *, name: str) -> datetime | None:
    row = session.get(Heartbeat, name)
    return row.at if row else None


def digest_rows(session: Session, *, channel_key: str) -> list[tuple[Delivery, Alert]]:
    """A channel's deliveries waiting for its digest, with their alerts, oldest first."""
    rows = session.exec(select(Delivery, Alert).join(Alert, col(Alert.id) == Delivery.alert_id).where(
        Delivery.channel_key == channel_key, Delivery.status == "digest").order_by(col(Delivery.id))).all()
    return [(d, a) for d, a in rows]


def digest_tried(session: Session, *, delivery_ids: Sequence[int], ok: bool, error: str | None) -> None:
    """Record one try of a digest on its deliveries: sent, or the error kept for the next period."""
    for delivery_id in delivery_ids:
        row = session.get(Delivery, delivery_id)
        if row is None:
            continue
        row.attempts += 1
        if ok:
            row.status, row.sent_at = "sent", utcnow()
        else:
            row.last_error = error
        session.add(row)
