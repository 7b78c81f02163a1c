"""Celery tasks: thin, idempotent wrappers that carry ids only and enqueue the next step."""

from __future__ import annotations

import logging

from tasks import (
    signals,  # noqa: F401  (connects the lifecycle handlers)
    steps,
)
from tasks.app import app
from tasks.runtime import get_runtime

log = logging.getLogger("remon.tasks")


@app.task(name="remon.poll_due_sources", ignore_result=True)
def poll_due_sources() -> int:
    """Beat: claim the sources due now (atomically) and fan out one refresh each."""
    ids = steps.claim_due_sources(get_runtime())
    for source_id in ids:
        refresh_source.delay(source_id)
    return len(ids)


@app.task(name="remon.refresh_source", ignore_result=True)
def refresh_source(source_id: int) -> None:
    result = steps.refresh_source(get_runtime(), source_id)
    for article_id in result.new_article_ids:
        process_article.delay(article_id)
    if result.alert_ids:
        deliver_alerts.delay()


@app.task(name="remon.process_article", ignore_result=True)
def process_article(article_id: int) -> None:
    alert_ids = steps.process_article(get_runtime(), article_id)
    if alert_ids:
        deliver_alerts.delay()


@app.task(name="remon.deliver_alerts", ignore_result=True)
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
