"""Statistics of round 7 (issue 14): a table row's label governs its values; frequencies after an object.

Statistical summaries (USGS Mineral Commodity Summaries, customs and industry-association tables,
their Chinese counterparts) print a table as lines of "label: value in year, value in year …" under
a title that names the country. Each row's label gives the measure, the table title gives the
holder, and the lines above the table give the material; a row never inherits from the row above
it. The sentences are written for this test, not taken from the evaluation files.
"""

from __future__ import annotations

import pytest

from worker.extract.statistics import extract_statistics

CANADA = (
    "Graphite\n"
    "Salient statistics for Canada, 2020 to 2022:\n"
    "Production of natural graphite (metric tons): 9,000 in 2020, 11,000 in 2021 and 13,000 in 2022.\n"
    "Exports (metric tons): 5,000 in 2020, 6,500 in 2021 and 7,000 in 2022.\n"
    "Net import reliance as a percentage of apparent consumption: 20% in 2020, 15% in 2021 and 10% in 2022."
)

AUSTRALIA = (
    "Rare earths\n"
    "Key figures for Australia:\n"
    "Mine production (tonnes): 18,000 in 2021 and 22,000 in 2022.\n"
    "Exports of compounds (tonnes): 9,000 in 2021 and 9,500 in 2022.\n"
    "Apparent consumption (tonnes): 600 in 2021 and 700 in 2022.\n"
    "Average prices, in dollars per kilogram:\n"
    "Neodymium oxide: $100 in 2021 and $130 in 2022.\n"
    "Terbium oxide: $1,500 in 2021 and $1,800 in 2022.\n"
    "Net import reliance as a percentage of apparent consumption: 3% in 2021 and 2% in 2022."
)

JAPAN_ZH = (
    "稀土\n"
    "日本主要统计数据：\n"
    "稀土进口量：2021年1.2万吨，2022年1.1万吨，2023年9800吨。\n"
    "对外依存度：2021年90%，2022年88%。"
)


def _rows(text: str) -> list[tuple[float, str, str | None, str | None, str | None]]:
    return [(s.value, s.unit, s.subject, s.material, s.measure) for s in extract_statistics(text, on_topic=True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the label before the colon names the measure of every value in the row, the third as much as the first
        (CANADA, (10.0, "percent", "canada", "graphite", "import_dependence")),
        (CANADA, (20.0, "percent", "canada", "graphite", "import_dependence")),
        (CANADA, (7000.0, "tonnes", "canada", "graphite", "export_volume")),
        # the table title holds rows many lines below it, past a subtitle that names no one
        (AUSTRALIA, (1800.0, "usd_per_kg", "australia", "terbium", "price")),
        (AUSTRALIA, (18000.0, "tonnes", "australia", "rare_earths", "production_volume")),
        # a row with no material of its own takes the table's, not the terbium of the row above
        (AUSTRALIA, (2.0, "percent", "australia", "rare_earths", "import_dependence")),
        # consumption below a row of exports measures use, not exports
        (AUSTRALIA, (700.0, "tonnes", "australia", "rare_earths", "other")),
        # the Chinese row: label, colon, "YEAR年VALUE"
        (JAPAN_ZH, (9800.0, "tonnes", "japan", "rare_earths", "import_volume")),
        (JAPAN_ZH, (88.0, "percent", "japan", "rare_earths", "import_dependence")),
    ],
)
def test_a_row_reads_its_label_and_its_table_title(text: str, expected: tuple) -> None:
    assert expected in _rows(text)


def test_prose_between_ends_the_table() -> None:
    """A line of prose under the title is not a row: the title no longer holds what follows it."""
    text = ("Salient statistics for Canada:\n"
            "Analysts expect graphite output to rise as new mines open.\n"
            "Exports of graphite (metric tons): 5,000 in 2020 and 6,500 in 2021.")
    holders = {s.subject for s in extract_statistics(text, on_topic=True) if s.unit == "tonnes"}
    assert "canada" not in holders


def test_a_label_with_a_figure_of_its_own_is_read_as_it_stands() -> None:
    """ "Cerium oxide, minimum purity 99.5%: $5 in 2014": the purity grade stays out of every price."""
    text = ("Average prices for the United States, in dollars per kilogram:\n"
            "Cerium oxide, minimum purity 99.5%: $5 in 2014, $3 in 2015 and $2 in 2016.")
    rows = _rows(text)
    assert [r[0] for r in rows if r[4] == "price"] == [5.0, 3.0, 2.0]
    assert not any(r[0] == 99.5 and r[4] == "price" for r in rows)


def test_a_sentence_with_a_colon_is_not_a_row() -> None:
    """Prose with a colon and no values by year keeps its own clauses."""
    text = "China's grip is tight: it refines 90% of the world's rare earths, and exports fell 20% in 2023."
    rows = _rows(text)
    assert (90.0, "percent", "china", "rare_earths", "share_of_global_refining") in rows


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        # a frequency after the verb's object, at the clause end or before a time adverbial
        ("China has extended the rare earth export ban twice since 2023.", True),
        ("Beijing delayed the gallium licensing rules three times last year.", True),
        # a multiplier stays: a comparison follows, or a rise or fall is in reach
        ("Dysprosium oxide prices are now twice as high as in 2022.", False),
        ("China tripled its rare earth mining quota in 2024.", False),
    ],
)
def test_a_frequency_after_the_object_is_out_of_scope(text: str, frequency: bool) -> None:
    """SCHEMA: frequencies ("extended twice") are out of scope; multipliers are statistics."""
    times = [s for s in extract_statistics(text, on_topic=True) if s.unit == "times"]
    assert (times == []) is frequency


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ", to N": the level a change arrived at, read with the clause it continues
        ("China's gallium exports halved in August, to 1,200 kilograms.",
         (1200.0, "kg", "china", "gallium", "export_volume")),
        ("Rare earth magnet exports from China rose 12% in May, to 5,800 tonnes.",
         (5800.0, "tonnes", "china", "rare_earth_magnets", "export_volume")),
        ("China's rare earth exports climbed in June, reaching 6,000 tonnes.",
         (6000.0, "tonnes", "china", "rare_earths", "export_volume")),
        # a later clause with a topic of its own keeps it
        ("China's rare earth exports rose 10%, to 5,000 tonnes, while Japan's rare earth imports fell 5%.",
         (-5.0, "percent", "japan", "rare_earths", "other")),
    ],
)
def test_a_continuation_clause_reads_the_clause_it_continues(text: str, expected: tuple) -> None:
    assert expected in _rows(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # trade-remedy duties are tariffs: a stated level is a tariff rate, held by who imposes it
        ("美国对中国石墨负极材料征收93.5%的反倾销税。", (93.5, "percent", "united_states", None, "tariff_rate")),
        ("美國對中國石墨負極材料徵收93.5%的反傾銷稅。", (93.5, "percent", "united_states", None, "tariff_rate")),
        ("The US set anti-dumping duties of 93.5% on Chinese graphite anode material.",
         (93.5, "percent", "united_states", None, "tariff_rate")),
    ],
)
def test_a_trade_remedy_duty_is_a_tariff(text: str, expected: tuple) -> None:
    assert expected in _rows(text)
