"""The pipeline steps as plain functions: load by id → call ``worker`` → persist → return ids.

Celery tasks (``tasks.jobs``) and ``remon poll --once`` both call these, so the broker-less
cycle and the distributed one run the same code. Each step is idempotent: running it twice
leaves the database as one run would, with no second alert.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from storage import claims as claim_rows
from storage import pipeline
from storage.db import session_scope
from storage.models import utcnow
from tasks import alert_gate, persist
from tasks.claims import current_owner, decider, gone
from tasks.lease import renewed
from tasks.runtime import Runtime
from worker.errors import FetchError, RemonError
from worker.extract.analyze import analyze
from worker.extract.vocab import load_vocabulary
from worker.fetch.client import fetch
from worker.scrape.dedup import NEAR_DUP_THRESHOLD, content_hash, earliest_similar, signature
from worker.scrape.read import fallback_page, page_from_fetch
from worker.sources.health import Fetched
from worker.sources.kinds import body_hash, parse_source
from worker.types import FeedEntry, Page

log = logging.getLogger("remon.pipeline")

NEAR_DUP_WINDOW = timedelta(days=30)
# Claims of one article before it is given up: each claim after the first means the previous
# run was interrupted (worker killed, hard time limit), so a page that kills every worker that
# reads it must not be taken again forever.
MAX_ARTICLE_ATTEMPTS = 5


@dataclass(frozen=True)
class RefreshResult:
    source_id: int
    new_article_ids: tuple[int, ...]
    error_code: str | None = None
    alert_ids: tuple[int, ...] = ()


def _lease(rt: Runtime) -> timedelta:
    """How long a claim holds unless its worker renews it (``tasks.lease`` does while the task runs)."""
    return timedelta(seconds=rt.settings.task_lease)


def _queue_hold(rt: Runtime) -> timedelta:
    """How long a due source stays claimed while its refresh waits in the queue (the refresh then takes
    the claim over with a short, renewed lease). Long, so a backlog is not polled twice; a claim whose
    worker is gone is released at once by the sweeper instead."""
    return max(10 * _lease(rt), timedelta(minutes=5))


def _renewed(rt: Runtime, kind: str, row_id: int, owner: str) -> AbstractContextManager[None]:
    return renewed(rt.db_url, kind=kind, row_id=row_id, owner=owner, lease=float(rt.settings.task_lease))


# ----------------------------------------------------------------------------- poll


def claim_due_sources(rt: Runtime, *, all_enabled: bool = False, limit: int = 1000) -> list[int]:
    with session_scope(rt.db_url) as session:
        # a claimed source whose refresh is lost (worker killed, broker down) is due again when the
        # hold runs out, or at once when the sweeper sees that the process that claimed it is gone
        return pipeline.claim_due_sources(session, now=utcnow(), limit=limit, lease=_queue_hold(rt),
                                          all_enabled=all_enabled, owner=current_owner())


def refresh_source(rt: Runtime, source_id: int) -> RefreshResult:
    """Fetch one source, store its new entries as pending articles, record its health."""
    owner = current_owner()
    with session_scope(rt.db_url) as session:
        target = pipeline.poll_target(session, source_id=source_id)
        if target is None:
            return RefreshResult(source_id, ())
        url, etag, last_modified, kind, options, known_hash = target
        claim_rows.hold_source(session, source_id=source_id, now=utcnow(), lease=_lease(rt), owner=owner)
    with _renewed(rt, "source", source_id, owner):
        return _refresh(rt, source_id, url, etag, last_modified, kind, options, known_hash)


def _refresh(rt: Runtime, source_id: int, url: str, etag: str | None, last_modified: str | None, kind: str,
             options: dict[str, object], known_hash: str | None) -> RefreshResult:
    try:
        with rt.gate.slot(url):
            result = fetch(url, options=rt.fetch_options, etag=etag, last_modified=last_modified)
        new_hash = None if result.not_modified else body_hash(kind, options, result.content)
        # the same bytes as last time hold nothing new: most feeds send no validators
        parsed = None if result.not_modified or new_hash == known_hash else parse_source(
            kind, options, result.content, dict(result.headers), result.url)
    except RemonError as exc:
        log.warning("source %s failed: %s", source_id, exc, extra={"source_id": source_id})
        with session_scope(rt.db_url) as session:
            alert_ids = persist.source_failed(session, rt, source_id=source_id, error=exc)
        return RefreshResult(source_id, (), error_code=exc.code, alert_ids=tuple(alert_ids))
    with session_scope(rt.db_url) as session:
        new_ids, alert_ids = persist.source_polled(session, rt, source_id=source_id, outcome=Fetched.of(
            result, parsed=parsed, body_hash=new_hash))
    log.info("source %s: %d new articles", source_id, len(new_ids), extra={"source_id": source_id})
    return RefreshResult(source_id, tuple(new_ids), alert_ids=tuple(alert_ids))


# ----------------------------------------------------------------------------- analyse


def process_article(rt: Runtime, article_id: int) -> list[int]:
    """Fetch, read and analyse one article; write statistics, stances, claims and alerts at once.

    Returns the ids of the alerts this run created (empty when the article was already done,
    is a syndicated copy, or is irrelevant).
    """
    owner, now = current_owner(), utcnow()
    with session_scope(rt.db_url) as session:
        if not pipeline.claim_article(session, article_id=article_id, now=now, lease=_lease(rt), owner=owner,
                                      decide=decider(now=now, me=owner, lease=_lease(rt))):
            return []
        attempts, entry = pipeline.claimed_entry(session, article_id=article_id)
    if attempts > MAX_ARTICLE_ATTEMPTS:
        _give_up(rt, article_id, RemonError(
            f"processing was interrupted {attempts - 1} times (a worker was killed or hit the task time "
            "limit on this page); remon gave up on it", code="task.gave_up", resource=entry.url))
        return []
    with _renewed(rt, "article", article_id, owner):
        return _process_claimed(rt, article_id, entry)


def _process_claimed(rt: Runtime, article_id: int, entry: FeedEntry) -> list[int]:
    try:
        page = _read_page(rt, entry)
    except RemonError as exc:
        log.warning("article %s failed: %s", article_id, exc, extra={"article_id": article_id})
        with session_scope(rt.db_url) as session:
            persist.article_failed(session, article_id=article_id, error=exc)
        return []
    text_hash = content_hash(page.text)
    sig = signature(page.text)
    with session_scope(rt.db_url) as session:
        original = _find_original(session, article_id=article_id, text_hash=text_hash, sig=sig)
        if original is not None:
            pipeline.article_duplicate(session, article_id=article_id, original_id=original, page=page,
                                       text_hash=text_hash, sig=sig)
            log.info("article %s is a copy of %s", article_id, original, extra={"article_id": article_id})
            return []
    analysis = analyze(page.text, title=page.title, language=page.language,
                       vocab=load_vocabulary(rt.watch.vocab), relevance_min=rt.watch.thresholds.relevance_min)
    with session_scope(rt.db_url) as session:
        alert_ids = persist.article_analysed(session, rt, article_id=article_id, page=page,
                                             text_hash=text_hash, sig=sig, analysis=analysis)
    log.info("article %s analysed: %d alerts", article_id, len(alert_ids), extra={"article_id": article_id})
    return alert_ids


def _give_up(rt: Runtime, article_id: int, error: RemonError) -> None:
    """Record an article that is still being processed as failed with ``error``."""
    log.warning("article %s failed: %s", article_id, error, extra={"article_id": article_id})
    with session_scope(rt.db_url) as session:
        persist.article_failed(session, article_id=article_id, error=error, only_processing=True)


def article_timed_out(rt: Runtime, article_id: int) -> None:
    """The task ran out of time on this article (Celery's soft limit): record it failed, say why."""
    _give_up(rt, article_id, RemonError(
        f"processing took longer than the {rt.settings.task_soft_time_limit:g} s task time limit "
        "(REMON_TASK_SOFT_TIME_LIMIT) and was stopped; the page is probably pathological",
        code="task.time_limit"))


def source_timed_out(rt: Runtime, source_id: int) -> list[int]:
    """The refresh ran out of time (Celery's soft limit): a failed poll, with its reason."""
    error = RemonError(f"the refresh took longer than the {rt.settings.task_soft_time_limit:g} s task time "
                       "limit (REMON_TASK_SOFT_TIME_LIMIT) and was stopped", code="task.time_limit")
    log.warning("source %s failed: %s", source_id, error, extra={"source_id": source_id})
    with session_scope(rt.db_url) as session:
        return persist.source_failed(session, rt, source_id=source_id, error=error)


def _read_page(rt: Runtime, entry: FeedEntry) -> Page:
    """The article text: the page through trafilatura, else the feed's own content (``worker.scrape.read``)."""
    try:
        with rt.gate.slot(entry.url):
            result = fetch(entry.url, options=rt.fetch_options)
        return page_from_fetch(result, entry)
    except FetchError:  # the page could not be had (or was no HTML page): the feed's text, if long enough
        page = fallback_page(entry)
        if page is None:
            raise
        return page


def _find_original(session: Session, *, article_id: int, text_hash: str, sig: bytes) -> int | None:
    """An earlier article with the same text, or near-identical text (a syndicated copy)."""
    exact = pipeline.exact_copy(session, article_id=article_id, text_hash=text_hash)
    if exact is not None:
        return exact
    ids, packed = pipeline.near_duplicate_window(session, since=utcnow() - NEAR_DUP_WINDOW, exclude_id=article_id,
                                                 size=len(sig))
    return earliest_similar(sig, ids, packed, NEAR_DUP_THRESHOLD)  # the earliest story wins


# ----------------------------------------------------------------------------- deliver


def deliver(rt: Runtime, *, alert_id: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """Send every due delivery (of one alert, or all); returns counts by outcome."""
    now = now or utcnow()
    owner = current_owner()
    with session_scope(rt.db_url) as session:
        ids = pipeline.due_delivery_ids(session, now=now, alert_id=alert_id)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for delivery_id in ids:
        claimed_at = utcnow()
        with session_scope(rt.db_url) as session:
            if not pipeline.claim_delivery(session, delivery_id=delivery_id, now=claimed_at, lease=_lease(rt),
                                           owner=owner, decide=decider(now=claimed_at, me=owner, lease=_lease(rt))):
                continue
        with _renewed(rt, "delivery", delivery_id, owner):
            outcome = persist.send_delivery(rt, delivery_id=delivery_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    counts["digests"] = persist.send_due_digests(rt, now=now)
    return counts


@dataclass(frozen=True)
class SweepResult:
    """What the sweeper found: articles to enqueue, whether deliveries are due, sources made due."""

    article_ids: list[int]
    deliveries_due: bool
    released: int = 0  # claims of gone processes released
    sources_due: bool = False


def release_gone(rt: Runtime) -> tuple[list[int], int, int]:
    """Release the claims of processes on this host that are gone (killed, crashed, before a reboot)."""
    with session_scope(rt.db_url) as session:
        dead = [owner for owner in claim_rows.holders(session) if gone(owner)]
        if not dead:
            return [], 0, 0
        articles, deliveries, sources = claim_rows.release(session, owners=dead, now=utcnow())
    if articles or deliveries or sources:
        log.warning("released the claims of %d gone worker process(es): %d article(s), %d delivery(ies), "
                    "%d source(s) are taken up again", len(dead), len(articles), deliveries, sources)
    return articles, deliveries, sources


def sweep(rt: Runtime, *, older_than: timedelta = timedelta(minutes=2), at_start: bool = False) -> SweepResult:
    """What the broker may have lost: articles still pending (for ``older_than``; all of them when a worker
    starts, since a kill loses the messages it had taken) or held by a gone process, and whether
    deliveries are due. Runs at every worker start and every ``tasks.app.SWEEP_EVERY`` seconds."""
    released, deliveries_released, sources_released = release_gone(rt)
    now = utcnow()
    with session_scope(rt.db_url) as session:
        articles = pipeline.pending_article_ids(session, now=now, older_than=timedelta(0) if at_start else older_than)
        deliveries = bool(pipeline.due_delivery_ids(session, now=now))
        has_digest = pipeline.digest_waiting(session)
    ids = sorted(set(articles) | set(released))
    return SweepResult(ids, deliveries or has_digest, len(released) + deliveries_released + sources_released,
                       sources_released > 0)


# ----------------------------------------------------------------------------- one cycle


def run_once(rt: Runtime) -> dict[str, int]:
    """Poll every enabled source now, analyse what is new, deliver alerts: no broker needed."""
    counts = {"sources": 0, "failed_sources": 0, "articles": 0, "alerts": 0}
    for source_id in claim_due_sources(rt, all_enabled=True):
        result = refresh_source(rt, source_id)
        counts["sources"] += 1
        counts["failed_sources"] += result.error_code is not None
        counts["alerts"] += len(result.alert_ids)
    for article_id in sweep(rt, at_start=True).article_ids:
        counts["articles"] += 1
        counts["alerts"] += len(process_article(rt, article_id))
    alert_gate.expire(rt, now=utcnow())  # before the digest, which lists what expired
    counts.update({f"deliveries_{k}": v for k, v in deliver(rt).items()})
    return counts
