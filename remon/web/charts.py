"""A metric's values over time as SVG geometry: server-side, so the page needs no script.

Pure: returns coordinates and labels; the template draws them (escaped) and links each point
to its article.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

WIDTH, HEIGHT, PAD = 760, 300, 48


def unit_label(unit: str | None) -> str:
    """How a SCHEMA unit reads after a number: ``92%``, ``3 times``, ``60000 tonnes``."""
    if not unit:
        return ""
    return "%" if unit == "percent" else " " + unit.replace("_", " ")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    article_id: int
    label: str
    conflict: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[Point]
    path: str
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def build(points: Sequence[Mapping[str, Any]]) -> Chart:
    """Place dated points on a time axis (x) and value axis (y); undated points are left out."""
    dated = [(w, p) for p in points if (w := _when(p.get("published"))) is not None]
    if not dated:
        return Chart(WIDTH, HEIGHT, [], "", [], [])
    t0, t1 = min(w for w, _ in dated).timestamp(), max(w for w, _ in dated).timestamp()
    values = [float(p["value"]) for _, p in dated]
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    margin = (hi - lo) * 0.1
    lo, hi = lo - margin, hi + margin
    span_t = (t1 - t0) or 1.0

    def x(ts: float) -> float:
        return round(PAD + (ts - t0) / span_t * (WIDTH - 2 * PAD), 1) if t1 > t0 else WIDTH / 2

    def y(v: float) -> float:
        return round(HEIGHT - PAD - (v - lo) / (hi - lo) * (HEIGHT - 2 * PAD), 1)

    placed = [Point(x(w.timestamp()), y(float(p["value"])), int(p["article_id"]),
                    f"{p['value']:g}{unit_label(p.get('unit'))} · {w.date().isoformat()} · {p.get('source') or ''}",
                    bool(p.get("conflict"))) for w, p in dated]
    path = " ".join(f"{'M' if i == 0 else 'L'}{pt.x},{pt.y}" for i, pt in enumerate(placed))
    y_ticks = [(y(lo + (hi - lo) * k / 4), f"{lo + (hi - lo) * k / 4:.3g}") for k in range(5)]
    x_ticks = [(x(t0 + span_t * k / 3), datetime.fromtimestamp(t0 + span_t * k / 3).date().isoformat())
               for k in range(4)] if t1 > t0 else [(WIDTH / 2, dated[0][0].date().isoformat())]
    return Chart(WIDTH, HEIGHT, placed, path, y_ticks, x_ticks)
