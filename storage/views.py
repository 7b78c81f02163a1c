"""Rows shaped as the JSON users see: one function per kind of row, the one place that decides it.

One module per consumer (``storage/__init__.py``): the review reads (``storage.review``) and the
corrections (``storage.corrections``) shape their rows here, so ``remon … --format json``, the
JSON API under ``/api``, the exports and the pages show a row the same way (SCHEMA.md for alerts).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.models import Alert, Article, Claim, Delivery, Source, Stance, Statistic
from worker.measures.render import MEASURE_KINDS


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def alert_json(alert: Alert, deliveries: list[Delivery]) -> dict[str, Any]:
    """An alert as ``remon alerts list --format json`` prints it (SCHEMA.md)."""
    payload = alert.payload or {}
    return {
        "id": alert.id,
        "kind": alert.kind,
        "created_at": iso(alert.created_at),
        "article_id": alert.article_id,
        "article_url": payload.get("article_url"),
        "source": payload.get("source"),
        "title": alert.title,
        "body": alert.body,
        "statistic": payload.get("statistic"),
        "previous": payload.get("previous"),
        "stance": payload.get("stance"),
        "previous_position": payload.get("previous_position"),
        "claim": payload.get("claim"),
        "confidence": payload.get("confidence"),
        "gate": payload.get("gate"),
        "confirmed_by": (payload.get("details") or {}).get("confirmed_by") or [],
        "measure": payload.get("details") if alert.kind in MEASURE_KINDS else None,
        "deliveries": [
            {"channel": d.channel, "mode": d.mode, "status": d.status, "attempts": d.attempts,
             "last_error": d.last_error, "sent_at": iso(d.sent_at)}
            for d in deliveries
        ],
    }


def article_json(article: Article, *, with_text: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": article.id, "url": article.url, "title": article.title, "language": article.language,
        "published": iso(article.published_at), "first_seen": iso(article.first_seen_at),
        "status": article.status, "relevant": article.relevant, "relevance": article.relevance,
        "duplicate_of": article.duplicate_of, "extractor": article.extractor,
        "error_code": article.error_code, "error_message": article.error_message,
        "source_id": article.source_id,
    }
    if with_text:
        out["text"] = article.text
    return out


def source_json(source: Source) -> dict[str, Any]:
    return {
        "id": source.id, "url": source.url, "name": source.name, "kind": source.kind, "lang": source.lang,
        "interval": source.interval, "enabled": source.enabled, "next_check": iso(source.next_check_at),
        "last_success": iso(source.last_success_at), "error_count": source.error_count,
        "error_code": source.error_code, "error_message": source.error_message, "problem": source.problem,
    }


def statistic_json(row: Statistic) -> dict[str, Any]:
    return {"id": row.id, "article_id": row.article_id, "value": row.value, "value_high": row.value_high,
            "unit": row.unit, "approx": row.approx, "subject": row.subject, "material": row.material,
            "measure": row.measure, "metric_key": row.metric_key, "period": row.period,
            "sentence": row.sentence, "start": row.start, "end": row.end, "published": iso(row.published_at)}


def stance_json(row: Stance) -> dict[str, Any]:
    return {"id": row.id, "article_id": row.article_id, "actor": row.actor, "position": row.position,
            "confidence": row.confidence, "sentence": row.sentence, "published": iso(row.published_at)}


def claim_json(row: Claim) -> dict[str, Any]:
    """A claim; ``speaker`` in one form, the label ("China", "Analysts"), ``speaker_key`` as extracted."""
    from worker.alert.render import speaker_label

    return {"id": row.id, "article_id": row.article_id, "speaker": speaker_label(row.speaker),
            "speaker_key": row.speaker, "text": row.text,
            "fingerprint": row.fingerprint, "sentence": row.sentence, "published": iso(row.published_at)}
