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
from sqlmodel import Session

from storage import pipeline
from storage.db import session_scope
from storage.faults import DATA, where_of
from storage.models import utcnow
from tasks import alerting, measures
from tasks.runtime import Runtime
from worker.alert.plan import delivery_message, send_outcome
from worker.errors import RemonError
from worker.sources.health import Failed, PollOutcome, decide
from worker.types import Analysis, Page

log = logging.getLogger("remon.persist")


# ----------------------------------------------------------------------------- sources


def source_polled(session: Session, rt: Runtime, *, source_id: int,
                  outcome: PollOutcome) -> tuple[list[int], list[int]]:
    """Record one poll: the health decider (``worker.sources.health``) says what the source becomes,
    storage writes it, its new entries become pending articles, and its health alert (once per episode)
    is recorded in the same transaction. Returns (new article ids, new alert ids)."""
    state = pipeline.source_state(session, source_id=source_id)
    if state is None:
        return [], []
    update = decide(state, outcome, now=utcnow(), failing_after=rt.watch.thresholds.failing_after)
    alert_ids: list[int] = []
    if update.alert is not None:
        alert_ids = alerting.source_health_alert(session, rt, change=update.alert, source_id=source_id,
                                                 source=state.label)
    pipeline.apply_source_update(session, source_id=source_id, update=update)
    new_ids = pipeline.store_entries(session, source_id=source_id, entries=update.entries)
    return new_ids, alert_ids


def source_failed(session: Session, rt: Runtime, *, source_id: int, error: RemonError) -> list[int]:
    return source_polled(session, rt, source_id=source_id, outcome=Failed.of(error))[1]


# ----------------------------------------------------------------------------- articles


def article_failed(session: Session, *, article_id: int, error: RemonError, only_processing: bool = False) -> None:
    pipeline.article_failed(session, article_id=article_id, code=error.code, message=error.message,
                            only_processing=only_processing)


def article_analysed(session: Session, rt: Runtime, *, article_id: int, page: Page, text_hash: str,
                     sig: bytes, analysis: Analysis) -> list[int]:
    """Store an analysis and the alerts it raises together; returns the new alert ids."""
    article = pipeline.store_analysis(session, article_id=article_id, page=page, text_hash=text_hash, sig=sig,
                                      analysis=analysis)
    if article is None:
        return []
    alert_ids = alerting.detect_and_record(session, rt, article=article, analysis=analysis)
    alert_ids += measures.record(session, rt, article=article, analysis=analysis)
    pipeline.mark_analysed(session, article=article)
    return alert_ids


# ----------------------------------------------------------------------------- deliveries


def send_delivery(rt: Runtime, *, delivery_id: int) -> str:
    """Send one claimed delivery and record the outcome: 'sent', 'retry' or 'failed'."""
    from worker.alert.notify import channel_format, retry_delay, send

    with session_scope(rt.db_url) as session:
        delivery, alert = pipeline.delivery_to_send(session, delivery_id=delivery_id)
        channel = next((c for c in rt.channels if c.key == delivery.channel_key), None)
        attempts = delivery.attempts
    error: str | None
    if channel is None:
        outcome, error = "failed", "channel no longer configured"
    else:
        title, body, fmt = delivery_message(alert.title, alert.body, alert.payload, channel=channel,
                                            routing=rt.watch.routing, preferred=channel_format(channel))
        result = send(channel, title, body, body_format=fmt)
        outcome = send_outcome(result.ok, attempts=attempts, max_attempts=rt.settings.retry_attempts)
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
                return pipeline.record_outcome(session, delivery_id=delivery_id, outcome=outcome, error=error,
                                               next_at=next_at)
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
    return pipeline.retry_alert(session, alert_id=alert_id)
