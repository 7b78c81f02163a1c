"""SQLModel tables: the record of what was seen, extracted and sent.

Every table that a task writes has a unique key that makes the write idempotent, so a task
that runs twice (Celery redelivery after a crash) leaves the database as one run would:
``articles.url`` (canonical URL), ``alerts.dedup_key``, ``deliveries (alert_id, channel_key)``,
``appearances (article_id, source_id)`` and ``(article_id, idx)`` on extracted rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Source(SQLModel, table=True):
    """A feed, listing page or search query that we poll, with its health."""

    __tablename__ = "sources"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    name: str | None = None
    kind: str = "feed"
    lang: str | None = None
    interval: int = 900
    enabled: bool = True
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    etag: str | None = None
    last_modified: str | None = None
    # SHA-256 of the last body served (with kind and options): the same bytes are not parsed again
    body_hash: str | None = None
    feed_ttl: int | None = None
    next_check_at: datetime = Field(default_factory=utcnow, index=True)
    claimed_until: datetime | None = None
    claimed_by: str | None = None  # owner token of the claim (tasks.claims): process and task run
    last_checked_at: datetime | None = None
    last_success_at: datetime | None = None
    error_count: int = 0
    error_code: str | None = None
    error_message: str | None = Field(default=None, sa_column=Column(Text))
    failing_alerted: bool = False
    problem: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow)


class Article(SQLModel, table=True):
    """One story at its canonical URL; ``status`` drives the pipeline and the sweeper."""

    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_status_seen", "status", "first_seen_at"),
                      Index("ix_articles_first_seen", "first_seen_at"))

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    source_id: int | None = Field(default=None, foreign_key="sources.id", index=True)
    title: str | None = Field(default=None, sa_column=Column(Text))
    feed_summary: str | None = Field(default=None, sa_column=Column(Text))
    text: str | None = Field(default=None, sa_column=Column(Text))
    language: str | None = None
    published_at: datetime | None = Field(default=None, index=True)
    published_raw: str | None = None
    extractor: str | None = None
    encoding: str | None = None
    content_hash: str | None = Field(default=None, index=True)
    signature: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    duplicate_of: int | None = Field(default=None, foreign_key="articles.id", index=True)
    relevance: float | None = None
    relevant: bool | None = None
    matched_terms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", index=True)  # pending|analysed|duplicate|irrelevant|failed
    attempts: int = 0
    lease_until: datetime | None = None
    claimed_by: str | None = None  # owner token of the claim (tasks.claims): process and task run
    error_code: str | None = None
    error_message: str | None = Field(default=None, sa_column=Column(Text))
    first_seen_at: datetime = Field(default_factory=utcnow)
    analysed_at: datetime | None = None

    @property
    def order_at(self) -> datetime:
        """Articles count in order of publication, else of first sight (SCHEMA.md)."""
        return self.published_at or self.first_seen_at


class Appearance(SQLModel, table=True):
    """A source carrying a story: the article itself or a syndicated copy of it."""

    __tablename__ = "appearances"
    __table_args__ = (UniqueConstraint("article_id", "source_id", "url", name="uq_appearance"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    source_id: int | None = Field(default=None, foreign_key="sources.id")
    url: str = Field(sa_column=Column(Text, nullable=False))
    seen_at: datetime = Field(default_factory=utcnow)


class Statistic(SQLModel, table=True):
    __tablename__ = "statistics"
    __table_args__ = (
        UniqueConstraint("article_id", "idx", name="uq_statistic"),
        Index("ix_statistics_metric_time", "metric_key", "published_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    idx: int
    value: float
    value_high: float | None = None
    unit: str
    approx: bool = False
    subject: str | None = None
    material: str | None = None
    measure: str | None = None
    metric_key: str | None = None
    period: str | None = None
    sentence: str = Field(default="", sa_column=Column(Text, nullable=False))
    start: int = 0
    end: int = 0
    published_at: datetime | None = None
    alerted: bool = False
    confidence: float | None = None  # the extractor's calibrated confidence (None before 0005)


class Stance(SQLModel, table=True):
    __tablename__ = "stances"
    __table_args__ = (
        UniqueConstraint("article_id", "idx", name="uq_stance"),
        Index("ix_stances_actor_time", "actor", "published_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    idx: int
    actor: str
    position: str
    confidence: float = 0.5
    sentence: str = Field(default="", sa_column=Column(Text, nullable=False))
    published_at: datetime | None = None


class Claim(SQLModel, table=True):
    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("article_id", "idx", name="uq_claim"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    idx: int
    fingerprint: str = Field(index=True)
    speaker: str | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    sentence: str = Field(default="", sa_column=Column(Text, nullable=False))
    published_at: datetime | None = None


class Alert(SQLModel, table=True):
    """A change worth telling; written in the analysis transaction (the outbox)."""

    __tablename__ = "alerts"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    dedup_key: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    debounce_key: str | None = Field(default=None, index=True)
    article_id: int | None = Field(default=None, foreign_key="articles.id", index=True)
    source_id: int | None = Field(default=None, foreign_key="sources.id")
    title: str = Field(sa_column=Column(Text, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Delivery(SQLModel, table=True):
    """One alert to one channel: status, attempts and the last (masked) error."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "channel_key", name="uq_delivery"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alerts.id", index=True)
    channel_key: str
    channel: str  # masked label, safe to show
    mode: str = "immediate"  # immediate | digest
    status: str = "pending"  # pending | sending | sent | failed | digest
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_until: datetime | None = None
    claimed_by: str | None = None  # owner token of the claim (tasks.claims): process and task run
    sent_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Heartbeat(SQLModel, table=True):
    """Last time each process kind did something (beat tick, task success): for health checks."""

    __tablename__ = "heartbeats"

    name: str = Field(primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    detail: str | None = None


class TaskMetric(SQLModel, table=True):
    """Counters every process adds to, so /metrics sees all workers, whichever host they run on."""

    __tablename__ = "task_metrics"

    name: str = Field(primary_key=True)
    runs: int = 0
    failures: int = 0
    total_seconds: float = 0.0
    last_at: datetime | None = None


class Unconfirmed(SQLModel, table=True):
    """A change the confidence gate held: it waits for a second, independent source (issue 15).

    ``dedup_key`` is the change's key, so a rerun of the same article holds it once; the row is
    written in the analysis transaction and marked ``confirmed`` in the transaction of the alert
    that confirms it, so a restart loses nothing and the confirmation is written once.
    """

    __tablename__ = "unconfirmed"
    __table_args__ = (Index("ix_unconfirmed_match_status", "match_key", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    dedup_key: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    match_key: str
    publisher: str = ""
    article_id: int | None = Field(default=None, foreign_key="articles.id", index=True)
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    approx: bool = False
    position: str | None = None
    confidence: float = 0.0
    threshold: float = 0.8
    status: str = Field(default="waiting", index=True)  # waiting | confirmed | expired
    alert_id: int | None = Field(default=None, foreign_key="alerts.id")  # the alert that confirmed it
    title: str = Field(sa_column=Column(Text, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)
    confirmed_at: datetime | None = None
    expired_at: datetime | None = None  # when no second source came in REMON_UNCONFIRMED_MAX_DAYS


class Correction(SQLModel, table=True):
    """A person's verdict on an alert, statistic or stance: ``wrong``, or a ``fix`` of some fields.

    Never overwrites the extracted row (both are kept); reads apply the latest correction of a
    target (``storage.corrections``). ``silence_key`` is the dedup key of the alert the target
    caused, which is then not alerted again; ``metric_key`` is a fixed statistic's metric.
    """

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_target", "target_kind", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    who: str = "web"
    target_kind: str  # alert | statistic | stance
    target_id: int
    action: str  # wrong | fix
    article_id: int | None = Field(default=None, foreign_key="articles.id", index=True)
    subject: str | None = None
    material: str | None = None
    measure: str | None = None
    value: float | None = None
    actor: str | None = None
    position: str | None = None
    metric_key: str | None = Field(default=None, index=True)
    silence_key: str | None = Field(default=None, sa_column=Column(Text, index=True))
    note: str | None = Field(default=None, sa_column=Column(Text))
