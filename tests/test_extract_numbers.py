"""worker.extract.numbers: every number form we normalise, English and Chinese."""

from __future__ import annotations

import pytest

from worker.extract.numbers import Quantity, find_quantities, parse_chinese_numeral, parse_number
from worker.extract.vocab import prepare


def _one(text: str) -> Quantity:
    found = [q for q in find_quantities(prepare(text)) if q.unit is not None]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "high", "unit", "approx"),
    [
        # percentages
        ("61%", 61, None, "percent", False),
        ("61 percent", 61, None, "percent", False),
        ("67 per cent", 67, None, "percent", False),
        ("84pc", 84, None, "percent", False),
        ("80-90%", 80, 90, "percent", False),
        ("80%-90%", 80, 90, "percent", False),
        ("80% to 90%", 80, 90, "percent", False),
        ("10%至15%", 10, 15, "percent", False),
        ("~70%", 70, None, "percent", True),
        ("１０．５％", 10.5, None, "percent", False),
        ("two-thirds of output", 66.6667, None, "percent", True),
        ("one-third of exports", 33.3333, None, "percent", True),
        ("a quarter of the applications", 25, None, "percent", True),
        ("nearly half of reserves", 50, None, "percent", True),
        ("10 percentage points", 10, None, "percentage_points", False),
        ("3个百分点", 3, None, "percentage_points", False),
        # Chinese percentages
        ("百分之六十一", 61, None, "percent", False),
        ("七成", 70, None, "percent", True),
        ("九成以上", 90, None, "percent", True),
        ("7成", 70, None, "percent", True),
        ("三分之一", 33.3333, None, "percent", True),
        ("９０％以上", 90, None, "percent", True),  # 以上: a hedge after the number
        # masses
        ("9.2万吨", 92_000, None, "tonnes", False),
        ("4400萬噸", 44_000_000, None, "tonnes", False),
        ("656噸", 656, None, "tonnes", False),
        ("20t", 20, None, "tonnes", False),
        ("4,075 metric tons", 4075, None, "tonnes", False),
        ("44 million tons", 44_000_000, None, "tonnes", False),
        ("2.5 kt", 2500, None, "tonnes", False),
        ("418kg", 418, None, "kg", False),
        ("400 kgs", 400, None, "kg", False),
        ("900 pounds", 408.233, None, "kg", False),
        # money and prices
        ("US$1.2bn", 1.2e9, None, "usd", False),
        ("$400M", 4e8, None, "usd", False),
        ("$2 billion", 2e9, None, "usd", False),
        ("€1.8 million", 1.8e6, None, "eur", False),
        ("20 billion yuan", 2e10, None, "cny", False),
        ("5268亿美元", 5.268e11, None, "usd", False),
        ("$58,000-60,000 per tonne", 58_000, 60_000, "usd_per_tonne", False),
        ("$58,000-60,000/t", 58_000, 60_000, "usd_per_tonne", False),
        ("$25,250 per metric ton", 25_250, None, "usd_per_tonne", False),
        ("$110/kg", 110, None, "usd_per_kg", False),
        ("$110 per kilogram", 110, None, "usd_per_kg", False),
        ("$50 per pound", 110.231, None, "usd_per_kg", False),
        ("每吨3020元", 3020, None, "cny_per_tonne", False),
        ("每公斤1650元", 1650, None, "cny_per_kg", False),
        ("45万元/吨", 450_000, None, "cny_per_tonne", False),
        # multipliers
        ("tripled", 3, None, "times", False),
        ("doubled", 2, None, "times", False),
        ("threefold", 3, None, "times", False),
        ("nearly twice", 2, None, "times", True),
        ("2.6 times", 2.6, None, "times", False),
        ("两倍", 2, None, "times", False),
        ("3倍", 3, None, "times", False),
    ],
)
def test_number_forms(text: str, value: float, high: float | None, unit: str, approx: bool) -> None:
    q = _one(text)
    assert q.value == pytest.approx(value, rel=1e-4)
    if high is None:
        assert q.value_high is None
    else:
        assert q.value_high == pytest.approx(high, rel=1e-4)
    assert q.unit == unit
    assert q.approx is approx


