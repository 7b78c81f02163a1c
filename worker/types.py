"""Frozen values passed between stages.

Each stage takes and returns these, never ORM rows, so the stages stay pure and the
storage layer stays the only place that knows about tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

# ----------------------------------------------------------------------------- fetch


@dataclass(frozen=True)
class FetchResult:
    """What one HTTP GET gave: the final URL after redirects and the (decompressed) body."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    elapsed: float = 0.0
    redirects: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


# ----------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, listing page or search result."""

    url: str
    title: str | None = None
    published: datetime | None = None
    published_raw: str | None = None
    summary: str | None = None
    content: str | None = None
    guid: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    """Entries recovered from a feed; ``problem`` says what was wrong when it was malformed."""

    entries: tuple[FeedEntry, ...]
    title: str | None = None
    ttl_seconds: int | None = None
    problem: str | None = None


# ----------------------------------------------------------------------------- scrape


@dataclass(frozen=True)
class Page:
    """An article's text and metadata as read from its HTML (or the feed's fallback)."""

    url: str
    title: str | None
    text: str
    published: datetime | None = None
    published_raw: str | None = None
    language: str | None = None
    author: str | None = None
    extractor: str = "trafilatura"


# ----------------------------------------------------------------------------- extract


@dataclass(frozen=True)
class Statistic:
    """A number about the topic, normalised to SCHEMA units, with its evidence span."""

    value: float
    unit: str
    approx: bool = False
    value_high: float | None = None
    subject: str | None = None
    material: str | None = None
    measure: str | None = None
    period: str | None = None
    sentence: str = ""
    start: int = 0
    end: int = 0
    confidence: float = 0.5  # the chance the statistic is right in full (worker.extract.statistics.attribution)

    @property
    def metric_key(self) -> str | None:
        """``subject/material/measure`` when the statistic can form an alerting metric."""
        if not (self.subject and self.material and self.measure) or self.measure == "other":
            return None
        return f"{self.subject}/{self.material}/{self.measure}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Stance:
    """An actor's position on export controls, with the sentence that states it."""

    actor: str
    position: str
    confidence: float = 0.5
    sentence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Claim:
    """An attributed statement about the topic; ``fingerprint`` matches near-duplicates."""

    speaker: str | None
    text: str
    sentence: str
    fingerprint: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Analysis:
    """Everything the extractor found in one article (SCHEMA.md's ``remon extract`` fields)."""

    language: str
    relevant: bool
    relevance: float
    matched_terms: tuple[str, ...] = ()
    statistics: tuple[Statistic, ...] = ()
    stances: tuple[Stance, ...] = ()
    claims: tuple[Claim, ...] = ()
    reason: str | None = None
    """Why nothing was extracted when it is not the relevance score: a language remon does not read."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "relevant": self.relevant,
            "relevance": round(self.relevance, 4),
            "reason": self.reason,
            "matched_terms": list(self.matched_terms),
            "statistics": [s.to_dict() for s in self.statistics],
            "stances": [s.to_dict() for s in self.stances],
            "claims": [c.to_dict() for c in self.claims],
        }


# ----------------------------------------------------------------------------- detect


@dataclass(frozen=True)
class Change:
    """One thing worth an alert, decided by ``worker.detect`` from stored state + an analysis.

    ``key`` is deterministic for the same article and change, so the alert written for it is
    idempotent (a unique dedup key in storage).
    """

    kind: str  # new_statistic | changed_statistic | stance_shift | new_claim | source_failing | source_recovered
    key: str
    statistic: Statistic | None = None
    previous: Mapping[str, Any] | None = None
    stance: Stance | None = None
    previous_position: str | None = None
    claim: Claim | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
