"""What the measure functions read: one stored event with the article that reported it.

Dates in events are ISO 8601 as precise as the text ("2025-10-09", "2025-10", "2025") or left
as written ("--10-09"); ``day_of`` turns the first kinds into a calendar day (the first day of
the month or year: the earliest the text allows) and the last into None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from worker.types import MeasureEvent

ACTIONS = ("impose", "expand", "suspend", "resume", "lift", "extend")


@dataclass(frozen=True)
class Fact:
    """A measure event as one article reported it: ``published`` is the article's date, used
    when the event states none."""

    event: MeasureEvent
    published: date | None = None
    article_id: int = 0
    source: str | None = None
    event_id: int = 0

    @property
    def when(self) -> date | None:
        """When the action takes effect: its effective date, else its announced one, else the report's."""
        return day_of(self.event.effective) or day_of(self.event.announced) or self.published


def day_of(value: str | None) -> date | None:
    """``2025-10-09`` → that day; ``2025-10`` → 1 October; ``2025`` → 1 January; ``--10-09`` → None."""
    if not value or value.startswith("--"):
        return None
    parts = value.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
        return date(year, month, day)
    except (ValueError, IndexError):
        return None
