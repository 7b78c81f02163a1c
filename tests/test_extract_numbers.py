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


@pytest.mark.parametrize(("raw", "value"), [("1,720", 1720), ("8.63", 8.63), ("seven", 7), ("六", 6), ("", None)])
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
def test_units_shared_along_lists_and_odd_currencies(text: str, expected: list[tuple[float, str | None]]) -> None:
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
def test_between_ranges_and_price_pairs(text: str, expected: list[tuple[float, float | None, str | None]]) -> None:
    assert [(q.value, q.value_high, q.unit) for q in find_quantities(prepare(text))] == expected


# ----------------------------------------------------------------------------- rule classes
# One table per class of issue 14, English and Chinese; the sentences are written for these tests.

Row = tuple[float, float | None, str | None, bool]


def _rows(text: str) -> list[Row]:
    return [(q.value, q.value_high, q.unit, q.approx) for q in find_quantities(prepare(text)) if q.unit]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # hyphenated scales and units
        ("The agency approved a $2.3-billion loan.", [(2.3e9, None, "usd", False)]),
        ("The state holds a 50-percent stake in the smelter.", [(50, None, "percent", False)]),
        ("Ottawa imposed a 25-per-cent surtax on the alloys.", [(25, None, "percent", False)]),
        ("Each truck carried a 10-tonne load of ore.", [(10, None, "tonnes", False)]),
        ("A three-ton shipment left the port.", [(3, None, "tonnes", False)]),
        ("the then-145 percent duties on imports", [(145, None, "percent", False)]),
        # whole hundreds
        ("价格比年初上涨了百分之二百。", [(200, None, "percent", False)]),
        ("出口量增长百分之三百五十。", [(350, None, "percent", False)]),
        ("Prices rose two hundred percent in a year.", [(200, None, "percent", False)]),
        ("The plant refines three hundred tonnes a month.", [(300, None, "tonnes", False)]),
        # full-width and small decimal marks
        ("出口下降５．２％。", [(5.2, None, "percent", False)]),
        ("价格上涨5﹒2%。", [(5.2, None, "percent", False)]),
        ("含量达到百分之〇点一即须申请许可。", [(0.1, None, "percent", False)]),
        ("政府提供一点五亿美元贷款。", [(1.5e8, None, "usd", False)]),
        # spelled-out numbers keep their unit
        ("Output fell twenty percent.", [(20, None, "percent", False)]),
        ("The country mines sixty-one percent of the ore.", [(61, None, "percent", False)]),
        ("It supplies one hundred percent of the magnets.", [(100, None, "percent", False)]),
        ("The mine shipped two hundred and fifty tonnes.", [(250, None, "tonnes", False)]),
        ("The ministry fined the trader five million dollars.", [(5e6, None, "usd", False)]),
        ("每张许可证收费十五美元。", [(15, None, "usd", False)]),
        ("这批矿石重一吨半。", [(1.5, None, "tonnes", False)]),
        ("去年出口两千多吨。", [(2000, None, "tonnes", True)]),
        ("产能减少了三成。", [(30, None, "percent", True)]),
        ("该国供应了逾九成的镓。", [(90, None, "percent", True)]),
        ("全年产量一千二百万吨。", [(1.2e7, None, "tonnes", False)]),
        ("配额定为1万8125吨。", [(18125, None, "tonnes", False)]),
        # currencies
        ("The fund raised US$40 million and €12 million.", [(4e7, None, "usd", False), (1.2e7, None, "eur", False)]),
        ("Sales reached RMB 5 billion.", [(5e9, None, "cny", False)]),
        ("The refinery will cost AUD 400 million.", [(4e8, None, "other", False)]),
        ("Tokyo set aside ¥50 billion for stockpiles.", [(5e10, None, "other", False)]),
        ("货值达36.5亿元。", [(3.65e9, None, "cny", False)]),
        ("一季度出口额为2.4亿美元。", [(2.4e8, None, "usd", False)]),
        ("报价为每吨￥3000。", [(3000, None, "cny_per_tonne", False)]),
        # prices stated once and carried
        ("Oxide sold at $180 a kilogram.", [(180, None, "usd_per_kg", False)]),
        ("The metal traded at 9,000 yuan a tonne.", [(9000, None, "cny_per_tonne", False)]),
        ("价格从每磅10美元升至25美元。", [(22.0462, None, "usd_per_kg", False), (55.1156, None, "usd_per_kg", False)]),
        (
            "Ingots cost 13,250 yuan ($1,826.48) a kilogram.",
            [(13250, None, "cny_per_kg", False), (1826.48, None, "usd_per_kg", False)],
        ),
        (
            "The price reached $900 per kilogram in May, compared with about $400 in January.",
            [(900, None, "usd_per_kg", False), (400, None, "usd_per_kg", True)],
        ),
        ("APT fetched $420 per metric ton unit.", [(420, None, "other", False)]),
    ],
)
def test_number_classes(text: str, expected: list[Row]) -> None:
    got = _rows(text)
    assert len(got) == len(expected), got
    for g, e in zip(got, expected, strict=True):
        assert g[0] == pytest.approx(e[0], rel=1e-4)
        assert (g[1] is None) == (e[1] is None) and (e[1] is None or g[1] == pytest.approx(e[1], rel=1e-4))
        assert g[2:] == e[2:], got


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Exports rose two to four times.", [(2, 4, "times", False)]),
        ("Margins were between 10 and 20 per cent.", [(10, 20, "percent", False)]),
        ("The mine added three to five tonnes a day.", [(3, 5, "tonnes", False)]),
        ("The project will cost AUD 1.7 to 1.8 billion.", [(1.7e9, 1.8e9, "other", False)]),
        ("Quotes stood at US$58,000-60,000 per tonne.", [(58000, 60000, "usd_per_tonne", False)]),
        ("Bonds of US$1.2-1.5bn were sold.", [(1.2e9, 1.5e9, "usd", False)]),
        ("出口降幅在三到五成之间。", [(30, 50, "percent", True)]),
        ("价格上涨3至5倍。", [(3, 5, "times", False)]),
        ("年产量为十到十五万吨。", [(1e5, 1.5e5, "tonnes", False)]),
        ("份额介于10%和20%之间。", [(10, 20, "percent", False)]),
        # "from … to …" states two values, and "fell 24% to …" a change then a level
        ("Output fell from 5 to 3 million tonnes.", [(5e6, None, "tonnes", False), (3e6, None, "tonnes", False)]),
        ("Sales fell 24% to 5,000 tonnes.", [(24, None, "percent", False), (5000, None, "tonnes", False)]),
    ],
)
def test_word_ranges(text: str, expected: list[Row]) -> None:
    got = _rows(text)
    assert len(got) == len(expected), got
    for g, e in zip(got, expected, strict=True):
        assert g[0] == pytest.approx(e[0], rel=1e-4) and g[2:] == e[2:], got
        assert (g[1] is None and e[1] is None) or g[1] == pytest.approx(e[1], rel=1e-4), got


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Shipments to the region halved last year.", 0.5, "times"),
        ("今年出口量减半。", 0.5, "times"),
        ("订单几乎被腰斩。", 0.5, "times"),
        ("Imports more than doubled.", 2, "times"),
        ("产量翻了一番。", 2, "times"),
        ("价格上涨了一倍。", 2, "times"),
    ],
)
def test_multipliers_and_halving(text: str, value: float, unit: str) -> None:
    assert [(q.value, q.unit) for q in find_quantities(prepare(text)) if q.unit] == [(value, unit)]


