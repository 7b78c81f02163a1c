"""The values that pass between the stages of number recognition.

``Quantity`` is the public, frozen result. ``Mention`` is the engine's working record: the
stages (units, ranges, carried units, hedges, roles) fill in its parts one decision at a time,
and ``Mention.quantity()`` composes the value and the SCHEMA unit only at the end, so that a
later stage can still give a number the scale, currency or mass it shares with a neighbour
("US$1.2-1.5bn", "5.15 and 8.63 tonnes", a table whose header says "per kg").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["POUND_KG", "Mention", "Quantity", "round_value"]

POUND_KG = 0.45359237


@dataclass(frozen=True)
class Quantity:
    """One number expression found in a text.

    ``unit`` is a SCHEMA unit, or ``None`` for a bare number ("seven", a year). ``approx`` is the
    whole answer to "is this number hedged?": the form itself ("七成", "two-thirds", "~") and the
    hedge words around it ("about", "more than", "约", "以上"). ``value_high`` is the upper bound of
    a range. ``counted`` is the noun (English) or measure word (Chinese) a bare number counts, as
    written ("heavy rare earths", "kinds", "种"), with its span ``counted_span``. ``role`` says why
    a number is not a quantity at all: ``year``, ``date``, ``ordinal``, ``label`` ("No. 18",
    "Group 1", "第61号"), ``duration``, ``frequency``, ``measurement`` ("14 nm", "300MPa") or
    ``citation`` ("[1]"); ``None`` for a quantity. Spans are offsets into the text searched.
    """

    value: float
    unit: str | None
    start: int
    end: int
    value_high: float | None = None
    approx: bool = False
    word: bool = False  # written in words ("seven", "三") rather than digits
    text: str = ""
    counted: str | None = None
    counted_span: tuple[int, int] | None = None
    role: str | None = None
    per: str | None = None  # the mass a price is quoted per ("$400/mtu": mtu), also when unit is `other`


@dataclass
class Mention:
    """A number being recognised: its numeral and every part the stages attach to it."""

    start: int  # the whole expression, currency sign and unit included
    end: int
    base: float  # the numeral's own value ("1.5" of "1.5 million", "六十一" of "百分之六十一")
    word: bool = False
    sign: float = 1.0
    scale: float | None = None  # "million", "万", "bn"
    kind: str | None = None  # percent | percentage_points | times | measurement
    currency: str | None = None  # usd | cny | eur | other
    money_factor: float = 1.0  # subunits: "50 cents" → 0.01
    mass: str | None = None  # tonnes | kg
    mass_factor: float = 1.0
    per_mass: str | None = None  # tonne | kg | pound | ounce: a price per that mass
    approx: bool = False
    high: Mention | None = None  # the upper bound of a range
    role: str | None = None
    counted: str | None = None
    counted_span: tuple[int, int] | None = None
    tags: set[str] = field(default_factory=set)  # facts later stages read ("scaled", "prefix-unit", ...)
    numeral_start: int = -1  # where the numeral itself starts (``start`` moves over a prefix)

    def __post_init__(self) -> None:
        if self.numeral_start < 0:
            self.numeral_start = self.start

    @property
    def bare(self) -> bool:
        """No unit of any kind (yet): a candidate for a unit carried from a neighbour."""
        return self.kind is None and self.currency is None and self.mass is None

    def unit(self) -> str | None:
        """The SCHEMA unit the parts add up to."""
        if self.kind in {"percent", "percentage_points", "times"}:
            return self.kind
        if self.kind == "measurement":
            return None
        if self.currency is not None:
            if self.per_mass is not None:
                if self.currency == "other" or self.per_mass not in {"tonne", "kg", "pound"}:
                    return "other"  # SCHEMA has no per-ounce or per-mtu unit, nor prices in other currencies
                return f"{self.currency}_per_{'kg' if self.per_mass in {'kg', 'pound'} else 'tonne'}"
            return self.currency
        return self.mass

    def value(self) -> float:
        """The numeral with its scale, sign and conversions applied."""
        v = self.base * (self.scale or 1.0) * self.sign
        if self.currency is not None:
            v *= self.money_factor
            if self.per_mass == "pound" and self.currency != "other":
                v /= POUND_KG  # "$50 per pound" → usd_per_kg
        elif self.mass is not None:
            v *= self.mass_factor
        return v

    def quantity(self, text: str) -> Quantity:
        high = self.high
        end = high.end if high is not None else self.end
        low_value = self.value()
        high_value = high.value() if high is not None else None
        if high_value is not None and high_value < low_value and self.role is None:
            low_value, high_value = high_value, low_value  # "90-50%": SCHEMA's value is the lower bound
        return Quantity(
            value=round_value(low_value),
            unit=self.unit(),
            start=self.start,
            end=end,
            value_high=round_value(high_value) if high_value is not None else None,
            approx=self.approx,
            word=self.word,
            text=text[self.start : end],
            counted=self.counted,
            counted_span=self.counted_span,
            role=self.role,
            per=self.per_mass or (high.per_mass if high is not None else None),
        )


def round_value(v: float) -> float:
    """Round away binary noise from scaling (9.2*1e4 → 92000.0) without losing real decimals."""
    if not math.isfinite(v):
        return v
    return float(f"{v:.10g}")
