"""Reads for the operational surfaces: ``remon health``, /readyz and the Prometheus /metrics.

One module per consumer (see ``storage/__init__.py``): these are the only queries the health
checks and the metrics scrape make, each a count or a single row, cheap on a large history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from storage.models import Article, Delivery, Heartbeat, Source, TaskMetric

PENDING_ARTICLES = ("pending", "processing")
DUE_DELIVERIES = ("pending", "sending")
PROCESSED_ARTICLES = ("analysed", "duplicate", "irrelevant")


def schema_version(session: Session) -> str | None:
    """The Alembic revision the database is at (a round trip first: is it answering at all)."""
    session.execute(text("SELECT 1"))
    version = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if version is None else str(version)


def heartbeat_at(session: Session, name: str) -> datetime | None:
    """When ``name`` (the beat tick, a task kind) last recorded that it did something."""
    row = session.get(Heartbeat, name)
    return row.at if row else None


def last_task_success(session: Session) -> datetime | None:
    """The newest heartbeat of any task (``task.*``); None before the first task ran."""
    rows = session.exec(select(Heartbeat.at).where(col(Heartbeat.name).startswith("task."))).all()
    return max(rows) if rows else None


@dataclass(frozen=True)
class Backlog:
    pending_articles: int
    due_deliveries: int
    failed_deliveries: int


def backlog(session: Session) -> Backlog:
    """Articles waiting for analysis, deliveries due and deliveries that gave up."""
    def count(model: type[Article] | type[Delivery], where: Any) -> int:
        return int(session.exec(select(func.count()).select_from(model).where(where)).one())

    return Backlog(count(Article, col(Article.status).in_(PENDING_ARTICLES)),
                   count(Delivery, col(Delivery.status).in_(DUE_DELIVERIES)),
                   count(Delivery, col(Delivery.status) == "failed"))


@dataclass(frozen=True)
class Counters:
    """What /metrics exposes, read in one session."""

    tasks: list[TaskMetric]
    fetch_errors: list[tuple[str, int]]  # (error code, sources whose last poll failed with it)
    articles: list[tuple[str, int]]  # (pipeline status, articles)
    processed: int
    deliveries: list[tuple[str, str, int]]  # (masked channel, status, deliveries)


def counters(session: Session) -> Counters:
    tasks = list(session.exec(select(TaskMetric)).all())
    errors = session.exec(select(Source.error_code, func.count()).where(
        col(Source.error_code).is_not(None)).group_by(col(Source.error_code))).all()
    articles = session.exec(select(Article.status, func.count()).group_by(col(Article.status))).all()
    processed = session.exec(select(func.count()).select_from(Article).where(
        col(Article.status).in_(PROCESSED_ARTICLES))).one()
    deliveries = session.exec(select(Delivery.channel, Delivery.status, func.count())
                              .group_by(col(Delivery.channel), col(Delivery.status))).all()
    return Counters(tasks=tasks, fetch_errors=[(str(c), int(n)) for c, n in errors],
                    articles=[(str(s), int(n)) for s, n in articles], processed=int(processed),
                    deliveries=[(str(c), str(s), int(n)) for c, s, n in deliveries])
