"""Attribution of statistics, the classes of fold rounds 3 to 6 (docs/extraction.md), one table each.

Every sentence here was written for this test (none is a gold passage); each row gives the
statistics the sentence must yield as ``(value, unit, approx, subject, material, measure)``
(the helpers and the earlier rounds' tables: tests/test_statistics_attribution.py).
"""

from __future__ import annotations

import pytest

from tests.test_statistics_attribution import Row, _rows

# round 3: clauses that hang on the one before, markets of prices, the world as a place, controlled
# element groups, prices per unit SCHEMA has no unit for, share-price moves
ROUND_THREE: list[tuple[str, list[Row]]] = [
    # a relative clause hangs on the clause before it: the U.S. lowers the rate, not Beijing
    ("Beijing agreed to pause its rare earth controls, while the U.S. cut tariffs to 47% from 57%, which included "
     "lowering the fentanyl duty rate to 10% from 20%.",
     [(47, "percent", False, "united_states", None, "tariff_rate"), (57, "percent", False, "united_states", None,
      "tariff_rate"), (10, "percent", False, "united_states", None, "tariff_rate"),
      (20, "percent", False, "united_states", None, "tariff_rate")]),
    # a trailing change is about the price noun earlier in the sentence, and its market
    ("Japanese dysprosium prices rose to $400 per kg in March, up 20% since January.",
     [(400, "usd_per_kg", False, "japan", "dysprosium", "price"),
      (20, "percent", False, "japan", "dysprosium", "price_change")]),
    ("Dysprosium fetched $300 per kg in Europe's spot market.",
     [(300, "usd_per_kg", False, "european_union", "dysprosium", "price")]),
    # "on Earth", "地球上": the world's
    ("Reserves of antimony on Earth total only about 2 million tonnes.",
     [(2000000, "tonnes", True, "global", "antimony", "reserves_volume")]),
    ("锑在地球上的储量仅有约200万吨。", [(2000000, "tonnes", True, "global", "antimony", "reserves_volume")]),
    # a count of controlled rare earths counts the medium and heavy group, unless a light one is listed;
    # the market the controls face is not their holder
    ("China imposed export controls on seven rare earth elements in April.",
     [(7, "count", False, "china", "heavy_rare_earths", "other")]),
    ("北京同时面向全球市场对七种稀土实施出口管制。", [(7, "count", False, "china", "heavy_rare_earths", "other")]),
    ("China imposed export controls on five rare earths, including lanthanum and cerium, in April.",
     [(5, "count", False, "china", "rare_earths", "other")]),
    # money per a unit SCHEMA has none for is still a price
    ("Tungsten: APT traded at $600 per metric ton unit in Rotterdam this week.",
     [(600, "other", False, None, "tungsten", "price")]),
    # share-price moves are out of scope
    ("MP Materials shares were up 7.5% by mid-afternoon as rare earth miners rallied.", []),
    ("The rare earth miner's stock ended the day 5% higher at $60.", []),
]


# round 4: guaranteed prices, production verbs, raw-material names, shares of a change, platforms
ROUND_FOUR: list[tuple[str, list[Row]]] = [
    # a floor price is the guarantor's, in the sentence or the nearest before it, not the producer's
    ("The Pentagon guaranteed MP Materials $110 per kilogram for its NdPr.",
     [(110, "usd_per_kg", False, "pentagon", "neodymium", "price")]),
    ("美国国防部为该公司的钕镨氧化物产品设定每公斤110美元的最低价格。",
     [(110, "usd_per_kg", False, "pentagon", "neodymium", "price")]),
    ("The Pentagon signed a deal with the miner. Under it, NdPr is assured a minimum price of $110 per kilogram.",
     [(110, "usd_per_kg", False, "pentagon", "neodymium", "price")]),
    # "make" states an output
    ("The Narva plant can make 2,000 tonnes of rare earth magnets per year.",
     [(2000, "tonnes", False, None, "rare_earth_magnets", "production_volume")]),
    # "strategic raw materials", "战略原料": critical minerals
    ("欧盟要求战略原料在境内加工的比例至少达到40%。",
     [(40, "percent", True, "european_union", "critical_minerals", "other")]),
    # a share of an increase is a share, not a change; a rise by a fraction is a change
    ("China accounts for two-thirds of the increase in global rare earth refining capacity since 2020.",
     [(66.67, "percent", True, "china", "rare_earths", "other")]),
    ("China's rare earth exports rose by a third in May.",
     [(33.33, "percent", True, "china", "rare_earths", "export_change")]),
    # platforms named in quotes hold their own figures
    ("一艘“弗吉尼亚”级核潜艇要用4吨多稀土，一艘“阿利·伯克”级驱逐舰要用2359千克。",
     [(4, "tonnes", True, "virginia_class", "rare_earths", "other"),
      (2359, "kg", False, "arleigh_burke_class", "rare_earths", "other")]),
]


