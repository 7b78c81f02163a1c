"""Every measure's history as SVG geometry: one row per measure, a bar per period (in force,
suspended, announced), the ends of the bars where the measure was lifted, and a line for today.

Pure: returns coordinates and labels from the measures' ``periods`` (``storage.measures``); the
template draws them, escaped, with no script (the app's CSP allows none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

WIDTH, LEFT, RIGHT, TOP, ROW, BOTTOM = 1000, 260, 20, 20, 34, 34
DRAWN = ("announced", "in_force", "suspended")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    status: str
    label: str


@dataclass(frozen=True)
class Row:
    y: float
    measure_id: int
    name: str
    bars: list[Bar]


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    left: int
    rows: list[Row]
    x_ticks: list[tuple[float, str]]
    today_x: float | None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def build(measures: Sequence[Mapping[str, Any]], *, today: date, names: Mapping[int, str]) -> Timeline:
    """The timeline of ``measures`` (each with ``id`` and ``periods``); ``names`` labels each row."""
    days = [d for m in measures for p in m["periods"] for d in (_day(p["from"]), _day(p["until"])) if d]
    first = min([*days, today]) - timedelta(days=30)
    last = max([*days, today]) + timedelta(days=60)
    span = max((last - first).days, 1)
    usable = WIDTH - LEFT - RIGHT

    def x_of(d: date) -> float:
        return round(LEFT + usable * (d - first).days / span, 1)

    rows: list[Row] = []
    for i, m in enumerate(measures):
        y = TOP + i * ROW
        bars = []
        for p in m["periods"]:
            if p["status"] not in DRAWN:
                continue
            start = _day(p["from"]) or first
            until = _day(p["until"])
            end = until + timedelta(days=1) if until else last
            label = f"{p['status'].replace('_', ' ')}: {p['from']} – {p['until'] or 'open'}"
            bars.append(Bar(x_of(start), y + 6, max(round(x_of(end) - x_of(start), 1), 2.0), p["status"], label))
        rows.append(Row(y, int(m["id"]), names.get(int(m["id"]), str(m["id"])), bars))
    ticks = [(x_of(date(year, 1, 1)), str(year)) for year in range(first.year + 1, last.year + 1)]
    height = TOP + max(len(rows), 1) * ROW + BOTTOM
    return Timeline(WIDTH, height, LEFT, rows, ticks, x_of(today))
