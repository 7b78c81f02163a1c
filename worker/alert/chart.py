"""Small PNG charts of a metric's recent values, for the HTML (email) digest (issue 15).

Email clients show no SVG and run no script, so the digest carries a picture: a PNG drawn here
and attached inline (``cid:``) by ``worker.alert.notify.send``. Drawn with Pillow, the one
well-kept imaging library that needs no system packages (wheels for every platform); a
plotting library would bring fonts, caches and a hundred megabytes for a 240×72 line.

Pure and deterministic: the same values give the same bytes (no text, so no system font; no
timestamp chunk; fixed compression), which lets the digest regenerate the picture at send time
from stored values instead of storing bytes (a restart loses nothing, docs/alerts.md).
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 240, 72
MAX_POINTS = 12
"""The recent values a digest chart shows, oldest first (the metric page has the whole history)."""
MAX_CHARTS = 10
"""Charts per digest: beyond it, the metrics are listed without a picture (mail size stays small)."""

_BACKGROUND = (255, 255, 255)
_GRID = (220, 224, 230)
_LINE = (31, 78, 140)
_LAST = (200, 40, 40)
_PAD = 6


def chart_png(values: Sequence[float], *, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """A line of ``values`` (oldest first) as PNG bytes: a grey frame, the line, the last value as a
    red dot. One value draws a dot; a flat series a line in the middle; non-finite values are
    skipped. Raises ValueError when no finite value is left."""
    points = [float(v) for v in values if math.isfinite(float(v))]
    if not points:
        raise ValueError("a chart needs at least one finite value")
    image = Image.new("RGB", (width, height), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), outline=_GRID)
    low, high = min(points), max(points)
    span = high - low
    inner_w, inner_h = width - 2 * _PAD, height - 2 * _PAD

    def xy(i: int, v: float) -> tuple[float, float]:
        x = _PAD + (inner_w * i / (len(points) - 1) if len(points) > 1 else inner_w / 2)
        y = _PAD + (inner_h / 2 if span == 0 else inner_h * (high - v) / span)
        return round(x, 2), round(y, 2)

    coords = [xy(i, v) for i, v in enumerate(points)]
    for level in (low, high):  # the range, as two faint guides
        y = xy(0, level)[1]
        draw.line((_PAD, y, width - _PAD, y), fill=_GRID, width=1)
    if len(coords) > 1:
        draw.line(coords, fill=_LINE, width=2, joint="curve")
    for x, y in coords[:-1]:
        draw.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=_LINE)
    x, y = coords[-1]
    draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=_LAST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


@dataclass(frozen=True)
class DigestChart:
    """One changed metric's picture in a digest: ``name`` is the attachment's file name, which the
    HTML references as ``cid:NAME``; ``values`` are the plotted ones (oldest first)."""

    metric_key: str
    label: str
    unit: str
    values: tuple[float, ...]
    name: str
    caption: str

    def png(self) -> bytes:
        return chart_png(self.values)


def changed_metrics(payloads: Iterable[Mapping[str, Any] | None]) -> list[str]:
    """The metric keys of the statistic alerts in a digest, in the order of their first alert."""
    keys: dict[str, None] = {}
    for payload in payloads:
        details = (payload or {}).get("details") or {}
        key = details.get("metric_key")
        if isinstance(key, str) and key and (payload or {}).get("statistic"):
            keys.setdefault(key, None)
    return list(keys)


def recent_values(points: Sequence[Mapping[str, Any]], *, limit: int = MAX_POINTS) -> tuple[str, tuple[float, ...]]:
    """The unit of a metric's latest point and its ``limit`` latest values in that unit, oldest first
    (points as ``storage.review.metric_overview`` gives them, corrections applied). Values in
    another unit are left out rather than drawn on one axis with it."""
    usable = [p for p in points if isinstance(p.get("value"), (int, float)) and math.isfinite(p["value"])]
    if not usable:
        return "", ()
    unit = str(usable[-1].get("unit") or "")
    same = [float(p["value"]) for p in usable if str(p.get("unit") or "") == unit]
    return unit, tuple(same[-limit:])


def digest_chart(metric_key: str, points: Sequence[Mapping[str, Any]], *, number: int,
                 lang: str = "en") -> DigestChart | None:
    """The chart of one changed metric, or None when it has no value to draw."""
    from worker.alert.render import format_value, metric_label

    unit, values = recent_values(points)
    if not values:
        return None
    shown = " → ".join(format_value(v, unit, lang=lang) for v in values[-3:])
    count = f"{len(values)} value{'s' if len(values) != 1 else ''}" if lang == "en" else f"{len(values)} 个数值"
    return DigestChart(metric_key=metric_key, label=metric_label(metric_key, lang), unit=unit, values=values,
                       name=f"metric-{number}.png", caption=f"{shown} ({count})")


def charts_html(charts: Sequence[DigestChart], lang: str = "en") -> str:
    """The HTML section of the digest's charts: per metric its label, the inline picture and the last
    values in words (the ``alt`` text too, for clients that block images). Every text is escaped."""
    if not charts:
        return ""
    head = "Changed metrics" if lang == "en" else "变化的指标"
    parts = [f"<h2>{html.escape(head)}</h2>"]
    for chart in charts:
        alt = html.escape(f"{chart.label}: {chart.caption}", quote=True)
        parts.append(f'<p><b>{html.escape(chart.label)}</b><br><img src="cid:{html.escape(chart.name, quote=True)}" '
                     f'width="{WIDTH}" height="{HEIGHT}" alt="{alt}"><br>{html.escape(chart.caption)}</p>')
    return "".join(parts)