@pytest.mark.parametrize(
    "text", ["Germanium exports fell to zero in August.", "八月镓出口降至零。", "稀土矿出口为零。"]
)
def test_zero_is_a_value(text: str) -> None:
    qs = find_quantities(prepare(text))
    assert [(q.value, q.unit) for q in qs] == [(0.0, None)]


@pytest.mark.parametrize(
    ("text", "value"),
    [("Margins narrowed to -22.2%.", -22.2), ("利润率为负3.9%。", -3.9), ("Growth was minus five percent.", -5)],
)
def test_negative_numbers(text: str, value: float) -> None:
    assert [q.value for q in find_quantities(prepare(text)) if q.unit] == [value]


@pytest.mark.parametrize(
    ("text", "approx"),
    [
        # before the number: adverbs and comparatives
        ("The country refines about 85% of the oxide.", True),
        ("Nearly 90% of the magnets come from one supplier.", True),
        ("Buyers hold more than 3,000 tonnes of stock.", True),
        ("The quota allows up to 5,000 tonnes.", True),
        ("At least 40% of output is exported.", True),
        ("~70% of the supply", True),
        ("Exports were 3,100 tonnes, more than the 1,200 tonnes shipped a year earlier.", False),
        ("该国约80%的产量用于出口。", True),
        ("全球近九成的产能集中在一国。", True),
        ("库存超过3000吨。", True),
        ("产量逾2万吨。", True),
        # Chinese adverbs hedge the verb phrase after them; comparatives a share of a whole
        ("该国大约占全球产量的70%。", True),
        ("一架战机大约要用400千克稀土。", True),
        ("储量占比已降至不足世界的40%。", True),
        ("今年出口超过去年的1200吨。", False),
        # after the number
        ("产量占全球的60%以上。", True),
        ("储量为200万吨左右。", True),
        ("The mine employs 300 or so workers at 45% capacity.", False),
        ("Output reached 45% or so of capacity.", True),
        # no hedge
        ("The country mines 61% of the ore.", False),
        ("纽约5日电：价格上涨3%。", False),
        ("近年来出口增长12%。", False),
        ("上下游企业占35%。", False),
    ],
)
def test_hedges_decide_approx(text: str, approx: bool) -> None:
    qs = [q for q in find_quantities(prepare(text)) if q.unit]
    assert qs, text
    assert qs[-1].approx is approx, qs


