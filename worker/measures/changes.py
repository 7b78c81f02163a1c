"""Which alerts a newly stored event raises on its measure: ``new_measure`` or ``measure_changed``.

* The first event of a measure: ``new_measure``.
* An action the measure had not seen, dated on or after the latest action the measure saw:
  ``measure_changed`` with ``change`` = suspended, resumed, lifted, expanded, extended. An older
  action arriving late is history: stored on the timeline, not announced as news; so is the
  imposition of a measure known already (a text recalling "the controls announced in September").
* An action seen before whose effective date or end date now disagrees with every earlier
  report: ``measure_changed`` with ``change`` = date_moved (old and new dates); for an expansion or
  an extension, a new date is another expansion (extension).
* Anything else (a syndicated copy, another report of a known action) raises nothing.

Each change has a dedup key built from the measure id, the change and its date, so a re-run of
the same article, or another article with the same news, never sends it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from worker.extract.measures.dates import combine
from worker.measures.facts import Fact
from worker.measures.status import transitions

CHANGE_WORDS = {"impose": "imposed", "expand": "expanded", "suspend": "suspended", "resume": "resumed",
                "lift": "lifted", "extend": "extended"}


@dataclass(frozen=True)
class MeasureChange:
    """One alert to write: ``kind`` new_measure | measure_changed; ``key`` its dedup key."""

    kind: str
    key: str
    change: str
    fact: Fact
    details: dict[str, Any]


def _moved(fact: Fact, earlier: Sequence[Fact]) -> tuple[str, str, str] | None:
    for f in ("effective", "until"):
        new = getattr(fact.event, f)
        olds = [v for e in earlier if (v := getattr(e.event, f))]
        if new and olds and all(combine(new, old) is False for old in olds):
            return f, olds[-1], new
    return None


def measure_changes(measure_id: int, before: Sequence[Fact], new: Sequence[Fact]) -> list[MeasureChange]:
    """The alerts ``new`` facts raise on a measure that held ``before`` (see the module doc)."""
    out: list[MeasureChange] = []
    known = list(before)
    for fact in new:
        e = fact.event
        when = fact.when.isoformat() if fact.when else "?"
        if not known:
            out.append(MeasureChange("new_measure", f"new_measure:{measure_id}", CHANGE_WORDS[e.action], fact,
                                     {"action": e.action, "date": when}))
        else:
            same = [k for k in known if k.event.action == e.action]
            # the latest action taken (a scheduled end, such as a suspension's, is not one)
            latest = max((t.day for t in transitions(known) if t.kind == "start"), default=date.min)
            if e.action == "impose" or same:  # a measure known already was imposed: history, or a date moved
                moved = _moved(fact, same)
                if moved and e.action in ("expand", "extend"):  # another expansion or extension
                    word = CHANGE_WORDS[e.action]
                    out.append(MeasureChange("measure_changed", f"measure_changed:{measure_id}:{word}:{when}", word,
                                             fact, {"action": e.action, "date": when, "until": e.until}))
                elif moved:
                    f, old, value = moved
                    out.append(MeasureChange("measure_changed", f"measure_changed:{measure_id}:date_moved:{f}:{value}",
                                             "date_moved", fact, {"field": f, "previous": old, "date": value,
                                                                  "action": e.action}))
            elif fact.when is None or fact.when >= latest:
                word = CHANGE_WORDS[e.action]
                out.append(MeasureChange("measure_changed", f"measure_changed:{measure_id}:{word}:{when}", word,
                                         fact, {"action": e.action, "date": when, "until": e.until}))
        known.append(fact)
    return out
