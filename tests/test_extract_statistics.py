"""worker.extract.statistics: table-driven, English and Chinese, every number form.

Each row is a passage we wrote for the test (not a gold sentence) and the statistics it must
give as ``(value, unit, approx, subject, material, measure)``, in text order.
"""

from __future__ import annotations

import pytest

from worker.extract.statistics import extract_statistics
from worker.extract.vocab import load_vocabulary
from worker.types import Statistic

Row = tuple[float, str, bool, str | None, str | None, str | None]


def _rows(text: str) -> list[Row]:
    return [
        (round(s.value, 2), s.unit, s.approx, s.subject, s.material, s.measure)
        for s in extract_statistics(text)
    ]


EN: list[tuple[str, list[Row]]] = [
    # shares: production vs refining vs reserves vs magnets, hedges, fractions, ranges
    (
        "China mines 61% of the world's rare earths and refines nearly 90% of them.",
        [
            (61, "percent", False, "china", "rare_earths", "share_of_global_production"),
            (90, "percent", True, "china", "rare_earths", "share_of_global_refining"),
        ],
    ),
    (
        "China produces 61 percent of global rare earth output.",
        [(61, "percent", False, "china", "rare_earths", "share_of_global_production")],
    ),
    (
        "Beijing controls two-thirds of global graphite production.",
        [(66.67, "percent", True, "china", "graphite", "share_of_global_production")],
    ),
    (
        "More than 90% of rare earth refining takes place in China.",
        [(90, "percent", True, "china", "rare_earths", "share_of_global_refining")],
    ),
    (
        "China's share of global heavy rare earth processing is 80-90%.",
        [(80, "percent", False, "china", "heavy_rare_earths", "share_of_global_refining")],
    ),
    (
        "China's share of gallium output fell from 98% to 94% last year.",
        [
            (98, "percent", False, "china", "gallium", "share_of_global_production"),
            (94, "percent", False, "china", "gallium", "share_of_global_production"),
        ],
    ),
    (
        "China has 44 million tonnes of rare earth reserves, or about 37% of the world total.",
        [
            (44_000_000, "tonnes", False, "china", "rare_earths", "reserves_volume"),
            (37, "percent", True, "china", "rare_earths", "share_of_global_reserves"),
        ],
    ),
    (
        "Australia supplies about 10% of global rare earth mine output.",
        [(10, "percent", True, "australia", "rare_earths", "share_of_global_production")],
    ),
    (
        "Tesla's supplier says China makes about 90% of the world's rare earth magnets.",
        [(90, "percent", True, "china", "rare_earth_magnets", "share_of_magnet_production")],
    ),
    (
        "Lynas, the top producer outside China, plans to produce 1,500 tonnes of heavy rare earths a year.",
        [(1500, "tonnes", False, "lynas", "heavy_rare_earths", "production_volume")],
    ),
    # dependence: the dependent is the subject, not the source
    (
        "The United States relies on China for 70% of its rare earth imports.",
        [(70, "percent", False, "united_states", "rare_earths", "import_dependence")],
    ),
    (
        "India imports roughly 90% of its rare earth magnets from China.",
        [(90, "percent", True, "india", "rare_earth_magnets", "import_dependence")],
    ),
    # exports, changes (signed), periods, destinations are not subjects
    (
        "China's exports of rare earth magnets fell 24.1% in May from a year earlier to 1,238 tonnes.",
        [
            (-24.1, "percent", False, "china", "rare_earth_magnets", "export_change"),
            (1238, "tonnes", False, "china", "rare_earth_magnets", "export_volume"),
        ],
    ),
    (
        "Rare earth magnet exports to the US plunged 93% in April, customs data showed.",
        [(-93, "percent", False, "china", "rare_earth_magnets", "export_change")],
    ),
    (
        "Gallium shipments abroad reached 8.2 metric tons in July, more than double June's level.",
        [
            (8.2, "tonnes", False, "china", "gallium", "export_volume"),
            (2, "times", True, "china", "gallium", "export_change"),
        ],
    ),
    (
        "In 2023 China exported 3,000 tonnes of gallium, while Japan imported 500 tonnes.",
        [
            (3000, "tonnes", False, "china", "gallium", "export_volume"),
            (500, "tonnes", False, "japan", "gallium", "import_volume"),
        ],
    ),
    # prices: per-unit prices keep their unit, changes are signed, multipliers are "times"
    (
        "Antimony traded at around $58,000-60,000 per tonne in Rotterdam.",
        [(58_000, "usd_per_tonne", True, None, "antimony", "price")],
    ),
    (
        "The price of terbium has doubled since the ban, reaching $1,200/kg.",
        [
            (2, "times", False, None, "terbium", "price_change"),
            (1200, "usd_per_kg", False, None, "terbium", "price"),
        ],
    ),
    (
        "Gallium prices tripled after the controls took effect.",
        [(3, "times", False, None, "gallium", "price_change")],
    ),
    # content per unit (pounds converted), investments
    (
        "The F-35 contains about 920 pounds of rare earth materials.",
        [(417.3, "kg", True, "f35", "rare_earths", "other")],
    ),
    (
        "The Pentagon will invest US$1.2bn in rare earth separation plants.",
        [(1_200_000_000, "usd", False, "pentagon", "rare_earths", "other")],
    ),
    # tariffs: material stays null, cuts are negative
    (
        "Rare earth talks stalled. The US will cut tariffs on Chinese goods by 10 percentage points.",
        [(-10, "percentage_points", False, "united_states", None, "tariff_rate")],
    ),
    (
        "Rare earth curbs prompted Washington to threaten 100% tariffs on China.",
        [(100, "percent", False, "united_states", None, "tariff_rate")],
    ),
    # counts of controlled items and licences; thresholds inside rules
    (
        "China placed seven medium and heavy rare earth elements under export control in April.",
        [(7, "count", False, "china", "heavy_rare_earths", "other")],
    ),
    (
        "MOFCOM said it had approved 1,500 export licence applications for rare earth magnets.",
        [(1500, "count", False, "china", "rare_earth_magnets", "licence_count")],
    ),
    (
        "The controls cover items containing more than 0.1% of Chinese-origin rare earths by value.",
        [(0.1, "percent", True, "china", "rare_earths", "other")],
    ),
    (
        "China supplies 98% of the EU's rare earth magnets.",
        [(98, "percent", False, "european_union", "rare_earth_magnets", "import_dependence")],
    ),
    (
        "Germany gets 65% of its rare earths from China, an industry group said.",
        [(65, "percent", False, "germany", "rare_earths", "import_dependence")],
    ),
    (
        "The United States was 100% reliant on imports for gallium and germanium in 2023.",
        [
            (100, "percent", False, "united_states", "gallium", "import_dependence"),
            (100, "percent", False, "united_states", "germanium", "import_dependence"),
        ],
    ),
    (
        "China's rare earth exports rose 6.5% to 50,000 tonnes, and their value fell 20% to $2.1 billion.",
        [
            (6.5, "percent", False, "china", "rare_earths", "export_change"),
            (50_000, "tonnes", False, "china", "rare_earths", "export_volume"),
            (-20, "percent", False, "china", "rare_earths", "export_change"),
            (2_100_000_000, "usd", False, "china", "rare_earths", "export_value"),
        ],
    ),
    (
        "In the first quarter, China exported 1,200 tonnes of graphite to the US, 30% less than a year ago.",
        [
            (1200, "tonnes", False, "china", "graphite", "export_volume"),
            (-30, "percent", False, "china", "graphite", "export_change"),
        ],
    ),
    (
        "China's gallium and germanium exports in July were 5.15 and 8.63 tonnes, respectively.",
        [
            (5.15, "tonnes", False, "china", "gallium", "export_volume"),
            (8.63, "tonnes", False, "china", "germanium", "export_volume"),
        ],
    ),
    (
        "China mined 240,000 tons of rare earths in 2023, 68% of the global total of 350,000 tons.",
        [
            (240_000, "tonnes", False, "china", "rare_earths", "production_volume"),
            (68, "percent", False, "china", "rare_earths", "share_of_global_production"),
            (350_000, "tonnes", False, "global", "rare_earths", "production_volume"),
        ],
    ),
    (
        "The price of gallium rose to $1,000 per kilogram, up from $300 in 2023.",
        [
            (1000, "usd_per_kg", False, None, "gallium", "price"),
            (300, "usd_per_kg", False, None, "gallium", "price"),
        ],
    ),
    (
        "Antimony costs about $60,000 a tonne, more than four times its price at the start of 2024.",
        [
            (60_000, "usd_per_tonne", True, None, "antimony", "price"),
            (4, "times", True, None, "antimony", "price_change"),
        ],
    ),
    (
        "China has cut its antimony export quota by a third.",
        [(-33.33, "percent", True, "china", "antimony", "other")],
    ),
    (
        "Beijing approved just 25 of the 100 rare earth licence applications it received.",
        [
            (25, "count", False, "china", "rare_earths", "licence_count"),
            (100, "count", False, "china", "rare_earths", "licence_count"),
        ],
    ),
    (
        "Products containing 0.1% or more of Chinese rare earths by value need a licence under the rules.",
        [(0.1, "percent", False, "china", "rare_earths", "other")],
    ),
    (
        "Only a quarter of the rare earth export licence applications have been approved.",
        [(25, "percent", True, "china", "rare_earths", "licence_count")],
    ),
]

