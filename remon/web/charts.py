"""A metric's values over time as SVG geometry: server-side, so the page needs no script.

Pure: returns coordinates and labels; the template draws them (escaped) and links each point to
its article. What the reader should see at a glance:

- ticks at round values with the unit (90%, 92%, 94%) and at calendar steps in time;
- the metric's line through one value per period: where sources disagree about a period (a
  conflict), the first value reported stays on the line and the other sources' values are drawn
  apart from it, hollow and labelled with their value and source, so a disagreement never reads
  as a change;
- at any size: past ``MAX_MARKERS`` values the line is downsampled for drawing (per pixel column
  the first, lowest, highest and last value, so every spike stays visible) and markers are left
  out; the table under the chart still pages through every value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

WIDTH, HEIGHT = 1000, 420
TOP, RIGHT, BOTTOM = 24, 24, 40
MAX_MARKERS = 400
MAX_APART = 200
MAX_LABELS = 24


def unit_label(unit: str | None) -> str:
    """How a unit reads after a number, as in alerts: ``92%``, ``60,000 t``, ``450 USD/kg``."""
    if not unit:
        return ""
    from worker.alert.render import labels

    return labels().get("units", {}).get(unit, " " + unit.replace("_", " "))


def format_number(value: float) -> str:
    """``92``, ``92.5``, ``60,000``, ``0.25``: no float noise, thousands separated."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.6g}" if abs(value) < 1000 else f"{value:,.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    article_id: int
    label: str
    conflict: bool
    apart: bool = False  # a conflicting source's value, drawn off the line


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    points: list[Point]
    path: str
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    labels: list[Label]
    total: int = 0  # values of the metric
    drawn: int = 0  # vertices of the line actually drawn

    @property
    def downsampled(self) -> bool:
        return self.drawn < self.total


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def nice_step(span: float, target: int = 4) -> float:
    """The round step (1, 2, 2.5 or 5 × 10ⁿ) that cuts ``span`` into about ``target`` parts."""
    raw = max(span, 1e-12) / target
    power: float = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def value_ticks(lo: float, hi: float, unit: str | None) -> tuple[float, float, list[tuple[float, str]]]:
    """The axis range, widened to round values, and its ticks labelled with the unit."""
    if hi - lo < 1e-9:
        pad = max(abs(lo) * 0.02, 1.0)
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo)
    first, last = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
    count = round((last - first) / step)
    ticks = [first + k * step for k in range(count + 1)]
    suffix = unit_label(unit)
    return first, last, [(t, format_number(t) + suffix) for t in ticks]


_DAY = 86400.0
_TIME_STEPS = ((1, "day"), (2, "day"), (7, "day"), (14, "day"), (1, "month"), (2, "month"), (3, "month"),
               (6, "month"), (12, "month"), (24, "month"), (60, "month"), (120, "month"))