def test_span_points_into_original_text() -> None:
    text = "出口量為５，４７３噸，同比下滑５．２％"
    units = [(text[q.start : q.end], q.unit) for q in find_quantities(prepare(text)) if q.unit]
    assert units == [("５，４７３噸", "tonnes"), ("５．２％", "percent")]


def test_from_to_is_two_numbers_not_a_range() -> None:
    qs = [q for q in find_quantities("fell from 92% to 90%") if q.unit]
    assert [(q.value, q.value_high) for q in qs] == [(92, None), (90, None)]


def test_change_then_level_is_not_a_range() -> None:
    qs = [q for q in find_quantities("exports fell 24% to 5,000 tonnes") if q.unit]
    assert [(q.value, q.unit) for q in qs] == [(24, "percent"), (5000, "tonnes")]


@pytest.mark.parametrize(
    "text",
    [
        "in 2024",
        "on 9 October",
        "10月9日",
        "2025年第61号公告",
        "Group 1",
        "[1][2]",
        "1E902.a",
        "FY2026",
        "WO3",
    ],
)
def test_bare_numbers_have_no_unit(text: str) -> None:
    assert all(q.unit is None for q in find_quantities(prepare(text)))


@pytest.mark.parametrize(
    ("text", "value"),
    [("seven", 7), ("zero", 0), ("三", 3), ("5", 5)],
)
def test_bare_counts_are_found_without_unit(text: str, value: float) -> None:
    qs = find_quantities(prepare(text + "类物项" if text in {"三", "5"} else text + " elements"))
    assert [(q.value, q.unit) for q in qs] == [(value, None)]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("九", 9),
        ("十五", 15),
        ("二十三", 23),
        ("一百零五", 105),
        ("一千二百万", 12_000_000),
        ("三亿五千万", 350_000_000),
    ],
)
def test_parse_chinese_numeral(raw: str, value: float) -> None:
    assert parse_chinese_numeral(raw) == value


@pytest.mark.parametrize(
    ("raw", "value"), [("1,720", 1720), ("8.63", 8.63), ("seven", 7), ("六", 6), ("", None)]
)
def test_parse_number(raw: str, value: float | None) -> None:
    assert parse_number(raw) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5.15 and 8.63 tonnes", [(5.15, "tonnes"), (8.63, "tonnes")]),
        ("20, 30 and 40%", [(20, "percent"), (30, "percent"), (40, "percent")]),
        ("in 2024 and 5%", [(2024, None), (5, "percent")]),
        ("$1,000 per kilogram, up from $300", [(1000, "usd_per_kg"), (300, "usd_per_kg")]),
        ("每盎司3,512美元", [(3512, "other")]),
        ("A$500 million", [(500_000_000, "other")]),
        ("2.5 kilotonnes", [(2500, "tonnes")]),
        ("约1/3的石墨", [(33.33333333, "percent")]),
        ("稀土管制于3/4实施", [(3, None)]),
        ("3000多吨", [(3000, "tonnes")]),
    ],
)
def test_units_shared_along_lists_and_odd_currencies(
    text: str, expected: list[tuple[float, str | None]]
) -> None:
    assert [(q.value, q.unit) for q in find_quantities(prepare(text))] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("between 80% and 90%", [(80, 90, "percent")]),
        ("介于80%至90%之间", [(80, 90, "percent")]),
        ("between $50,000 and $60,000 a tonne", [(50_000, 60_000, "usd_per_tonne")]),
        ("rose from $300 to $1,000/kg", [(300, None, "usd_per_kg"), (1000, None, "usd_per_kg")]),
        ("spent $5 million and $60 per kg", [(5_000_000, None, "usd"), (60, None, "usd_per_kg")]),
        ("between 2019 and 2022", [(2019, None, None), (2022, None, None)]),
    ],
)
def test_between_ranges_and_price_pairs(
    text: str, expected: list[tuple[float, float | None, str | None]]
) -> None:
    assert [(q.value, q.value_high, q.unit) for q in find_quantities(prepare(text))] == expected
