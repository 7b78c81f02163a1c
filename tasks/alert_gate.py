"""The confidence gate in the analysis transaction: load held items, ask the pure decider, store.

Thin on purpose: the decision is ``worker.alert.gate.decide``; this reads what it needs (held items
for the article's metric keys and actors) and writes what it says (a held row, or a confirmation
that marks the held rows it agrees with), all in the caller's transaction (the outbox), so a
restart loses nothing and a rerun writes nothing twice (unique keys on both tables).
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session

from storage import corrections, unconfirmed
from storage.db import session_scope
from storage.models import Article, Unconfirmed
from tasks.runtime import Runtime
from worker.alert.gate import Held, Verdict, decide, expiry_cutoff, match_key, publisher_of, threshold_for
from worker.types import Change

log = logging.getLogger("remon.alert_gate")


def held_for(session: Session, changes: list[Change]) -> list[Held]:
    """The held items that could agree with any of ``changes``."""
    keys = [k for k in (match_key(c) for c in changes) if k]
    out: list[Held] = []
    for row, art in unconfirmed.waiting(session, match_keys=keys):
        if corrections.silenced(session, row.dedup_key):
            continue  # a person marked it wrong (or fixed it) while it waited: it confirms nothing
        out.append(Held(id=row.id or 0, match_key=row.match_key, publisher=row.publisher,
                        article_id=row.article_id or 0, confidence=row.confidence, value=row.value,
                        value_high=row.value_high, unit=row.unit, approx=row.approx, position=row.position,
                        article_url=art.url, source=(row.payload or {}).get("source"),
                        published=art.order_at))
    return out


def judge(session: Session, rt: Runtime, *, article: Article, changes: list[Change]) -> list[Verdict]:
    """One verdict per change, in order; a held item is confirmed by at most one change."""
    held = held_for(session, changes)
    publisher = publisher_of(article.url)
    verdicts: list[Verdict] = []
    for change in changes:
        threshold = threshold_for(change, rt.watch.routing, rt.settings.alert_min_confidence)
        verdict = decide(change, publisher=publisher, article_id=article.id or 0, held=held, threshold=threshold,
                         th=rt.watch.thresholds)
        used = {h.id for h in verdict.confirms}
        held = [h for h in held if h.id not in used]
        verdicts.append(verdict)
    return verdicts


def confirmed_change(change: Change, verdict: Verdict) -> Change:
    """The change as sent when held items confirm it: the sources that agree, for the message."""
    others = [{"article_url": h.article_url, "source": h.source, "published": h.published,
               "confidence": h.confidence} for h in verdict.confirms]
    details = {**dict(change.details), "confirmed_by": others, "sources_count": 1 + len(others),
               "confidence": verdict.confidence}
    return dataclasses.replace(change, details=details)


def hold(session: Session, *, change: Change, verdict: Verdict, article: Article, title: str, body: str,
         payload: dict[str, Any]) -> int | None:
    """Store a held change (idempotent on its key); returns its row id when new."""
    stat, stance = change.statistic, change.stance
    row = unconfirmed.hold(session, row=Unconfirmed(
        kind=change.kind, dedup_key=change.key, match_key=match_key(change) or change.key,
        publisher=publisher_of(article.url), article_id=article.id,
        value=stat.value if stat else None, value_high=stat.value_high if stat else None,
        unit=stat.unit if stat else None, approx=stat.approx if stat else False,
        position=stance.position if stance else None, confidence=verdict.confidence or 0.0,
        threshold=verdict.threshold, title=title, body=body, payload=payload))
    return row.id if row is not None else None


def expire(rt: Runtime, *, now: datetime) -> int:
    """Expire the held items older than ``REMON_UNCONFIRMED_MAX_DAYS`` (the maintenance beat and
    ``remon poll --once`` call it); returns how many."""
    cutoff = expiry_cutoff(now, rt.settings.unconfirmed_max_days)
    if cutoff is None:
        return 0
    with session_scope(rt.db_url) as session:
        count = unconfirmed.expire(session, held_before=cutoff, now=now)
    if count:
        log.info("%d held item(s) expired unconfirmed: no second source within %d days", count,
                 rt.settings.unconfirmed_max_days)
    return count