def _month_add(when: datetime, months: int) -> datetime:
    index = when.year * 12 + when.month - 1 + months
    return when.replace(year=index // 12, month=index % 12 + 1, day=1)


def time_ticks(t0: float, t1: float, most: int = 8) -> list[tuple[float, str]]:
    """Ticks at calendar steps (days, month starts, years) between two timestamps."""
    start, end = datetime.fromtimestamp(t0, UTC), datetime.fromtimestamp(t1, UTC)
    for size, kind in _TIME_STEPS:
        if kind == "day":
            if (t1 - t0) / (size * _DAY) > most or t1 - t0 > 45 * _DAY:  # past six weeks: months read better
                continue
            day = start.replace(hour=0, minute=0, second=0, microsecond=0)
            if day < start:
                day += timedelta(days=1)
            out = []
            while day <= end:
                out.append((day.timestamp(), day.date().isoformat()))
                day += timedelta(days=size)
            return out
        months = (end.year - start.year) * 12 + end.month - start.month
        if months / size > most:
            continue
        mark = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if mark < start:
            mark = _month_add(mark, 1)
        while (mark.month - 1) % min(size, 12):  # quarters start in Jan, Apr, …; years in January
            mark = _month_add(mark, 1)
        out = []
        while mark <= end:
            out.append((mark.timestamp(), str(mark.year) if size >= 12 else mark.strftime("%Y-%m")))
            mark = _month_add(mark, size)
        return out
    return []


def _downsample(line: list[tuple[float, float, int]], buckets: int) -> list[tuple[float, float, int]]:
    """Per pixel column the first, lowest, highest and last vertex, in time order (M4)."""
    kept: list[tuple[float, float, int]] = []
    column: list[tuple[float, float, int]] = []
    current = None
    for vertex in line:
        col = int(vertex[0] * buckets)
        if col != current and column:
            chosen = {0, len(column) - 1, min(range(len(column)), key=lambda i: column[i][1]),
                      max(range(len(column)), key=lambda i: column[i][1])}
            kept.extend(column[i] for i in sorted(chosen))
            column = []
        current = col
        column.append(vertex)
    if column:
        chosen = {0, len(column) - 1, min(range(len(column)), key=lambda i: column[i][1]),
                  max(range(len(column)), key=lambda i: column[i][1])}
        kept.extend(column[i] for i in sorted(chosen))
    return kept


def build(points: Sequence[Mapping[str, Any]]) -> Chart:
    """Place dated points on a time axis (x) and value axis (y); undated points are left out."""
    dated = [(w, p) for p in points if (w := _when(p.get("published"))) is not None]
    if not dated:
        return Chart(WIDTH, HEIGHT, 64, [], "", [], [], [])
    unit = dated[0][1].get("unit")
    values = [float(p["value"]) for _, p in dated]
    lo, hi, y_ticks_raw = value_ticks(min(values), max(values), unit)
    left = max(60, 16 + 9 * max(len(label) for _, label in y_ticks_raw))
    t0, t1 = dated[0][0].timestamp(), dated[-1][0].timestamp()
    span_t = t1 - t0
    plot_w, plot_h = WIDTH - left - RIGHT, HEIGHT - TOP - BOTTOM

    def fx(ts: float) -> float:  # 0..1 along the time axis
        return (ts - t0) / span_t if span_t > 0 else 0.5

    def x(f: float) -> float:
        return round(left + f * plot_w, 1)

    def y(v: float) -> float:
        return round(TOP + plot_h - (v - lo) / (hi - lo) * plot_h, 1)

    # one value per period stays on the line; the other sources' conflicting values are drawn apart
    first_in_period: dict[str, Any] = {}
    line: list[tuple[float, float, int]] = []
    apart: list[tuple[float, float, int, Mapping[str, Any], datetime]] = []
    for when, p in dated:
        f, v = fx(when.timestamp()), float(p["value"])
        period = p.get("period_key") or when.strftime("%Y-%m")
        if p.get("conflict") and first_in_period.setdefault(period, p.get("source_id")) != p.get("source_id"):
            apart.append((f, v, int(p["article_id"]), p, when))
        else:
            line.append((f, v, int(p["article_id"])))

    def text(p: Mapping[str, Any], when: datetime) -> str:
        return (f"{format_number(float(p['value']))}{unit_label(p.get('unit'))} · {when.date().isoformat()} · "
                f"{p.get('source') or 'unknown source'}")

    drawn_line = line if len(line) <= MAX_MARKERS else _downsample(line, plot_w)
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(f)},{y(v)}" for i, (f, v, _) in enumerate(drawn_line))
    placed: list[Point] = []
    if len(dated) <= MAX_MARKERS:
        on_line = {id(p) for _, p in dated} - {id(a[3]) for a in apart}
        for when, p in dated:
            placed.append(Point(x(fx(when.timestamp())), y(float(p["value"])), int(p["article_id"]), text(p, when),
                                bool(p.get("conflict")), apart=id(p) not in on_line))
    else:
        placed = [Point(x(f), y(v), aid, text(p, when), True, apart=True)
                  for f, v, aid, p, when in apart[:MAX_APART]]
    labels = []
    for f, v, _, p, _ in apart[:MAX_LABELS]:
        px, py = x(f), y(v)
        right = px > left + plot_w * 0.7
        labels.append(Label(round(px - 10 if right else px + 10, 1), round(py - 8, 1),
                            f"{format_number(float(p['value']))}{unit_label(p.get('unit'))} · "
                            f"{p.get('source') or 'unknown source'}", "end" if right else "start"))
    y_ticks = [(y(t), label) for t, label in y_ticks_raw]
    calendar = time_ticks(t0, t1) if span_t > 0 else []
    x_ticks = ([(x(fx(ts)), label) for ts, label in calendar] if calendar
               else [(x(fx(w.timestamp())), w.date().isoformat()) for w in {dated[0][0], dated[-1][0]}])
    return Chart(WIDTH, HEIGHT, left, placed, path, y_ticks, x_ticks, labels,
                 total=len(dated), drawn=len(drawn_line) + min(len(apart), MAX_APART))


def conflict_summary(values: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A conflict's values per source, in the order first seen: the value, or the range and how many
    ("90%", "300–396 USD/kg, 1,370 values"), so a period with thousands of values stays one line."""
    by_source: dict[str, list[float]] = {}
    units: dict[str, str | None] = {}
    for v in values:
        name = str(v.get("source") or "unknown")
        by_source.setdefault(name, []).append(float(v["value"]))
        units.setdefault(name, v.get("unit"))
    out = []
    for name, found in by_source.items():
        lo, hi = min(found), max(found)
        shown = format_number(lo) if hi - lo < 1e-9 else f"{format_number(lo)}–{format_number(hi)}"
        out.append({"source": name, "text": shown + unit_label(units[name]), "count": len(found)})
    return out