ZH: list[tuple[str, list[Row]]] = [
    (
        "中国稀土产量占全球的61%，冶炼分离产能占全球的九成以上。",
        [
            (61, "percent", False, "china", "rare_earths", "share_of_global_production"),
            (90, "percent", True, "china", "rare_earths", "share_of_global_refining"),
        ],
    ),
    (
        "中國稀土產量佔全球百分之六十一。",
        [(61, "percent", False, "china", "rare_earths", "share_of_global_production")],
    ),
    (
        "我国稀土永磁体产量约占全球的９０％。",
        [(90, "percent", True, "china", "rare_earth_magnets", "share_of_magnet_production")],
    ),
    (
        "中国镓产量占全球的98%，锗产量约占全球的七成。",
        [
            (98, "percent", False, "china", "gallium", "share_of_global_production"),
            (70, "percent", True, "china", "germanium", "share_of_global_production"),
        ],
    ),
    (
        "中國是全球最大的鎵、鍺生產國，產量約佔全球的80%。",
        [
            (80, "percent", True, "china", "gallium", "share_of_global_production"),
            (80, "percent", True, "china", "germanium", "share_of_global_production"),
        ],
    ),
    (
        "中國稀土儲量約4400萬噸，佔全球的37%左右。",
        [
            (44_000_000, "tonnes", True, "china", "rare_earths", "reserves_volume"),
            (37, "percent", True, "china", "rare_earths", "share_of_global_reserves"),
        ],
    ),
    (
        "今年前5个月，中国稀土出口量为2.5万吨，同比下降10.4%。",
        [
            (25_000, "tonnes", False, "china", "rare_earths", "export_volume"),
            (-10.4, "percent", False, "china", "rare_earths", "export_change"),
        ],
    ),
    (
        "10月份大陸輸往德國的稀土磁鐵為1118噸，同比成長55.9%。",
        [
            (1118, "tonnes", False, "china", "rare_earth_magnets", "export_volume"),
            (55.9, "percent", False, "china", "rare_earth_magnets", "export_change"),
        ],
    ),
    (
        "据海关数据，中国锗出口量同比下降逾五成。",
        [(-50, "percent", True, "china", "germanium", "export_change")],
    ),
    (
        "美国约七成的稀土进口来自中国。",
        [(70, "percent", True, "united_states", "rare_earths", "import_dependence")],
    ),
    (
        "日本的重稀土幾乎100%仰賴中國供應。",
        [(100, "percent", True, "japan", "heavy_rare_earths", "import_dependence")],
    ),
    (
        "氧化镝价格上涨至每公斤1650元，较年初上涨三成。",
        [
            (1650, "cny_per_kg", False, None, "dysprosium", "price"),
            (30, "percent", True, None, "dysprosium", "price_change"),
        ],
    ),
    ("稀土价格较去年同期上涨两倍。", [(2, "times", False, None, "rare_earths", "price_change")]),
    (
        "商务部决定对钐、钆、铽、镝、镥、钪、钇等7类中重稀土相关物项实施出口管制。",
        [(7, "count", False, "china", "heavy_rare_earths", "other")],
    ),
    ("钨、锑、银三类金属被列入出口管制清单。", [(3, "count", False, "china", "critical_minerals", "other")]),
    (
        "稀土谈判仍在进行。美國對中國商品加徵10%的關稅，並將對華關稅調降5%。",
        [
            (10, "percent", False, "united_states", None, "tariff_rate"),
            (-5, "percent", False, "united_states", None, "tariff_rate"),
        ],
    ),
    ("锑的出口配额或将再压缩15%左右。", [(-15, "percent", True, "china", "antimony", "other")]),
    (
        "中国对镓、锗相关物项实施出口管制后，8月镓、锗出口量均为零。",
        [
            (0, "tonnes", False, "china", "gallium", "export_volume"),
            (0, "tonnes", False, "china", "germanium", "export_volume"),
        ],
    ),
    ("受出口管制影响，镓价格今年以来上涨近一倍。", [(2, "times", True, None, "gallium", "price_change")]),
    (
        "8月，镓、锗出口量分别为5.15吨和8.63吨。",
        [
            (5.15, "tonnes", False, "china", "gallium", "export_volume"),
            (8.63, "tonnes", False, "china", "germanium", "export_volume"),
        ],
    ),
    (
        "今年前三季度中国稀土永磁体出口量为4.2万吨，其中对美出口1.1万吨，占出口总量的26%。",
        [
            (42_000, "tonnes", False, "china", "rare_earth_magnets", "export_volume"),
            (11_000, "tonnes", False, "china", "rare_earth_magnets", "export_volume"),
            (26, "percent", False, "united_states", "rare_earth_magnets", "other"),
        ],
    ),
    ("陸方對美出口鎵按月大減逾八成。", [(-80, "percent", True, "china", "gallium", "export_change")]),
    ("台灣約有九成的稀土依賴進口。", [(90, "percent", True, "taiwan", "rare_earths", "import_dependence")]),
    ("中国今年出口3000多吨稀土。", [(3000, "tonnes", True, "china", "rare_earths", "export_volume")]),
    (
        "美国2/3的稀土来自中国。",
        [(66.67, "percent", True, "united_states", "rare_earths", "import_dependence")],
    ),
    (
        "據海關數據，中國5月稀土出口量按年跌三成，至3,500公噸。",
        [
            (-30, "percent", True, "china", "rare_earths", "export_change"),
            (3500, "tonnes", False, "china", "rare_earths", "export_volume"),
        ],
    ),
]

