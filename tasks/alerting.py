"""From an analysis to alerts: load the detector's state, run it, write alerts and deliveries.

Runs inside the analysis transaction (``persist.article_analysed``), so the statistics, the
alerts they raise and the delivery rows are committed together or not at all (the outbox).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from storage import corrections, queries, review, unconfirmed
from storage.db import session_scope
from storage.models import Alert, Article, Delivery, Heartbeat, Source, utcnow
from storage.models import Claim as ClaimRow
from storage.models import Stance as StanceRow
from storage.models import Statistic as StatisticRow
from tasks import alert_gate
from tasks.runtime import Runtime
from worker.alert.chart import MAX_CHARTS, DigestChart, changed_metrics, charts_html, digest_chart
from worker.alert.notify import Attachment
from worker.alert.render import AlertView, render, render_digest, view_from_change
from worker.alert.route import debounce_key, route, should_debounce
from worker.detect.detector import detect
from worker.detect.state import ArticleContext, DetectorState, KnownClaim, MetricPoint, PositionPoint
from worker.types import Analysis, Change

log = logging.getLogger("remon.alerting")


def _source_label(session: Session, source_id: int | None) -> str | None:
    if source_id is None:
        return None
    source = session.get(Source, source_id)
    return (source.name or source.url) if source else None


def load_state(session: Session, *, article: Article, analysis: Analysis) -> DetectorState:
    """Only the history the detector needs for this article's metric keys, actors and claims."""
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
                source=_source_label(session, art.source_id), alerted=stat.alerted))
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


def detect_and_record(session: Session, rt: Runtime, *, article: Article, analysis: Analysis) -> list[int]:
    """Run the detector for one analysed article and write its alerts (returns new alert ids)."""
    state = load_state(session, article=article, analysis=analysis)
    source = _source_label(session, article.source_id)
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
    if alerted_indexes:
        for row in session.exec(select(StatisticRow).where(StatisticRow.article_id == article.id)).all():
            if row.idx in alerted_indexes:
                row.alerted = True
                session.add(row)
    return ids


def _view(rt: Runtime, change: Change, *, article: Article | None, source: str | None,
          sources_count: int) -> AlertView:
    return view_from_change(
        change, article_url=article.url if article else None, article_title=article.title if article else None,
        source=source, published=article.order_at if article else None, sources_count=sources_count,
        review_url=(f"{rt.settings.base_url.rstrip('/')}/articles/{article.id}" if article else None))


