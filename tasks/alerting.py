"""From an analysis to alerts: load the detector's state, run it, write alerts and deliveries.

Runs inside the analysis transaction (``persist.article_analysed``), so the statistics, the
alerts they raise and the delivery rows are committed together or not at all (the outbox).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session

from storage import corrections, pipeline, review, unconfirmed
from storage.db import session_scope
from storage.models import Article, utcnow
from tasks import alert_gate
from tasks.runtime import Runtime
from worker.alert.chart import MAX_CHARTS, DigestChart, changed_metrics, charts_html, digest_chart
from worker.alert.kinds import about_source
from worker.alert.notify import Attachment
from worker.alert.plan import AlertContext, localised, message, plan_alert
from worker.alert.render import render_digest
from worker.alert.route import debounce_key
from worker.detect.detector import detect
from worker.detect.state import ArticleContext, DetectorState
from worker.types import Analysis, Change

log = logging.getLogger("remon.alerting")


def load_state(session: Session, *, article: Article, analysis: Analysis) -> DetectorState:
    """Only the history the detector needs for this article (``storage.pipeline.detector_state``)."""
    return pipeline.detector_state(session, article=article, analysis=analysis)


def detect_and_record(session: Session, rt: Runtime, *, article: Article, analysis: Analysis) -> list[int]:
    """Run the detector for one analysed article and write its alerts (returns new alert ids)."""
    state = pipeline.detector_state(session, article=article, analysis=analysis)
    source = pipeline.source_label(session, article.source_id)
    context = ArticleContext(article_id=article.id or 0, url=article.url, source=source,
                             published=article.order_at, is_duplicate=False)
    decision = detect(state, analysis, context, rt.watch.thresholds)
    verdicts = alert_gate.judge(session, rt, article=article, changes=list(decision.changes))
    held_indexes: set[int] = set()
    ids: list[int] = []
    for change, verdict in zip(decision.changes, verdicts, strict=True):
        if verdict.action == "hold":  # below the gate: stored unconfirmed, no alert, no current value
            title, body, payload = _message(session, rt, change=change, article=article, source=source)
            payload.update(confidence=verdict.confidence, gate="hold")
            alert_gate.hold(session, change=change, verdict=verdict, article=article, title=title, body=body,
                            payload=payload)
            if change.statistic is not None and change.details.get("index") is not None:
                held_indexes.add(int(change.details["index"]))
            continue
        if verdict.action == "confirm":
            change = alert_gate.confirmed_change(change, verdict)
        alert_id = record_change(session, rt, change=change, article=article, source=source,
                                 gate={"gate": verdict.action, "confidence": verdict.confidence})
        if alert_id is not None:
            ids.append(alert_id)
            if verdict.action == "confirm":
                unconfirmed.confirm(session, ids=[h.id for h in verdict.confirms], alert_id=alert_id)
    alerted_indexes = {i for i, flag in enumerate(decision.alerted_statistics) if flag} - held_indexes
    pipeline.mark_alerted(session, article_id=article.id or 0, indexes=alerted_indexes)
    return ids


def _context(session: Session, rt: Runtime, article: Article | None, source: str | None) -> AlertContext:
    if article is None or article.id is None:
        return AlertContext(source=source, base_url=rt.settings.base_url)
    return AlertContext(article_id=article.id, article_url=article.url, article_title=article.title,
                        published=article.order_at, source=source, base_url=rt.settings.base_url,
                        appearances=pipeline.appearance_count(session, article_id=article.id))


def _message(session: Session, rt: Runtime, *, change: Change, article: Article | None,
             source: str | None) -> tuple[str, str, dict[str, Any]]:
    """The text title and body of a change, and its payload with every format and language."""
    return message(change, _context(session, rt, article, source))


def record_change(session: Session, rt: Runtime, *, change: Change, article: Article | None,
                  source: str | None, source_id: int | None = None,
                  gate: dict[str, Any] | None = None) -> int | None:
    """Write one alert and its delivery rows as the planner (``worker.alert.plan``) plans them, unless its
    dedup key exists or a correction silenced it."""
    if corrections.silenced(session, change.key):
        return None
    plan = plan_alert(change, _context(session, rt, article, source), routing=rt.watch.routing,
                      channels=rt.channels, now=utcnow(), gate=gate,
                      last_at=pipeline.last_alert_at(session, debounce_key=debounce_key(change)))
    if source_id is None and article is not None:
        source_id = article.source_id
    return pipeline.write_alert(session, plan=plan, article_id=article.id if article else None, source_id=source_id)


def source_health_alert(session: Session, rt: Runtime, *, change: Change, source_id: int, source: str) -> list[int]:
    """``source_failing`` / ``source_recovered`` as the health decider planned it (once per episode)."""
    alert_id = record_change(session, rt, change=change, article=None, source=source, source_id=source_id)
    return [alert_id] if alert_id else []


def digest_charts(session: Session, payloads: list[dict[str, Any] | None], lang: str) -> list[DigestChart]:
    """The charts of the metrics a digest's alerts changed, from their stored values as corrected:
    regenerated at every send (deterministic), so a digest retried after a restart has them too."""
    charts: list[DigestChart] = []
    for key in changed_metrics(payloads)[:MAX_CHARTS]:
        chart = digest_chart(key, review.metric_overview(session, metric=key)["points"],
                             number=len(charts) + 1, lang=lang)
        if chart is not None:
            charts.append(chart)
    return charts


def send_due_digests(rt: Runtime, *, now: datetime) -> int:
    """One message per digest channel whose period is over, listing every waiting alert."""
    from worker.alert.notify import Format, channel_format, send
    from worker.alert.route import channel_lang, next_digest_due, tag_mode_for

    sent = 0
    for channel in rt.channels:
        mode = tag_mode_for(channel, rt.watch.routing)
        if mode is None or mode.mode != "digest":
            continue
        marker = f"digest:{channel.key}"
        with session_scope(rt.db_url) as session:
            last = pipeline.heartbeat_at(session, name=marker)
            if next_digest_due(mode, last, now) > now:
                continue
            rows = pipeline.digest_rows(session, channel_key=channel.key)
            # items held below the confidence gate since the last digest: a section of their own
            lang = channel_lang(channel, rt.watch.routing)
            held = [localised(u["title"], u["body"], u["payload"], lang, "text") for u in reversed(
                unconfirmed.listing(session, status="waiting", since=last))]
            expired = [localised(u["title"], u["body"], u["payload"], lang, "text") for u in reversed(
                unconfirmed.listing(session, status="expired", expired_since=last))]
            if not rows and not held and not expired:
                pipeline.beat(session, name=marker)
                continue
            # email (HTML) gets a chart per changed metric, drawn now from the stored values
            fmt: Format = "html" if channel_format(channel) == "html" else "text"
            charts = digest_charts(session, [a.payload for _, a in rows], lang) if fmt == "html" else []
            texts = [(about_source(a.kind), localised(a.title, a.body, a.payload, lang, "text"))
                     for _, a in rows]  # source health last, after the unconfirmed section
            title, body = render_digest([t for health, t in texts if not health], fmt, held=held, expired=expired,
                                        health=[t for health, t in texts if health], lead=charts_html(charts, lang),
                                        lang=lang)
        result = send(channel, title, body, body_format=fmt,
                      attachments=tuple(Attachment(c.name, c.png()) for c in charts))
        with session_scope(rt.db_url) as session:
            pipeline.digest_tried(session, delivery_ids=[d.id for d, _ in rows if d.id is not None], ok=result.ok,
                                  error=result.error)
            if result.ok:
                pipeline.beat(session, name=marker)
                sent += 1
    return sent

