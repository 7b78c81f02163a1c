"""What ``remon eval`` compares for measure events, per passage (docs/measure_events.md "Scoring").

Events are compared as sets, so that how a passage's statements are split into events (one
event with two materials, or two events) never changes a score:
- ``action_pairs``: (action, material) pairs; an event naming no material (a dual-use measure)
  counts as (action, "").
- ``identifiers``: the identifiers the events carry (the announcement stating the event and the
  one it acts on, ``refers_to``).
- ``dates``: (kind, date) pairs, kind ``announced`` / ``effective`` / ``until``; a date is
  dropped when a more precise one of the same kind extends it ("2025-10" beside "2025-10-09").
- ``issuer_pairs``: (issuer, action) pairs (reported, not a target).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["action_pairs", "dates", "identifiers", "issuer_pairs"]

_KINDS = ("announced", "effective", "until")


def action_pairs(events: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """(action, material) for every material of every event; (action, "") for one without."""
    out: set[tuple[str, str]] = set()
    for e in events:
        action = str(e.get("action"))
        out |= {(action, str(m)) for m in e.get("materials") or [""]}
    return out


def identifiers(events: Iterable[Mapping[str, Any]]) -> set[str]:
    """The identifiers stated."""
    return {str(e[k]) for e in events for k in ("identifier", "refers_to") if e.get(k)}


def _extends(fine: str, coarse: str) -> bool:
    return len(fine) > len(coarse) and fine.startswith(coarse) and fine[len(coarse)] == "-"


def dates(events: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """(kind, ISO date) pairs, the less precise of two agreeing statements left out."""
    found = {(k, str(e[k])) for e in events for k in _KINDS if e.get(k)}
    return {(k, v) for k, v in found if not any(k2 == k and _extends(v2, v) for k2, v2 in found)}


def issuer_pairs(events: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """(issuer, action) for events whose issuer is known."""
    return {(str(e["issuer"]), str(e.get("action"))) for e in events if e.get("issuer")}
