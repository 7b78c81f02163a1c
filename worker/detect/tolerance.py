"""The one tolerance rule: when two values of a metric are the same fact and when they differ.

The detector decides ``changed_statistic`` with it and the review app flags conflicting sources
with it, so a value the detector treats as a repeat is never shown as a conflict (issue 17).
Rule (SCHEMA.md "Alerts"): units that convert (kg/tonnes) are compared converted; values in units
that cannot be compared differ; where either value is hedged the widest tolerance
(``hedged_relative``) applies whatever the unit; percent values differ by ≥ ``percent_points``
points, other units by ≥ ``relative`` of the reference value. Pure: no I/O.
"""

from __future__ import annotations

from worker.config import Thresholds

# Units that convert into each other, to a common base (factor into the first unit of the pair).
CONVERT: dict[str, tuple[str, float]] = {
    "kg": ("tonnes", 0.001),
    "usd_per_kg": ("usd_per_tonne", 1000.0),
    "cny_per_kg": ("cny_per_tonne", 1000.0),
}
_EPS = 1e-9


def to_base(value: float, unit: str) -> tuple[float, str]:
    """``value`` in the common base unit of ``unit`` (kg → tonnes …), and that unit."""
    target, factor = CONVERT.get(unit, (unit, 1.0))
    return value * factor, target


def values_differ(value: float, unit: str, approx: bool, reference: float, reference_unit: str,
                  reference_approx: bool, th: Thresholds) -> bool:
    """True when ``value`` is a different fact from ``reference``, False when it repeats it.

    The relative tolerance is taken against ``reference`` (the metric's current value for the
    detector); a zero reference differs from anything but zero.
    """
    a, unit_a = to_base(value, unit)
    b, unit_b = to_base(reference, reference_unit)
    if unit_a != unit_b:
        return True
    delta = abs(a - b)
    relative = delta / abs(b) if b else (0.0 if delta == 0 else float("inf"))
    if approx or reference_approx:
        return relative + _EPS >= th.hedged_relative
    if unit_a == "percent":
        return delta + _EPS >= th.percent_points
    return relative + _EPS >= th.relative
