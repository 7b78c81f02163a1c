"""Titles and body lines of the measure alerts (``worker.alert.render`` calls these for their kinds).

Everything in ``details`` comes from articles: the caller escapes per format, as for every alert.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

MEASURE_KINDS = ("new_measure", "measure_changed", "measure_reminder")
WHAT = {"takes_effect": "takes effect", "suspension_ends": "suspension ends", "measure_ends": "ends"}


Label = Callable[[str, str | None], str]


def _plain(group: str, key: str | None) -> str:
    return (key or "?").replace("_", " ")


def measure_name(d: Mapping[str, Any], _label: Label = _plain) -> str:
    """"MOFCOM mofcom-2025-61 · gallium, germanium": issuer, announcement, materials. ``_label``
    turns a key into words (``worker.alert.render.label``: this stage sits below the alert one)."""
    head = _label("issuers", d.get("issuer")) if d.get("issuer") else "Measure"
    if d.get("identifier"):
        head += f" {d['identifier']}"
    mats = ", ".join(_label("materials", m) for m in d.get("materials") or []) or ", ".join(d.get("items") or [])
    return f"{head} · {mats}" if mats else head


def measure_title(kind: str, d: Mapping[str, Any], label: Label = _plain) -> str:
    name = measure_name(d, label)
    if kind == "new_measure":
        return f"New measure · {name}: {d.get('change', 'imposed')} ({d.get('date') or 'date unknown'})"
    if kind == "measure_reminder":
        days = int(d.get("days_left") or 0)
        return f"Reminder · {name}: {WHAT.get(str(d.get('what')), d.get('what'))} in {days} day" \
               f"{'s' if days != 1 else ''} ({d.get('day')})"
    change = str(d.get("change") or "changed")
    if change == "date_moved":
        return f"Measure changed · {name}: {d.get('field')} date moved {d.get('previous')} → {d.get('date')}"
    until = f" until {d['until']}" if d.get("until") else ""
    return f"Measure changed · {name}: {change} ({d.get('date') or 'date unknown'}){until}"


def measure_lines(d: Mapping[str, Any]) -> list[str]:
    """Evidence, status and flagged conflicts, one plain-text line each."""
    out = []
    if d.get("sentence"):
        out.append(f"“{d['sentence']}”")
    if d.get("status"):
        out.append(f"Status today: {str(d['status']).replace('_', ' ')}.")
    for c in d.get("conflicts") or []:
        values = ", ".join(c.get("values", []))
        out.append(f"Reports disagree on the {c.get('action')} {c.get('field')} date: {values}.")
    if d.get("measure_url"):
        out.append(f"Measure: {d['measure_url']}")
    return out
