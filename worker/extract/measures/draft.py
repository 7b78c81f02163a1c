"""The mutable record an event is built in before it becomes a frozen ``MeasureEvent``."""

from __future__ import annotations

from dataclasses import dataclass, field

from worker.types import MeasureEvent, Threshold

__all__ = ["DATE_FIELDS", "Draft"]

DATE_FIELDS: tuple[str, ...] = ("announced", "effective", "until")


@dataclass
class Draft:
    """One event while it is assembled and merged; ``mentions`` counts the statements merged in."""

    action: str
    issuer: str | None
    materials: list[str]
    items: list[str]
    identifier: str | None
    refers_to: str | None
    announced: str | None
    effective: str | None
    until: str | None
    targets: list[str]
    thresholds: list[Threshold]
    sentence: str
    start: int
    end: int
    in_title: bool
    confidence: float
    order: int  # position of the statement in the document (title first)
    guessed_materials: bool = False
    mentions: int = 1
    year_hint: list[int] = field(default_factory=list)
    immediate: bool = False  # "with immediate effect": effective on the day announced
    descriptive: bool = False  # a requirement describing a measure ("exporters will need licences")

    def freeze(self) -> MeasureEvent:
        """The final, immutable event (dates without a year listed in ``dates_as_written``)."""
        as_written = tuple(f for f in DATE_FIELDS if (getattr(self, f) or "").startswith("--"))
        return MeasureEvent(
            action=self.action,
            issuer=self.issuer,
            materials=tuple(self.materials),
            items=tuple(self.items),
            identifier=self.identifier,
            refers_to=self.refers_to,
            announced=self.announced,
            effective=self.effective,
            until=self.until,
            targets=tuple(self.targets),
            thresholds=tuple(self.thresholds),
            dates_as_written=as_written,
            sentence=self.sentence,
            start=self.start,
            end=self.end,
            in_title=self.in_title,
            confidence=round(min(0.95, max(0.05, self.confidence)), 3),
        )