NONE: list[str] = [
    "China tightened rare earth export controls in 2023 and again on 9 October 2025 [1][2].",
    "Group 1: China's rare earth dominance. Exporters of rare earths have 45 working days to apply.",
    "MOFCOM Announcement No. 61 of 2025 covers rare earth technologies under section 3.",
    "Shares of MP Materials rose 12% after the rare earth deal; the stock had doubled this year.",
    "The rule covers any company in which listed entities own at least 50%, the rare earth curbs say.",
    "The US bought 12 million tonnes of soybeans, while rare earth talks continued.",
    "Rare earth controls do not cover chips below 14 nm, the ministry said, for one year.",
    "The rare earth elements, a group of 17 metals, run from lanthanum (57) to lutetium (71).",
    "稀土管制自2025年4月4日起实施，为期一年，第61号公告同时发布。",
    "商务部接连发出4份公告，涉及稀土技术。",
    # off topic: numbers galore, no mineral
    "Solar module exports rose 9% to 236 gigawatts while prices fell 30% to $0.10 per watt.",
    "国际金价升至每盎司3512美元，单日升幅达2.4%。",
    "The recycler recovers more than 95% of the lithium and cobalt, using 40% less energy.",
    "China's economy grew 5.2% last year as rare earth talks went on.",
    "Nvidia shares fell 3% as China tightened rare earth controls.",
    "The yuan weakened 0.5% against the dollar after the rare earth announcement.",
    "About 3,000 workers at the rare earth plant went on strike for two weeks.",
]