def _payload(change: Change, article: Article | None, source: str | None) -> dict[str, Any]:
    stat = change.statistic
    return {
        "article_url": article.url if article else change.details.get("url"),
        "source": source,
        "statistic": {"subject": stat.subject, "material": stat.material, "measure": stat.measure,
                      "value": stat.value, "value_high": stat.value_high, "unit": stat.unit,
                      "approx": stat.approx, "period": stat.period, "sentence": stat.sentence} if stat else None,
        "previous": _jsonable(dict(change.previous)) if change.previous else None,
        "stance": {"actor": change.stance.actor, "position": change.stance.position,
                   "sentence": change.stance.sentence} if change.stance else None,
        "previous_position": change.previous_position,
        "claim": {"speaker": change.claim.speaker, "text": change.claim.text,
                  "fingerprint": change.claim.fingerprint} if change.claim else None,
        "details": _jsonable(dict(change.details)),
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.date().isoformat() if value.hour == value.minute == 0 else value.isoformat()
    return value


def _message(session: Session, rt: Runtime, *, change: Change, article: Article | None,
             source: str | None) -> tuple[str, str, dict[str, Any]]:
    """The text title and body of a change, and its payload with every format and language."""
    count = queries.appearance_count(session, article_id=article.id) if article and article.id else 0
    sources = max(count, 1)
    if change.details.get("confirmed_by"):  # the publishers that agree, whatever copies they had
        sources = max(sources, int(change.details.get("sources_count") or 1))
    view = _view(rt, change, article=article, source=source, sources_count=sources)
    title, body = render(view, "text")
    payload = _payload(change, article, source)
    # each target gets the format it renders best (apprise's notify_format): keep all three
    payload["formats"] = {fmt: dict(zip(("title", "body"), render(view, fmt), strict=True))
                          for fmt in ("markdown", "html")}
    # the other languages a channel may ask for (a tag's ``lang``): every format of each
    payload["i18n"] = {lang: {fmt: dict(zip(("title", "body"), render(view, fmt, lang), strict=True))
                              for fmt in ("text", "markdown", "html")} for lang in ("zh",)}
    return title, body, payload


def record_change(session: Session, rt: Runtime, *, change: Change, article: Article | None,
                  source: str | None, source_id: int | None = None,
                  gate: dict[str, Any] | None = None) -> int | None:
    """Write one alert (unless its dedup key exists or a correction silenced it) and its delivery rows,
    routed by tag."""
    if corrections.silenced(session, change.key):
        return None
    title, body, payload = _message(session, rt, change=change, article=article, source=source)
    payload.update(gate or {})
    key = debounce_key(change)
    now = utcnow()
    window = timedelta(minutes=rt.watch.routing.debounce_minutes)
    last = session.exec(select(Alert.created_at).where(Alert.debounce_key == key)
                        .order_by(col(Alert.created_at).desc())).first()
    debounced = change.kind != "new_statistic" and should_debounce(last, now, window)
    if debounced:  # the same metric (or stance) flapping inside the window: record, do not send
        payload["debounced"] = True
    alert = queries.insert_alert(session, alert=Alert(
        kind=change.kind, dedup_key=change.key, debounce_key=key, article_id=article.id if article else None,
        source_id=source_id if source_id is not None else (article.source_id if article else None),
        title=title, body=body, payload=payload, created_at=now))
    if alert is None or alert.id is None:
        return None
    if debounced:
        return alert.id
    for target in route(change, rt.watch.routing, list(rt.channels)):
        queries.add_delivery(session, alert_id=alert.id, channel_key=target.channel.key,
                             channel=target.channel.label, mode=target.mode)
    return alert.id


def localised(title: str, body: str, payload: dict[str, Any] | None, lang: str, fmt: str) -> tuple[str, str]:
    """An alert's (title, body) in a channel's language and format, as stored in its payload."""
    payload = payload or {}
    if lang != "en":
        rendered = (payload.get("i18n") or {}).get(lang, {}).get(fmt)
        if rendered:
            return rendered["title"], rendered["body"]
    if fmt != "text":
        rendered = (payload.get("formats") or {}).get(fmt)
        if rendered:
            return rendered["title"], rendered["body"]
    return title, body


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
            last = session.get(Heartbeat, marker)
            if next_digest_due(mode, last.at if last else None, now) > now:
                continue
            rows = session.exec(select(Delivery, Alert).join(Alert, col(Alert.id) == Delivery.alert_id).where(
                Delivery.channel_key == channel.key, Delivery.status == "digest")
                .order_by(col(Delivery.id))).all()
            # items held below the confidence gate since the last digest: a section of their own
            lang = channel_lang(channel, rt.watch.routing)
            held = [localised(u["title"], u["body"], u["payload"], lang, "text") for u in reversed(
                unconfirmed.listing(session, status="waiting", since=last.at if last else None))]
            if not rows and not held:
                queries.beat(session, name=marker)
                continue
            # email (HTML) gets a chart per changed metric, drawn now from the stored values
            fmt: Format = "html" if channel_format(channel) == "html" else "text"
            charts = digest_charts(session, [a.payload for _, a in rows], lang) if fmt == "html" else []
            texts = [(a.kind.startswith("source_"), localised(a.title, a.body, a.payload, lang, "text"))
                     for _, a in rows]  # source health last, after the unconfirmed section
            title, body = render_digest([t for health, t in texts if not health], fmt, held=held,
                                        health=[t for health, t in texts if health], lead=charts_html(charts, lang))
        result = send(channel, title, body, body_format=fmt,
                      attachments=tuple(Attachment(c.name, c.png()) for c in charts))
        with session_scope(rt.db_url) as session:
            for delivery, _ in rows:
                row = session.get(Delivery, delivery.id)
                if row is None:
                    continue
                row.attempts += 1
                if result.ok:
                    row.status, row.sent_at = "sent", utcnow()
                else:
                    row.last_error = result.error
                session.add(row)
            if result.ok:
                queries.beat(session, name=marker)
                sent += 1
    return sent

