"""Celery tasks: thin, idempotent wrappers that carry ids only and enqueue the next step."""

from __future__ import annotations

import logging
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import OperationalError

from tasks import (
    signals,  # connects the lifecycle handlers; its TaskTimeLimit is the soft time limit
    steps,
)
from tasks.app import app
from tasks.runtime import get_runtime

log = logging.getLogger("remon.tasks")
TIME_LIMIT = (SoftTimeLimitExceeded, signals.TaskTimeLimit)
# The database away for a moment (restart, failover): run the task again shortly rather than
# leave its article pending for the sweeper. Every task is idempotent, so a retry is safe.
TRANSIENT: dict[str, Any] = {"autoretry_for": (OperationalError,), "retry_backoff": 1, "retry_backoff_max": 60,
                             "retry_jitter": True, "max_retries": 10}


@app.task(name="remon.poll_due_sources", ignore_result=True)
def poll_due_sources() -> int:
    """Beat: claim the sources due now (atomically) and fan out one refresh each."""
    ids = steps.claim_due_sources(get_runtime())
    for source_id in ids:
        refresh_source.delay(source_id)
    return len(ids)


@app.task(name="remon.refresh_source", ignore_result=True, **TRANSIENT)
def refresh_source(source_id: int) -> None:
    try:
        result = steps.refresh_source(get_runtime(), source_id)
    except TIME_LIMIT:  # REMON_TASK_SOFT_TIME_LIMIT: a failed poll, with its reason
        if steps.source_timed_out(get_runtime(), source_id):
            deliver_alerts.delay()
        return
    for article_id in result.new_article_ids:
        process_article.delay(article_id)
    if result.alert_ids:
        deliver_alerts.delay()


@app.task(name="remon.process_article", ignore_result=True, **TRANSIENT)
def process_article(article_id: int) -> None:
    try:
        alert_ids = steps.process_article(get_runtime(), article_id)
    except TIME_LIMIT:  # a pathological page: record it failed and go on with the rest
        steps.article_timed_out(get_runtime(), article_id)
        return
    if alert_ids:
        deliver_alerts.delay()


@app.task(name="remon.deliver_alerts", ignore_result=True, **TRANSIENT)
def deliver_alerts(alert_id: int | None = None) -> dict[str, int]:
    return steps.deliver(get_runtime(), alert_id=alert_id)


@app.task(name="remon.sweep", ignore_result=True)
def sweep() -> int:
    """Re-enqueue what the database says is still pending (lost messages, dead workers)."""
    articles, deliveries_due = steps.sweep(get_runtime())
    for article_id in articles:
        process_article.delay(article_id)
    if deliveries_due:
        deliver_alerts.delay()
    return len(articles)