@pytest.mark.parametrize(("text", "expected"), EN, ids=[t[:40] for t, _ in EN])
def test_english(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), ZH, ids=[t[:20] for t, _ in ZH])
def test_chinese(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize("text", NONE, ids=[t[:40] for t in NONE])
def test_not_statistics(text: str) -> None:
    assert _rows(text) == []


def test_spans_sentence_and_period() -> None:
    text = "Rare earths.\n今年前5个月，中国稀土出口量为２.５万吨。 In May, China's gallium exports fell 4.1%."
    stats = extract_statistics(text)
    assert [text[s.start : s.end] for s in stats] == ["２.５万吨", "4.1%"]
    assert stats[0].sentence == "今年前5个月，中国稀土出口量为２.５万吨。"
    assert stats[0].period == "前5个月"
    assert stats[1].period == "May"
    assert all(isinstance(s, Statistic) for s in stats)


def test_range_keeps_upper_bound() -> None:
    (stat,) = extract_statistics("Approximately 70-90% of rare earth mining is controlled by China.")
    assert (stat.value, stat.value_high, stat.approx) == (70, 90, True)


def test_every_mention_counts() -> None:
    text = "China refines 90% of rare earths. Again: China refines 90% of rare earths."
    assert len(extract_statistics(text)) == 2


def test_watch_file_vocabulary_extends_aliases() -> None:
    text = "Rare earth output: Arafura will produce 4,400 tonnes of NdPr oxide a year."
    assert _rows(text)[0][3] is None
    vocab = load_vocabulary({"actors": {"arafura": {"en": ["Arafura"]}}})
    (stat,) = extract_statistics(text, vocab=vocab)
    assert stat.subject == "arafura"
    assert load_vocabulary() is load_vocabulary()  # the default is cached


def test_topic_words_nearby_do_not_make_any_number_a_statistic() -> None:
    text = (
        "Ford said rare earth magnets were scarce. EV sales rose 30% in May. "
        "Ford reported revenue of $40 billion for the quarter, it said on Tuesday."
    )
    assert _rows(text) == []