# round 5: changes of a quoted price, verbs that look like quota nouns, controls of a flow, licence
# applications, suspended exports as a control
ROUND_FIVE: list[tuple[str, list[Row]]] = [
    # a change in a sentence that quotes a price is the price's change; in yuan with no market: China's
    ("Spot germanium ingots traded at a record 13,250 yuan a kilogram, after a climb of nearly a third over the "
     "past month.",
     [(13250, "cny_per_kg", False, "china", "germanium", "price"),
      (33.33, "percent", True, "china", "germanium", "price_change")]),
    # "would cap prices" is no quota, "export restrictions" no export flow: the change is of the price
    # of the sentence before
    ("Germanium prices hit a record on Wednesday. That amounts to a 38% rise since the export restrictions took "
     "effect, contrary to hopes that more supply would cap prices.",
     [(38, "percent", False, None, "germanium", "price_change")]),
    ("China's rare earth exports rose 20% in May despite the export controls.",
     [(20, "percent", False, "china", "rare_earths", "export_change")]),
    # a share of applications awaiting approval is the licensor's; the applications are the filers'
    ("About half of the more than 2,000 applications from EU companies for rare earth export licences are still "
     "awaiting approval.",
     [(50, "percent", True, "china", "rare_earths", "licence_count"),
      (2000, "count", True, "european_union", "rare_earths", "licence_count")]),
    # suspending exports is a control
    ("中国一度暂停出口七种稀土金属。", [(7, "count", False, "china", "heavy_rare_earths", "other")]),
]


# round 6: money given is the giver's; "the company" is the organisation named last
ROUND_SIX: list[tuple[str, list[Row]]] = [
    ("Vulcan Elements will build a rare earth magnet plant in North Carolina. To finance it, the company will "
     "draw on a loan of $620 million from the Pentagon and $50 million in incentives provided by Japan.",
     [(620000000, "usd", False, "pentagon", "rare_earth_magnets", "other"),
      (50000000, "usd", False, "japan", "rare_earth_magnets", "other")]),
    ("Neo Performance Materials opened a rare earth magnet plant in Estonia. The company expects the plant to "
     "make 2,000 tonnes of magnets a year.",
     [(2000, "tonnes", False, "neo_performance_materials", "rare_earth_magnets", "production_volume")]),
    # the class named in passing (a regulator's name) does not replace the mineral the text is about
    ("刚果（金）是全球最大的钴供应国，产量占全球的75%。钴价随后跌至九年新低，钴出口禁令两度延长。"
     "刚果（金）战略矿产市场监管局宣布实行出口配额。2026年的出口上限为96600吨。",
     [(75, "percent", False, "drc", "cobalt", "share_of_global_production"),
      (96600, "tonnes", False, "drc", "cobalt", "other")]),
    # "mineral commodities" (USGS): minerals in general
    ("The map shows the mineral commodities for which U.S. net import reliance was more than 50% in 2020.",
     [(50, "percent", True, "united_states", "critical_minerals", "import_dependence")]),
    # a share of one state's whole is no share of the world's
    ("Lynas supplied between 7% and 9% of Chinese rare earth production.",
     [(7, "percent", False, "lynas", "rare_earths", "other")]),
    ("The new plant could meet up to 15% of the EU's demand for rare earth magnets.",
     [(15, "percent", True, None, "rare_earth_magnets", "other")]),
    ("China supplies 90% of the world's rare earth magnets.",
     [(90, "percent", False, "china", "rare_earth_magnets", "share_of_magnet_production")]),
    # a clause that only goes on with a share-price move is out of scope too; a price word keeps its own
    ("自MP案以来，Energy Fuels的股价涨了近200%，NioCorp与Ramaco稀土公司分别上涨近200%和140%。", []),
    ("MP Materials股价周四大涨逾50%，市值达74亿美元，比前一交易日增加约25亿美元。", []),
    ("中国稀土出口量增长了20%，价格上涨了10%。",
     [(20, "percent", False, "china", "rare_earths", "export_change"),
      (10, "percent", False, None, "rare_earths", "price_change")]),
    # licence requests are the filer's, here "the chamber" named in the sentence before
    ("The EU Chamber of Commerce in China said members still face delays. Its president said the chamber had "
     "escalated more than 140 rare earth export licence requests.",
     [(140, "count", True, "european_union_chamber_of_commerce_in_china", "rare_earths", "licence_count")]),
    # with no organisation named before it, the description holds nothing we can name
    ("该公司去年稀土产量为5000吨。", [(5000, "tonnes", False, None, "rare_earths", "production_volume")]),
]


@pytest.mark.parametrize(("text", "expected"), ROUND_SIX, ids=[t[:30] for t, _ in ROUND_SIX])
def test_round_six_classes(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), ROUND_FIVE, ids=[t[:30] for t, _ in ROUND_FIVE])
def test_round_five_classes(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), ROUND_FOUR, ids=[t[:30] for t, _ in ROUND_FOUR])
def test_round_four_classes(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), ROUND_THREE, ids=[t[:30] for t, _ in ROUND_THREE])
def test_round_three_classes(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected
