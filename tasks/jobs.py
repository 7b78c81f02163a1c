"""Celery tasks: thin, idempotent wrappers that carry ids only and enqueue the next step."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import OperationalError

from storage.faults import DATA, describe, where_of
from tasks import (
    signals,  # connects the lifecycle handlers; its TaskTimeLimit is the soft time limit
    steps,
)
from tasks.app import app
from tasks.runtime import get_runtime

log = logging.getLogger("remon.tasks")
TIME_LIMIT = (SoftTimeLimitExceeded, signals.TaskTimeLimit)
T = TypeVar("T")


class StorageUnavailable(Exception):
    """The database could not be written (a full or read-only disk, a server away): retry later.

    Raised instead of SQLAlchemy's error so the retry is logged as one readable line, not the
    driver's message with its SQL and a link.
    """


# The database away for a moment (restart, failover, a full disk): run the task again shortly rather
# than leave its article pending for the sweeper. Every task is idempotent, so a retry is safe, and a
# retry takes over the claim its earlier run left (tasks.claims).
TRANSIENT: dict[str, Any] = {"autoretry_for": (OperationalError, StorageUnavailable), "retry_backoff": 1,
                             "retry_backoff_max": 30, "retry_jitter": True, "max_retries": 10}


def guarded(fn: Callable[[], T]) -> T:
    """Run a step; a storage fault becomes ``StorageUnavailable`` with one line saying where and what helps."""
    try:
        return fn()
    except OperationalError as exc:
        where = where_of(get_runtime().db_url)
        fault = DATA.failed(exc, where, action="the task is retried")
        if fault is None:
            raise
        raise StorageUnavailable(describe(fault, where)) from None


@app.task(name="remon.poll_due_sources", ignore_result=True)
def poll_due_sources() -> int:
    """Beat: claim the sources due now (atomically) and fan out one refresh each."""
    try:
        ids = guarded(lambda: steps.claim_due_sources(get_runtime()))
    except StorageUnavailable:  # logged once (storage.faults); the next tick tries again
        return 0
    for source_id in ids:
        refresh_source.delay(source_id)
    return len(ids)


@app.task(name="remon.refresh_source", ignore_result=True, **TRANSIENT)
def refresh_source(source_id: int) -> None:
    try:
        result = guarded(lambda: steps.refresh_source(get_runtime(), source_id))
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
        alert_ids = guarded(lambda: steps.process_article(get_runtime(), article_id))
    except TIME_LIMIT:  # a pathological page: record it failed and go on with the rest
        steps.article_timed_out(get_runtime(), article_id)
        return
    if alert_ids:
        deliver_alerts.delay()


@app.task(name="remon.deliver_alerts", ignore_result=True, **TRANSIENT)
def deliver_alerts(alert_id: int | None = None) -> dict[str, int]:
    return guarded(lambda: steps.deliver(get_runtime(), alert_id=alert_id))


@app.task(name="remon.sweep", ignore_result=True)
def sweep(at_start: bool = False) -> int:
    """Re-enqueue what the database says is still pending (lost messages, gone workers)."""
    try:
        return enqueue_sweep(at_start=at_start)
    except StorageUnavailable:  # logged once (storage.faults); the next sweep tries again
        return 0


def enqueue_sweep(*, at_start: bool = False) -> int:
    """Sweep (``steps.sweep``) and enqueue what it found; returns the number of articles enqueued."""
    found = guarded(lambda: steps.sweep(get_runtime(), at_start=at_start))
    for article_id in found.article_ids:
        process_article.delay(article_id)
    if found.deliveries_due:
        deliver_alerts.delay()
    if found.sources_due or at_start:
        poll_due_sources.delay()
    return len(found.article_ids)


def recover_at_start() -> None:
    """``remon run`` calls this before its worker starts: release the claims of this host's gone processes
    (the previous run, if it was killed) and queue a sweep of everything pending, so a restart resumes at
    once. A failure is logged, not fatal: the periodic sweep does the same later."""
    from tasks.broker import forget_engines, impatient

    try:
        steps.release_gone(get_runtime())
        with impatient(), app.connection_for_write() as conn:  # a full or read-only disk: do not wait
            sweep.apply_async(kwargs={"at_start": True}, connection=conn)
    except Exception as exc:
        log.warning("could not recover pending work at start (%s: %s); the sweeper retries every %g s",
                    exc.__class__.__name__, str(exc).splitlines()[0][:200] if str(exc) else "", _sweep_every())
    finally:
        forget_engines()  # the worker forks its pool next: no broker connection may cross the fork
        from storage.db import dispose_all

        dispose_all()


def _sweep_every() -> float:
    from tasks.app import SWEEP_EVERY

    return SWEEP_EVERY


@app.task(name="remon.maintain", ignore_result=True)
def maintain() -> dict[str, Any]:
    """Keep the embedded default bounded: prune the broker table, checkpoint SQLite's log, watch free space."""
    from tasks.maintenance import run

    return run(get_runtime())
