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
class Threshold:
    """A numeric condition inside a control rule: the 0.1% de-minimis value share, a purity grade."""

    kind: str  # de_minimis_value_share | purity | …
    value: float
    unit: str  # a SCHEMA unit (percent, …)


@dataclass(frozen=True)
class MeasureEvent:
    """One thing an authority did to an export-control measure, as one text reports it.

    ``action`` is one of ``impose expand suspend resume lift extend`` (docs/measure_events.md).
    Dates are ISO 8601, as precise as the text: ``2025-10-09``, ``2025-10``, ``2025``; a date whose
    year neither the text nor the published date gives stays as written, ``--10-09`` / ``--10``,
    and its field is listed in ``dates_as_written``. ``until`` is the end of a suspension or of
    the measure. ``identifier`` names the announcement that states the event
    ("商务部公告2025年第72号"), ``refers_to`` the measure it acts on when the text names it
    ("暂停实施…公告2024年第46号"). ``start``/``end`` are the offsets of the action phrase in the
    analysed text (in the title when ``in_title``); ``sentence`` is the evidence. Stable keys
    throughout, so events from several articles can be stored and merged into one measure
    (``measure_key``).
    """

    action: str
    issuer: str | None = None
    materials: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    identifier: str | None = None
    refers_to: str | None = None
    announced: str | None = None
    effective: str | None = None
    until: str | None = None
    targets: tuple[str, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    dates_as_written: tuple[str, ...] = ()
    sentence: str = ""
    start: int = 0
    end: int = 0
    in_title: bool = False
    confidence: float = 0.5

    @property
    def measure_key(self) -> str:
        """What names the measure this event is about: the announcement it acts on or states it,
        else issuer + date + materials."""
        if self.refers_to or self.identifier:
            return self.refers_to or self.identifier  # type: ignore[return-value]
        when = self.announced or self.effective or self.until or "?"
        return f"{self.issuer or '?'}|{when}|{','.join(sorted(self.materials)) or '?'}"

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


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
    measures: tuple[MeasureEvent, ...] = ()

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
            "measures": [m.to_dict() for m in self.measures],
        }


# ----------------------------------------------------------------------------- detect


@dataclass(frozen=True)
class Change:
    """One thing worth an alert, decided by ``worker.detect`` from stored state + an analysis.

    ``key`` is deterministic for the same article and change, so the alert written for it is
    idempotent (a unique dedup key in storage).
    """

    kind: str  # a name in the alert-kind registry (worker.alert.kinds.KINDS)
    key: str
    statistic: Statistic | None = None
    previous: Mapping[str, Any] | None = None
    stance: Stance | None = None
    previous_position: str | None = None
    claim: Claim | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
