"""Measures in the pipeline: store an article's measure events with their alerts, and send the
reminders that are due (beat runs ``remon.measure_reminders``; ``send_reminders`` takes ``now`` so a
test moves the clock). Decisions are the domain's (``worker.measures``); this only orchestrates.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from storage import measures as store
from storage import pipeline
from storage.db import session_scope
from storage.models import Article, utcnow
from tasks import alerting
from tasks.app import app
from tasks.runtime import Runtime, get_runtime
from worker.measures.facts import Fact
from worker.measures.reminders import due_reminders
from worker.measures.status import status_on
from worker.types import Analysis, Change

log = logging.getLogger("remon.measures")



def _details(rt: Runtime, measure: store.Measure, facts: list[Fact], fact: Fact, today: date,
             **extra: Any) -> dict[str, Any]:
    return {"measure_id": measure.id, "measure_url": f"{rt.settings.base_url.rstrip('/')}/measures/{measure.id}",
            "measure_key": measure.key, "issuer": measure.issuer,
            "identifier": next(iter(measure.identifiers), None), "materials": list(measure.materials),
            "items": list(measure.items), "sentence": fact.event.sentence, "status": status_on(facts, today),
            "conflicts": list(measure.conflicts), **extra}


def record(session: Session, rt: Runtime, *, article: Article, analysis: Analysis) -> list[int]:
    """Store the article's measure events (in the analysis transaction) and write the alerts they raise."""
    if not analysis.measures:
        return []
    source = pipeline.source_label(session, article.source_id)
    ids: list[int] = []
    today = utcnow().date()
    for measure, change in store.record_events(session, article=article, events=analysis.measures, source=source):
        facts = store.facts_of(session, measure.id or 0)
        details = _details(rt, measure, facts, change.fact, today, change=change.change, **change.details)
        alert_id = alerting.record_change(session, rt, change=Change(kind=change.kind, key=change.key,
                                                                     details=details),
                                          article=article, source=source)
        if alert_id is not None:
            ids.append(alert_id)
    return ids


def send_reminders(rt: Runtime, *, now: datetime) -> list[int]:
    """Write the reminder alerts due at ``now`` (each once: its dedup key is per measure, date and offset)."""
    offsets = rt.settings.measure_reminder_offsets
    today = now.date()
    ids: list[int] = []
    with session_scope(rt.db_url) as session:
        for measure, facts in store.all_measures(session):
            for reminder in due_reminders(measure.id or 0, facts, today, offsets):
                details = _details(rt, measure, facts, reminder.fact, today, what=reminder.what,
                                   day=reminder.day.isoformat(), offset=reminder.offset,
                                   days_left=reminder.days_left)
                alert_id = alerting.record_change(session, rt, change=Change(
                    kind="measure_reminder", key=reminder.key, details=details), article=None, source=None)
                if alert_id is not None:
                    ids.append(alert_id)
    if ids:
        log.info("%d measure reminder(s) due", len(ids))
    return ids


@app.task(name="remon.measure_reminders", ignore_result=True)
def measure_reminders() -> int:
    """Beat: write the reminders due now and hand them to delivery."""
    from tasks.jobs import deliver_alerts

    ids = send_reminders(get_runtime(), now=utcnow())
    if ids:
        deliver_alerts.delay()
    return len(ids)
