"""A measure's status on any date, from its events alone (issue 18).

Statuses: ``announced`` (announced, not yet effective), ``in_force``, ``suspended``, ``lifted``;
None before anything is known. Each event gives transitions:

* impose / expand: ``announced`` on its announced date when it takes effect later, ``in_force``
  from its effective date (else its announced date, else the report's); ``lifted`` after its
  ``until`` (a measure with an end date expires);
* suspend: ``suspended`` from its date; ``in_force`` again the day after its ``until``;
* resume: ``in_force``; lift: ``lifted``;
* extend: moves the end of the latest suspension (or of the measure) to its ``until``.

Where reports disagree on a date, the one most reports give wins (ties: the latest reported),
and the disagreement is flagged by ``merge.conflicts``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from worker.measures.facts import Fact, day_of

STATUSES = ("announced", "in_force", "suspended", "lifted")
_ORDER = {"announced": 0, "in_force": 1, "suspended": 2, "lifted": 3}


@dataclass(frozen=True)
class Transition:
    """From ``day`` on the measure is ``status`` (``action`` and ``fact`` say why)."""

    day: date
    status: str
    action: str
    kind: str  # start | end: the day an action starts, or the day after its end
    fact: Fact


def _consensus(facts: Sequence[Fact]) -> list[Fact]:
    """One report per (action, date) where several reports of one action give different dates:
    the most given wins; the others stay in the record, flagged as conflicts."""
    by_action: dict[str, list[Fact]] = {}
    for fact in facts:
        by_action.setdefault(fact.event.action, []).append(fact)
    kept: list[Fact] = []
    for action, group in by_action.items():
        if action in ("impose", "suspend", "lift", "resume"):
            counts = Counter(f.when for f in group)
            best = max(counts.items(), key=lambda kv: (kv[1], max(
                (f.published or date.min) for f in group if f.when == kv[0])))[0]
            same = [f for f in group if f.when == best]
            kept.append(max(same, key=lambda f: bool(f.event.until)))
        else:  # expansions and extensions can happen several times: each date counts
            kept.extend({f.when: f for f in group}.values())
    return kept


def transitions(facts: Sequence[Fact]) -> list[Transition]:
    """The measure's timeline, in date order."""
    out: list[Transition] = []
    ends: list[tuple[Transition, Fact]] = []
    # extensions last: each moves an end the other events set, whenever it was reported
    for fact in sorted(_consensus(facts), key=lambda f: (f.event.action == "extend", f.when or date.max,
                                                         f.event.action != "impose")):
        e, when = fact.event, fact.when
        if when is None:
            continue
        if e.action in ("impose", "expand"):
            announced = day_of(e.announced)
            if announced and announced < when:
                out.append(Transition(announced, "announced", e.action, "start", fact))
            out.append(Transition(when, "in_force", e.action, "start", fact))
            if (end := day_of(e.until)) is not None:
                t = Transition(end + timedelta(days=1), "lifted", e.action, "end", fact)
                out.append(t)
                ends.append((t, fact))
        elif e.action == "suspend":
            out.append(Transition(when, "suspended", "suspend", "start", fact))
            if (end := day_of(e.until)) is not None:
                t = Transition(end + timedelta(days=1), "in_force", "suspend", "end", fact)
                out.append(t)
                ends.append((t, fact))
        elif e.action == "resume":
            out.append(Transition(when, "in_force", "resume", "start", fact))
        elif e.action == "lift":
            out.append(Transition(when, "lifted", "lift", "start", fact))
        elif e.action == "extend" and (end := day_of(e.until)) is not None:
            earlier = [t for t, _ in ends if t.day <= end + timedelta(days=1)]
            target = max(earlier, key=lambda t: (t.action == "suspend", t.day), default=None)
            if target is not None:
                out.remove(target)
                ends = [(t, f) for t, f in ends if t is not target]
                moved = Transition(end + timedelta(days=1), target.status, target.action, "end", fact)
                out.append(moved)
                ends.append((moved, fact))
    return sorted(out, key=lambda t: (t.day, _ORDER[t.status]))


def status_on(facts: Sequence[Fact], day: date) -> str | None:
    """The status on ``day`` (None when no event has started by then)."""
    current: str | None = None
    for t in transitions(facts):
        if t.day > day:
            break
        current = t.status
    return current


def upcoming(facts: Sequence[Fact], today: date) -> list[Transition]:
    """Transitions after ``today``: what reminders and the calendar announce."""
    return [t for t in transitions(facts) if t.day > today]


@dataclass(frozen=True)
class Period:
    """A stretch of one status: from ``start`` to the day before ``end`` (None: open-ended)."""

    start: date
    end: date | None
    status: str


def periods(facts: Sequence[Fact]) -> list[Period]:
    """The measure's history as consecutive periods (what the timeline bars draw)."""
    ts = transitions(facts)
    out: list[Period] = []
    for i, t in enumerate(ts):
        end = ts[i + 1].day if i + 1 < len(ts) else None
        if end == t.day:
            continue  # two transitions on one day: the later one holds
        if out and out[-1].status == t.status:
            out[-1] = Period(out[-1].start, end, t.status)
        else:
            out.append(Period(t.day, end, t.status))
    return out
