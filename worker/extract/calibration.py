"""Does ``confidence`` mean what it says? Predicted items by confidence band, and how many were right.

The alert policy sends at once what is confident and holds the rest for corroboration, so a
confidence of 0.8 must mean "right about 8 times in 10" on text the rules were not written
from. ``remon eval`` prints this table for the passages it scored; docs/extraction.md keeps it
for the folds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from worker.extract.evaluate import Judged

__all__ = ["BANDS", "calibration_rows", "format_calibration"]

BANDS: tuple[float, ...] = (0.0, 0.5, 0.7, 0.8, 0.9, 1.0)


def _band(conf: float | None, bands: Sequence[float]) -> int | None:
    if conf is None:
        return None
    for i in range(len(bands) - 1):
        if conf < bands[i + 1] or i == len(bands) - 2:
            return i
    return None


def calibration_rows(judged: Iterable[Judged], bands: Sequence[float] = BANDS) -> list[tuple[str, str, int, int]]:
    """``(area, band label, items, right)`` per area and band (items without confidence: band "none")."""
    counts: dict[tuple[str, str], list[int]] = {}
    labels = [f"{bands[i]:.1f}-{bands[i + 1]:.1f}" for i in range(len(bands) - 1)]
    for j in judged:
        b = _band(j.confidence, bands)
        key = (j.area, labels[b] if b is not None else "none")
        n = counts.setdefault(key, [0, 0])
        n[0] += 1
        n[1] += int(j.correct)
    order = {label: i for i, label in enumerate([*labels, "none"])}
    return [(a, b, n, r) for (a, b), (n, r) in sorted(counts.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))]


def format_calibration(judged: Iterable[Judged]) -> str:
    """The table: area, confidence band, items, share right; and the share right at ≥ 0.8."""
    items = list(judged)
    lines = [f"{'area':11}{'confidence':>12}{'items':>8}{'right':>8}"]
    for area, band, n, right in calibration_rows(items):
        lines.append(f"{area:11}{band:>12}{n:>8}{right / n:>8.2f}")
    for area in ("statistic", "stance"):
        high = [j for j in items if j.area == area and j.confidence is not None and j.confidence >= 0.8]
        if high:
            lines.append(f"{area}: {sum(j.correct for j in high) / len(high):.2f} right at confidence ≥ 0.8 "
                         f"({len(high)} items)")
    return "\n".join(lines)
