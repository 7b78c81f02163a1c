"""Recognizers-Text's own spec cases, read by ``find_quantities`` and scored per file.

Microsoft's Recognizers-Text keeps every number rule beside its cases (``Specs/**/*.json``),
shared by all its ports; ``../shared/datasets/recognizers-text-specs`` holds its percent,
currency and dimension files for English and Chinese. They are a peer's corpus, written for
another purpose, so they test whether our number grammar is the language's and not the gold
passages'.

Which cases count (one rule per kind of result, never per case):

- Only results that resolve to a number (``Resolution.value`` not null): "a small percent",
  a currency named without an amount, are not quantities. A value of 1e15 or more (a 24-digit
  dollar amount) is garbled input, which ``find_quantities`` refuses by design (no statistic comes
  near it: world GDP is about 1e14 dollars).
- Percentages: every one, except the retail discount notation 折 ("七折" is a price tag at 70%;
  no statistic is written that way). A result written with 百分点 / "percentage point" is
  ``percentage_points`` (SCHEMA keeps the two apart), every other one ``percent``.
- Currency amounts in a state currency: US dollars (and the bare dollar sign) are ``usd``,
  Chinese yuan ``cny``, euros ``eur``, every other currency ``other`` (SCHEMA's unit for money it
  does not model). An amount in a subunit is read in the main unit ("50 cents" is 0.5 usd,
  "470 pence" 4.7 other). Left out: crypto-assets (bitcoin, satoshi: not a currency SCHEMA would
  map), and compound amounts that join a unit and its subunit ("3 dollars 50 cents", "五元三毛",
  "15 dollars and 50"): news states an amount in one unit.
- Dimensions: masses in tonnes, kilograms or pounds ("Ton", "Metric ton", "Kilogram", "Pound"),
  the units SCHEMA has (pounds are converted to kg). Lengths, volumes, speeds, data sizes,
  grams and ounces are outside the domain.

A result counts as read when ``find_quantities(prepare(input))`` returns a quantity with the same
value (0.5% relative, SCHEMA's tolerance) and unit; each quantity answers one result. Recognizers-Text
reads the bounds of a range as two numbers ("5-20%" gives "20%"), so the upper bound of one of our
ranges answers a result too. The score of
a file is the share of its results read; the floor is 0.90 per file (issue 14).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from worker.extract.numbers import find_quantities
from worker.extract.vocab import prepare

FLOOR = 0.90
MAX_MAGNITUDE = 1e15
POUND_KG = 0.45359237

FILES = [
    "Number/English/PercentModel.json",
    "Number/Chinese/PercentModel.json",
    "NumberWithUnit/English/CurrencyModel.json",
    "NumberWithUnit/Chinese/CurrencyModel.json",
    "NumberWithUnit/English/DimensionModel.json",
    "NumberWithUnit/Chinese/DimensionModel.json",
]

# Recognizers-Text unit names -> (SCHEMA unit, factor to the main unit)
_CURRENCIES = {
    "United States dollar": ("usd", 1.0),
    "Dollar": ("usd", 1.0),
    "Cent": ("usd", 0.01),
    "Chinese yuan": ("cny", 1.0),
    "Euro": ("eur", 1.0),
    "Pence": ("other", 0.01),
    "Penny": ("other", 0.01),
}
_CRYPTO = {"Bitcoin", "Satoshi"}
_MASSES = {
    "Ton": ("tonnes", 1.0),
    "Metric ton": ("tonnes", 1.0),
    "Tonne": ("tonnes", 1.0),
    "Kilogram": ("kg", 1.0),
    "Pound": ("kg", POUND_KG),
}
_SUBUNIT_WORDS = ("cent", "pence", "penny", "mao", "美分", "角", "毛", "分", "銭")
_MAIN_WORDS = ("dollar", "$", "kuai", "元", "美元", "日元", "usd")


@dataclass(frozen=True)
class Expected:
    text: str
    value: float
    unit: str


def _compound(text: str) -> bool:
    """ "3 dollars 50 cents", "五元三毛", "15 dollars and 50": a unit and its subunit in one amount."""
    low = text.lower()
    has_main = any(w in low for w in _MAIN_WORDS)
    has_sub = any(w in low for w in _SUBUNIT_WORDS)
    if has_main and has_sub:
        return True
    # "15 dollars and 50", "thirteen dollars forty five": a second amount after the unit word
    for word in ("dollars", "dollar", "usd"):
        i = low.find(word)
        if i >= 0 and any(ch.isalnum() for ch in low[i + len(word) :]):
            return True
    return re.search(r"\d\s+and\s+\w+$", low) is not None  # "c $ 100 and fifty"


def _expected(model: str, result: dict[str, Any]) -> Expected | None:
    res = result.get("Resolution") or {}
    raw = res.get("value")
    if raw is None or raw == "null" or abs(float(str(raw).rstrip("%"))) >= MAX_MAGNITUDE:
        return None
    text = str(result.get("Text", ""))
    if model == "percent":
        if "折" in text:
            return None
        value = float(str(raw).rstrip("%"))
        squeezed = text.replace(" ", "")
        points = "百分点" in squeezed or "百分點" in squeezed or "percentage point" in text.lower()
        return Expected(text, value, "percentage_points" if points else "percent")
    unit_name = str(res.get("unit") or "")
    if model == "currency":
        if unit_name in _CRYPTO or _compound(text):
            return None
        unit, factor = _CURRENCIES.get(unit_name, ("other", 1.0))
        return Expected(text, float(raw) * factor, unit)
    if unit_name not in _MASSES:
        return None
    unit, factor = _MASSES[unit_name]
    return Expected(text, float(raw) * factor, unit)


def _model(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return {"PercentModel.json": "percent", "CurrencyModel.json": "currency"}.get(name, "dimension")


def _close(a: float, b: float) -> bool:
    return a == b if b == 0 else abs(a - b) <= 0.005 * abs(b)


def cases(root: Path, path: str) -> Iterator[tuple[str, list[Expected]]]:
    model = _model(path)
    for case in json.loads((root / path).read_text(encoding="utf-8")):
        expected = [e for r in case.get("Results") or [] if (e := _expected(model, r)) is not None]
        if expected:
            yield str(case["Input"]), expected


def score(root: Path, path: str) -> tuple[float, int, list[str]]:
    """(share read, results, the results not read) of one spec file."""
    total = read = 0
    missed: list[str] = []
    for text, expected in cases(root, path):
        found = [(q.value, q.value_high, q.unit) for q in find_quantities(prepare(text))]
        for e in expected:
            total += 1
            hit = next(
                (
                    i
                    for i, (v, high, u) in enumerate(found)
                    if u == e.unit and (_close(v, e.value) or (high is not None and _close(high, e.value)))
                ),
                None,
            )
            if hit is None:
                missed.append(f"{text[:80]!r}: {e.text} = {e.value:g} {e.unit}; got {found}")
            else:
                read += 1
                found.pop(hit)
    return (read / total if total else 1.0), total, missed


@pytest.mark.parametrize("path", FILES)
def test_recognizers_spec_file(shared: Path, path: str) -> None:
    root = shared / "datasets" / "recognizers-text-specs"
    if not (root / path).exists():
        pytest.skip(f"{path} is not in ../shared")
    share, total, missed = score(root, path)
    print(f"\n{path}: {share:.3f} of {total} in-domain results read")
    for line in missed:
        print("  missed", line)
    assert total > 0
    assert share >= FLOOR, f"{path}: {share:.3f} < {FLOOR} ({len(missed)} of {total} missed)"
