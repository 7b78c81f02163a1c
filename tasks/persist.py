"""Persisting what the domain decided: source health, articles, analyses, alerts, deliveries.

Each function takes an open session (the caller's transaction), so an analysis and the
alerts it raises are committed together: the outbox pattern. Nothing here talks HTTP except
``send_delivery``, which claims its row first so no two workers send it.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from storage import queries
from storage.db import session_scope
from storage.faults import DATA, where_of
from storage.models import Alert, Article, Delivery, Source, utcnow
from storage.models import Claim as ClaimRow
from storage.models import Stance as StanceRow
from storage.models import Statistic as StatisticRow
from tasks import alerting
from tasks.runtime import Runtime
from worker.errors import RemonError
from worker.types import Analysis, Page, ParsedFeed

log = logging.getLogger("remon.persist")

MAX_BACKOFF = timedelta(hours=6)


# ----------------------------------------------------------------------------- sources


def _next_delay(interval: int, failures: int, retry_after: float | None = None, max_age: int | None = None,
                ttl: int | None = None) -> timedelta:
    """The polling policy (worker.sources.schedule): interval, server hints, backoff, jitter."""
    from worker.sources.schedule import next_poll_delay

    return timedelta(seconds=next_poll_delay(interval=interval, max_age=max_age, ttl=ttl, retry_after=retry_after,
                                             failures=failures, min_delay=min(60.0, float(interval)),
                                             max_backoff=MAX_BACKOFF.total_seconds()))


def source_failed(session: Session, rt: Runtime, *, source_id: int, error: RemonError) -> list[int]:
    source = session.get(Source, source_id)
    if source is None:
        return []
    now = utcnow()
    source.error_count += 1
    source.error_code = error.code
    source.error_message = error.message[:2000]
    source.last_checked_at = now
    source.claimed_until = source.claimed_by = None
    source.next_check_at = now + _next_delay(source.interval, source.error_count,
                                             getattr(error, "retry_after", None))
    alert_ids: list[int] = []
    if source.error_count >= rt.watch.thresholds.failing_after and not source.failing_alerted:
        source.failing_alerted = True
        alert_ids = alerting.source_health_alert(session, rt, source=source, kind="source_failing")
    session.add(source)
    return alert_ids


def source_succeeded(session: Session, rt: Runtime, *, source_id: int, result: object,
                     parsed: ParsedFeed | None, body_hash: str | None = None) -> tuple[list[int], list[int]]:
    """Record a successful poll; ``parsed`` is None when nothing changed (a 304, or the same body
    as last time, whose hash is ``body_hash``), and its entries are stored otherwise."""
    source = session.get(Source, source_id)
    if source is None:
        return [], []
    now = utcnow()
    alert_ids: list[int] = []
    if source.failing_alerted:
        source.failing_alerted = False
        alert_ids = alerting.source_health_alert(session, rt, source=source, kind="source_recovered")
    source.error_count = 0
    source.error_code = None
    source.error_message = None
    source.last_checked_at = now
    source.last_success_at = now
    source.claimed_until = source.claimed_by = None
    source.etag = getattr(result, "etag", None) or source.etag
    source.last_modified = getattr(result, "last_modified", None) or source.last_modified
    from worker.sources.schedule import max_age_from_cache_control

    headers = getattr(result, "headers", {}) or {}
    if parsed is not None:
        source.feed_ttl = parsed.ttl_seconds
    source.body_hash = body_hash or source.body_hash
    source.next_check_at = now + _next_delay(source.interval, 0, max_age=max_age_from_cache_control(
        headers.get("cache-control")), ttl=source.feed_ttl)
    new_ids: list[int] = []
    if parsed is not None:
        source.problem = parsed.problem
        from worker.scrape.canonical import canonical_url
        from worker.sources.search import unwrap_redirect

        entries = [(canonical_url(unwrap_redirect(entry.url)), entry) for entry in parsed.entries if entry.url]
        # one look-up for the whole feed: an unchanged feed writes nothing
        known = queries.known_entries(session, urls=[url for url, _ in entries], source_id=source_id)
        for url, entry in entries:
            if url in known:
                article_id, appeared = known[url]
                if not appeared:
                    queries.add_appearance(session, article_id=article_id, source_id=source_id, url=url)
                    known[url] = (article_id, True)
                continue
            article, created = queries.insert_article(
                session, url=url, source_id=source_id, title=entry.title,
                summary=entry.content or entry.summary, published_at=entry.published,
                published_raw=entry.published_raw)
            if article.id is not None:
                known[url] = (article.id, True)
                if created:
                    new_ids.append(article.id)
    session.add(source)
    return new_ids, alert_ids


# ----------------------------------------------------------------------------- articles


def article_failed(session: Session, *, article_id: int, error: RemonError) -> None:
    article = session.get(Article, article_id)
    if article is None:
        return
    article.status = "failed"
    article.error_code = error.code
    article.error_message = error.message[:2000]
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


def article_duplicate(session: Session, *, article_id: int, original_id: int, page: Page,
                      text_hash: str, sig: bytes) -> None:
    article = session.get(Article, article_id)
    if article is None:
        return
    _store_page(article, page, text_hash, sig)
    article.signature = None  # copies are matched against the original only
    article.status = "duplicate"
    article.duplicate_of = original_id
    queries.add_appearance(session, article_id=original_id, source_id=article.source_id, url=article.url)
    session.add(article)


def article_analysed(session: Session, rt: Runtime, *, article_id: int, page: Page, text_hash: str,
                     sig: bytes, analysis: Analysis) -> list[int]:
    article = session.get(Article, article_id)
    if article is None or article.status != "processing":
        return []
    _store_page(article, page, text_hash, sig)
    article.language = analysis.language or article.language
    article.relevance = analysis.relevance
    article.relevant = analysis.relevant
    article.matched_terms = list(analysis.matched_terms)
    if not analysis.relevant:
        article.status = "irrelevant"
        if analysis.reason:  # not read at all (a language remon has no rules for): say why on the article
            article.error_code, article.error_message = "extract.language_not_read", analysis.reason
        session.add(article)
        return []
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
    alert_ids = alerting.detect_and_record(session, rt, article=article, analysis=analysis)
    article.status = "analysed"
    session.add(article)
    return alert_ids


# ----------------------------------------------------------------------------- deliveries


def send_delivery(rt: Runtime, *, delivery_id: int) -> str:
    """Send one claimed delivery and record the outcome: 'sent', 'retry' or 'failed'."""
    from worker.alert.notify import channel_format, retry_delay, send

    with session_scope(rt.db_url) as session:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        alert = session.get(Alert, delivery.alert_id)
        assert alert is not None
        channel = next((c for c in rt.channels if c.key == delivery.channel_key), None)
        title, body = alert.title, alert.body
        attempts = delivery.attempts
    error: str | None
    if channel is None:
        outcome, error = "failed", "channel no longer configured"
    else:
        from worker.alert.route import channel_lang

        fmt = channel_format(channel)
        lang = channel_lang(channel, rt.watch.routing)
        payload = alert.payload or {}
        if not ((payload.get("i18n") or {}).get(lang, {}).get(fmt) if lang != "en"
                else fmt == "text" or (payload.get("formats") or {}).get(fmt)):
            fmt = "text"
        title, body = alerting.localised(alert.title, alert.body, payload, lang, fmt)
        result = send(channel, title, body, body_format=fmt)
        outcome = "sent" if result.ok else ("failed" if attempts >= rt.settings.retry_attempts else "retry")
        error = result.error
    next_at = utcnow() + timedelta(seconds=retry_delay(attempts, base=rt.settings.retry_base,
                                                       cap=rt.settings.retry_max)) if outcome == "retry" else None
    label = _record_outcome(rt, delivery_id, outcome, error, next_at)
    log.info("delivery %s of alert %s to %s: %s", delivery_id, alert.id, label, outcome)
    return outcome


OUTCOME_PATIENCE = 120.0  # seconds a send's outcome waits for a full or read-only disk before it gives up


def _record_outcome(rt: Runtime, delivery_id: int, outcome: str, error: str | None, next_at: datetime | None) -> str:
    """Write what the send did. The send happened: if the disk refuses the write, wait for it (holding
    the claim) rather than fail, since a retry of the task would send the alert a second time."""
    deadline = time.monotonic() + OUTCOME_PATIENCE
    while True:
        try:
            with session_scope(rt.db_url) as session:
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
        except OperationalError as exc:
            if DATA.failed(exc, where_of(rt.db_url), action="the outcome of a send waits to be recorded") is None \
                    or time.monotonic() >= deadline:
                raise
            time.sleep(1.0)


def send_due_digests(rt: Runtime, *, now: datetime) -> int:
    """Send one message per digest channel whose period is over, listing its waiting alerts."""
    return alerting.send_due_digests(rt, now=now)


def retry_alert(session: Session, *, alert_id: int) -> int:
    """Make an alert's failed deliveries due again (``remon alerts retry``)."""
    rows = session.exec(select(Delivery).where(Delivery.alert_id == alert_id,
                                               col(Delivery.status).in_(("failed", "pending")))).all()
    for row in rows:
        row.status, row.next_attempt_at, row.attempts = "pending", utcnow(), 0
        session.add(row)
    return len(rows)
