"""Reminders N days before a measure takes effect or a suspension (or the measure) ends.

For each upcoming date the reminder due today is the one with the smallest offset that is at
least the days left: with offsets 30, 7, 1 a date 20 days away is in its 30-day window, 5 days
away in its 7-day one. So a beat that was down across a window sends the reminder that still
makes sense, not a stale "30 days" one, and each (measure, date, offset) has one dedup key:
a reminder is sent once, whichever worker (or restarted worker) runs the schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from worker.measures.facts import Fact
from worker.measures.status import upcoming

DEFAULT_OFFSETS = (30, 7, 1)


@dataclass(frozen=True)
class Reminder:
    measure_id: int
    what: str  # takes_effect | suspension_ends | measure_ends
    day: date
    offset: int
    days_left: int
    fact: Fact

    @property
    def key(self) -> str:
        return f"measure_reminder:{self.measure_id}:{self.what}:{self.day.isoformat()}:{self.offset}"


def parse_offsets(text: str) -> tuple[int, ...]:
    """``"30,7,1"`` → (30, 7, 1); raises ValueError on anything but positive whole days."""
    values = tuple(sorted({int(p) for p in text.replace(" ", "").split(",") if p}, reverse=True))
    if not values or any(v < 1 for v in values):
        raise ValueError("expected positive whole days separated by commas, e.g. 30,7,1")
    return values


def _what(status: str, action: str, kind: str) -> str | None:
    if kind == "start" and status == "in_force" and action in ("impose", "expand"):
        return "takes_effect"
    if kind == "end" and action == "suspend":
        return "suspension_ends"
    if kind == "end" and status == "lifted":
        return "measure_ends"
    return None


def due_reminders(measure_id: int, facts: Sequence[Fact], today: date,
                  offsets: Sequence[int] = DEFAULT_OFFSETS) -> list[Reminder]:
    """The reminders due on ``today`` for one measure (each once: see ``Reminder.key``)."""
    out: list[Reminder] = []
    for t in upcoming(facts, today):
        what = _what(t.status, t.action, t.kind)
        if what is None:
            continue
        # an end transition is the day after the last day: remind of the last day
        day = t.day if t.kind == "start" else t.day.fromordinal(t.day.toordinal() - 1)
        left = (day - today).days
        fitting = [o for o in offsets if o >= left]
        if left >= 1 and fitting:
            out.append(Reminder(measure_id, what, day, min(fitting), left, t.fact))
    return out