def test_comparison_after_a_quantity_is_not_a_hedge() -> None:
    qs = [q for q in find_quantities(prepare("Exports were 300 tonnes more than 1,200 tonnes in May.")) if q.unit]
    assert [(q.value, q.approx) for q in qs] == [(300, False), (1200, False)]


@pytest.mark.parametrize(
    ("text", "value", "counted"),
    [
        ("Beijing added five more heavy rare earths to the list.", 5, "heavy rare earths"),
        ("The rules cover eight kinds of graphite products.", 8, "kinds"),
        ("Seven elements were placed under licensing.", 7, "elements"),
        ("The ministry granted two licences in May.", 2, "licences"),
        ("Seven medium and heavy rare earth elements were listed.", 7, "medium and heavy rare earth elements"),
        ("清单新增12种物项。", 12, "种"),
        ("管制涉及7类金属。", 7, "类"),
        ("目录列有千余项两用物项。", 1000, "项"),
    ],
)
def test_counts_name_what_they_count(text: str, value: float, counted: str) -> None:
    q = next(q for q in find_quantities(prepare(text)) if q.counted)
    assert (q.value, q.unit, q.counted) == (value, None, counted)
    assert q.counted_span is not None and prepare(text)[slice(*q.counted_span)] == counted


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("It is the 5th round of curbs.", "ordinal"),
        ("第五批清单已公布。", None),  # a Chinese ordinal with a measure word is dropped or kept as ordinal
        ("Announcement No. 18 took effect.", "label"),
        ("Group 1: supply", "label"),
        ("Article 5 of the law applies.", "label"),
        ("Section 232 of the act", "label"),
        ("in 2024", "year"),
        ("on 9 October the ministry", "date"),
        ("on October 9 the ministry", "date"),
        ("the notice of 2025-10-09", "date"),
        ("chips of 14 nm and below", "measurement"),
        ("pressed at 300MPa", "measurement"),
        ("licences valid for three years", "duration"),
        ("within 45 working days", "duration"),
        ("citing data [1] from customs", "citation"),
        ("the ministry meets three times a year", "frequency"),
    ],
)
def test_numbers_that_are_not_quantities_say_why(text: str, role: str | None) -> None:
    qs = find_quantities(prepare(text))
    assert all(q.unit is None for q in qs)
    if role is not None:
        assert role in {q.role for q in qs}, qs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a table row whose header names the unit
        (
            "Imports of oxides (metric tons): 12,300 in 2014, 9,160 in 2015.",
            [(12300, "tonnes"), (2014, None), (9160, "tonnes"), (2015, None)],
        ),
        # a block header on its own line
        (
            "Average prices, in dollars per kilogram:\nOxide A: $5 in 2014, $3 in 2015.\nOxide B: $40 in 2014.",
            [(5, "usd_per_kg"), (2014, None), (3, "usd_per_kg"), (2015, None), (40, "usd_per_kg"), (2014, None)],
        ),
        ("Spot prices (US$/kg):\nNdPr oxide 62\nDy oxide 230", [(62, "usd_per_kg"), (230, "usd_per_kg")]),
        ("单位：万吨\n2023年 12.5\n2024年 13.1", [(2023, None), (125000, "tonnes"), (2024, None), (131000, "tonnes")]),
    ],
)
def test_units_stated_once_in_a_header(text: str, expected: list[tuple[float, str | None]]) -> None:
    got = [(q.value, q.unit) for q in find_quantities(prepare(text))]
    assert got == [(pytest.approx(v), u) for v, u in expected]
