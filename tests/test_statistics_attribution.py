"""Attribution of statistics by sentence structure, one table per error class, English and Chinese.

Every sentence here was written for this test (none is a gold passage); each row gives the
statistics the sentence must yield as ``(value, unit, approx, subject, material, measure)``.
The classes follow docs/extraction.md: wrong measure (the governing phrase decides), wrong
subject (roles decide: data source, destination, compound modifier, unknown organisation,
market of a price), wrong material (parenthesised figures, element groups, new materials).
"""

from __future__ import annotations

import pytest

from worker.extract.names import find_names, name_key
from worker.extract.statistics import extract_statistics
from worker.extract.statistics.document import name_words
from worker.extract.vocab import load_vocabulary

Row = tuple[float, str, bool, str | None, str | None, str | None]


def _rows(text: str) -> list[Row]:
    return [(round(s.value, 2), s.unit, s.approx, s.subject, s.material, s.measure) for s in extract_statistics(text)]


MEASURE_BY_PHRASE: list[tuple[str, list[Row]]] = [
    # the more specific activity in the governing phrase wins: refined output is refining
    ("Among critical minerals, Indonesia's processed nickel makes up 55% of global production of refined nickel.",
     [(55, "percent", False, "indonesia", "nickel", "share_of_global_refining")]),
    ("在关键矿产中，印尼镍产量占全球精炼镍产量的55%。",
     [(55, "percent", False, "indonesia", "nickel", "share_of_global_refining")]),
    # each conjunct has its own phrase: a verb after "and" belongs to the next number
    ("Australia mines 50% of the world's tungsten and Chile refines 25% of it, while Argentina holds 20% of reserves.",
     [(50, "percent", False, "australia", "tungsten", "share_of_global_production"),
      (25, "percent", False, "chile", "tungsten", "share_of_global_refining"),
      (20, "percent", False, "argentina", "tungsten", "share_of_global_reserves")]),
    ("中国在稀土开采上占六成、冶炼分离占85%、永磁体制造占90%。",
     [(60, "percent", True, "china", "rare_earths", "share_of_global_production"),
      (85, "percent", False, "china", "rare_earths", "share_of_global_refining"),
      (90, "percent", False, "china", "rare_earth_magnets", "share_of_magnet_production")]),
    # a parenthesised figure belongs to the words before it
    ("China dominates rare earth refining (70-95%) as well as magnet making.",
     [(70, "percent", False, "china", "rare_earths", "share_of_global_refining")]),
    # "N% of <activity> comes from X": a world share held by the source, when nobody depends
    ("About 85% of processed rare earths come from China, the agency said.",
     [(85, "percent", True, "china", "rare_earths", "share_of_global_refining")]),
    ("全球约60%的石墨产量来自中国。",
     [(60, "percent", True, "china", "graphite", "share_of_global_production")]),
    # ... but a possessor or a dependent makes it dependence
    ("Japan gets 60% of its rare earths from China.",
     [(60, "percent", False, "japan", "rare_earths", "import_dependence")]),
    ("缅甸占中国稀土进口量的40%。",
     [(40, "percent", False, "myanmar", "rare_earths", "import_dependence")]),
    # the verb family of dependence
    ("Korea leaned on Chinese suppliers for 80% of its graphite.",
     [(80, "percent", False, "south_korea", "graphite", "import_dependence")]),
    # money governed by a trade verb is a trade value; a Chinese comment clause keeps its topic
    ("Japan imported $1.2 billion of rare earths last year.",
     [(1.2e9, "usd", False, "japan", "rare_earths", "import_value")]),
    ("日本去年进口了5亿美元的稀土。",
     [(5e8, "usd", False, "japan", "rare_earths", "import_value")]),
    ("前三季度稀土出口额同比下降5%，为30亿元。",
     [(-5, "percent", False, "china", "rare_earths", "export_change"),
      (3e9, "cny", False, "china", "rare_earths", "export_value")]),
    # capacity is a production volume
    ("Vulcan Elements will build a U.S. magnet plant with a capacity of 8,000 tonnes of rare earth magnets a year.",
     [(8000, "tonnes", False, "vulcan_elements", "rare_earth_magnets", "production_volume")]),
]

SUBJECT_BY_ROLE: list[tuple[str, list[Row]]] = [
    # where the figures come from is not who holds them
    ("According to Japanese customs data, China exported 4,000 tonnes of rare earth magnets in March.",
     [(4000, "tonnes", False, "china", "rare_earth_magnets", "export_volume")]),
    # an unknown organisation heading the sentence; two named together hold it jointly (no one subject)
    ("Arafura Resources and Iluka Resources will supply 5,000 tonnes of rare earth oxides together.",
     [(5000, "tonnes", False, None, "rare_earth_oxides", "other")]),
    # the market of a price is the actor that modifies the price noun
    ("Chinese antimony prices fell 12% in May, while prices in Europe jumped 35%.",
     [(-12, "percent", False, "china", "antimony", "price_change"),
      (35, "percent", False, "european_union", "antimony", "price_change")]),
    ("欧洲市场的镓价上涨30%。",
     [(30, "percent", False, "european_union", "gallium", "price_change")]),
    # a list of holders: each figure goes with the country right before it
    ("俄罗斯储量35万吨、玻利维亚31万吨、吉尔吉斯斯坦26万吨的锑储量位居其后。",
     [(350000, "tonnes", False, "russia", "antimony", "reserves_volume"),
      (310000, "tonnes", False, "bolivia", "antimony", "reserves_volume"),
      (260000, "tonnes", False, "kyrgyzstan", "antimony", "reserves_volume")]),
]

MATERIALS: list[tuple[str, list[Row]]] = [
    # elements without a key count by their group; cobalt and lithium have keys of their own
    ("Gadolinium and holmium exports rose to 300 tonnes, while cerium prices were $2 per kilogram.",
     [(300, "tonnes", False, "china", "heavy_rare_earths", "export_volume"),
      (2, "usd_per_kg", False, None, "light_rare_earths", "price")]),
    ("Like rare earths, Congo's cobalt exports dropped 20% to 25,000 tonnes, and lithium prices rose 15%.",
     [(-20, "percent", False, "drc", "cobalt", "export_change"),
      (25000, "tonnes", False, "drc", "cobalt", "export_volume"),
      (15, "percent", False, None, "lithium", "price_change")]),
    # a parenthesised figure takes the mineral before it; a mineral without a key is minerals in general
    ("Japan relies on China for its dysprosium (90%) and magnesium (55%) supplies.",
     [(90, "percent", False, "japan", "dysprosium", "import_dependence"),
      (55, "percent", False, "japan", "critical_minerals", "import_dependence")]),
]


SCOPE_AND_SIGN: list[tuple[str, list[Row]]] = [
    # a stated tariff level is a level, a cut "to" a rate too; each rate to the one who levies it
    ("Under the truce, US tariffs on Chinese goods were cut to 30% and Chinese levies on rare earth products to 10%.",
     [(30, "percent", False, "united_states", None, "tariff_rate"),
      (10, "percent", False, "china", None, "tariff_rate")]),
    ("Washington slapped a 25% duty on Chinese graphite anodes.",
     [(25, "percent", False, "united_states", None, "tariff_rate")]),
    # a change verb governs every number of a list after it; the verb family of falls
    ("镓和锑的出口分别减少9%和8%。",
     [(-9, "percent", False, "china", "gallium", "export_change"),
      (-8, "percent", False, "china", "antimony", "export_change")]),
    ("Germanium exports fell 12% and 9% in the two quarters, after a 97% collapse in gallium shipments.",
     [(-12, "percent", False, "china", "germanium", "export_change"),
      (-9, "percent", False, "china", "germanium", "export_change"),
      (-97, "percent", False, "china", "gallium", "export_change")]),
    # an export quota limits exports, it is no production quota
    ("Congo set cobalt export quotas at 18,000 tonnes, a critical minerals move.",
     [(18000, "tonnes", False, "drc", "cobalt", "other")]),
    # a mass of feedstock is a mass of the topic; money for an organisation named in the sentence counts
    ("Lynas will process up to 6,000 tons of rare earth feedstock a year.",
     [(6000, "tonnes", True, "lynas", "rare_earths", "other")]),
    ("Magnet maker Arnold Magnetics will receive a $45 million loan to expand rare earth magnet capacity.",
     [(45e6, "usd", False, "arnold_magnetics", "rare_earth_magnets", "other")]),
]


OUT_OF_SCOPE_AND_RATES: list[tuple[str, list[Row]]] = [
    # the value of other goods, share prices and counts of announcements are not ours
    ("The US threatened tariffs on $200 billion of Chinese goods, though rare earths were spared.", []),
    ("美国拟对约2000亿美元的中国输美商品加征关税，但稀土不在清单之列。", []),
    ("MP Materials股价周四大涨逾50%，收报45.23美元，稀土概念股走强。", []),
    ("商务部连续发布六项公告，对五种稀土实施出口管制。",
     [(5, "count", False, "china", "heavy_rare_earths", "other")]),
    # a rate-of-fall noun keeps its sign when the rate narrows
    ("今年前七个月稀土磁铁出口的年减幅已由上半年的18.9%缩小到15%。",
     [(-18.9, "percent", False, "china", "rare_earth_magnets", "export_change"),
      (-15, "percent", False, "china", "rare_earth_magnets", "export_change")]),
    # a fall of imports is a change, held by the importer, not the source
    ("与去年相比，美国自中国进口的锑减少了三分之一。",
     [(-33.33, "percent", True, "united_states", "antimony", "other")]),
    # a change verb followed by 至 and words is a level
    ("我国稀土储量占比已骤降至世界的40%。",
     [(40, "percent", False, "china", "rare_earths", "share_of_global_reserves")]),
]


ROLES_AND_OBJECTS: list[tuple[str, list[Row]]] = [
    # licences granted belong to the granting state; whoever reports it after the number is no holder
    ("Only a third of the rare earth export licence applications filed since April have been granted, "
     "the chamber of commerce said.",
     [(33.33, "percent", True, "china", "rare_earths", "licence_count")]),
    # "the globe's" is the world: a world share held by the source
    ("Over 70% of the globe's rare earth output comes from China, which also holds 40% of reserves.",
     [(70, "percent", True, "china", "rare_earths", "share_of_global_production"),
      (40, "percent", False, "china", "rare_earths", "share_of_global_reserves")]),
    # the change verbs of Chinese reporting; the destination is no exporter
    ("大陆7月稀土磁铁出口暴增75%，对美国的出口量比6月激增60%。",
     [(75, "percent", False, "china", "rare_earth_magnets", "export_change"),
      (60, "percent", False, "china", "rare_earth_magnets", "export_change")]),
    # what the change verb governs decides the measure; the agent of "forced X to cut" holds it
    ("Export restrictions on rare earth magnets forced Nova Motors to cut scooter production by 40%.",
     [(-40, "percent", False, "nova_motors", "rare_earth_magnets", "other")]),
    # the owner of the whole is not the holder of the part
    ("It could meet up to 20% of Japan's demand for rare earth magnets.",
     [(20, "percent", True, None, "rare_earth_magnets", "other")]),
    # imports and exports together are neither; the other side of a deal is no holder
    ("两国进出口合计约3万吨稀土。", [(30000, "tonnes", True, "china", "rare_earths", "other")]),
    ("美国与澳大利亚签下50亿美元的稀土协议。", [(5e9, "usd", False, "united_states", "rare_earths", "other")]),
    # a threshold inside a control rule is SCHEMA's "other"; a share beside a control word stays a share
    ("Under the new rules, foreign products whose Chinese rare earth content reaches 0.1% of their value need an "
     "export licence.", [(0.1, "percent", False, "china", "rare_earths", "other")]),
    ("China still controls 90% of refined rare earths despite the export controls.",
     [(90, "percent", False, "china", "rare_earths", "share_of_global_refining")]),
    # a conjunct shares the role of the one before it: both compared countries are sources, not holders
    ("日本对中国稀土的依赖程度比越南（15%）和法国（6%）都高。",
     [(15, "percent", False, "japan", "rare_earths", "import_dependence"),
      (6, "percent", False, "japan", "rare_earths", "import_dependence")]),
    # "由 A 升至 B": A is where the change started, B where it ended; both levels of the share
    ("钕产品占出口的比重由2.5%升至6%。",
     [(2.5, "percent", False, "china", "neodymium", "other"),
      (6, "percent", False, "china", "neodymium", "other")]),
]


TABLES_AND_DEPENDENCE: list[tuple[str, list[Row]]] = [
    # a table's rows are held by the actor its title names; a list with a class of materials is the class
    ("Salient statistics for Canada, 2020 to 2022:\n"
     "Imports of rare-earth metals, scandium and yttrium (metric tons): 1,200 in 2020 and 1,350 in 2021.\n"
     "Exports of rare-earth compounds (metric tons): 300 in 2020 and 250 in 2021.",
     [(1200, "tonnes", False, "canada", "rare_earths", "import_volume"),
      (1350, "tonnes", False, "canada", "rare_earths", "import_volume"),
      (300, "tonnes", False, "canada", "rare_earths", "export_volume"),
      (250, "tonnes", False, "canada", "rare_earths", "export_volume")]),
    # importing or buying abroad N% of one's own supply is dependence
    ("India imports nearly 90% of its rare earth magnets, a serious weakness.",
     [(90, "percent", True, "india", "rare_earth_magnets", "import_dependence")]),
    ("Vietnam buys 80% of its rare earth magnets abroad, mostly from China.",
     [(80, "percent", False, "vietnam", "rare_earth_magnets", "import_dependence")]),
    ("欧盟85%的镓由中国供应。", [(85, "percent", False, "european_union", "gallium", "import_dependence")]),
    # the imposer of a tariff named after it, in a relative clause
    ("That halt answered the 125 percent tariffs Washington had placed on Chinese rare earth products.",
     [(125, "percent", False, "united_states", None, "tariff_rate")]),
    # in English, a price in yuan with no market named is China's market
    ("Spot dysprosium oxide traded at 1,650 yuan a kilogram on Friday, according to a price agency.",
     [(1650, "cny_per_kg", False, "china", "dysprosium", "price")]),
]


ROUND_TWO: list[tuple[str, list[Row]]] = [
    # "a year before" is a comparison date, not a yearly rate; the destination is no exporter
    ("In June, exports of gallium metal plunged to 20t, all of it bound for Japan, against 153t a year before.",
     [(20, "tonnes", False, "china", "gallium", "export_volume"),
      (153, "tonnes", False, "china", "gallium", "export_volume")]),
    # refineries name the activity; the place of the refineries holds the share
    ("In addition, more than 80% of global graphite is turned into anode material in Chinese refineries.",
     [(80, "percent", True, "china", "graphite", "share_of_global_refining")]),
    # a second predicate ends the first number's phrase; a comment clause keeps the topic before it
    ("China mines more than half of the world's rare earths and controls a large share of global processing "
     "capacity for them, estimated at over 90% at individual stages.",
     [(50, "percent", True, "china", "rare_earths", "share_of_global_production"),
      (90, "percent", True, "china", "rare_earths", "share_of_global_refining")]),
    # ", at over 95%" comments on the clause before (its share of refining)
    ("China produces about 80% of the world's gallium, and its share of refining is even higher, at over 95%.",
     [(80, "percent", True, "china", "gallium", "share_of_global_production"),
      (95, "percent", True, "china", "gallium", "share_of_global_refining")]),
    # the verb that governs the number beats a phrase naming only supply
    ("In 2024 China supplied most of the world's refined gallium and processed roughly 95% of global supply.",
     [(95, "percent", True, "china", "gallium", "share_of_global_refining")]),
    # imports covering a country's consumption (an abbreviation's stop does not end the phrase)
    ("According to the agency, imports covered more than 60% of U.S. apparent consumption of rare earths in 2022.",
     [(60, "percent", True, "united_states", "rare_earths", "import_dependence")]),
    # the noun after 的 is what the number is a part of; a Chinese change verb governs the noun before it
    ("中国掌握了全球达七成的稀土开采和达九成的分离精炼市场。",
     [(70, "percent", True, "china", "rare_earths", "share_of_global_production"),
      (90, "percent", True, "china", "rare_earths", "share_of_global_refining")]),
    ("中国稀土产量每年平均增长8%，在全球产量中的占比从80%提高到92%。",
     [(8, "percent", False, "china", "rare_earths", "other"),
      (80, "percent", False, "china", "rare_earths", "share_of_global_production"),
      (92, "percent", False, "china", "rare_earths", "share_of_global_production")]),
    # figures listed after an actor take the measure of the figure before them
    ("2024年全球锑矿产量约12万吨，中国供应占比高达80%，俄罗斯（6%）和塔吉克斯坦（4%）分列其后。",
     [(120000, "tonnes", True, "global", "antimony", "production_volume"),
      (80, "percent", False, "china", "antimony", "share_of_global_production"),
      (6, "percent", False, "russia", "antimony", "share_of_global_production"),
      (4, "percent", False, "tajikistan", "antimony", "share_of_global_production")]),
    ("In May, most Chinese gallium went to Japan, which took 12 tons, followed by Germany at 9 tons and India at 5 "
     "tons.",
     [(12, "tonnes", False, "china", "gallium", "export_volume"),
      (9, "tonnes", False, "china", "gallium", "export_volume"),
      (5, "tonnes", False, "china", "gallium", "export_volume")]),
    # a trade value without the goods named, a tariff on other goods, a word with 元: not ours
    ("韩国的稀土依赖中国。南韩对欧盟的出口额为四十亿美元。", []),
    ("欧盟将进口钢铁关税由25%调高到50%，稀土不在清单之列。", []),
    ("以三元正极材料为例，单是这一领域就用掉了超过70%的钴，稀土也一样。",
     [(70, "percent", True, None, "cobalt", "other")]),
    # a material named as the basis of measurement is not the topic
    ("以稀土氧化物（REO）计，中国稀土储量达3600万吨，相当于世界总储量的36%。",
     [(36e6, "tonnes", False, "china", "rare_earths", "reserves_volume"),
      (36, "percent", False, "china", "rare_earths", "share_of_global_reserves")]),
]


COUNTS: list[tuple[str, list[Row]]] = [
    # a count of minerals or controlled items by its own counted noun, when controlled, depended on or listed
    ("Rare earths are scarce. Imports covered most of U.S. consumption of 40 nonfuel mineral commodities last year.",
     [(40, "count", False, "united_states", "critical_minerals", "other")]),
    ("稀土是关键矿产。该法案旨在保障欧洲所需的30种战略原材料的供应。",
     [(30, "count", False, "european_union", "critical_minerals", "other")]),
    ("稀土受到管制。两用物项出口管制清单列有约900项。", [(900, "count", True, "china", None, "other")]),
    ("China suspended exports of six rare earth metals and of magnets made from two of them, citing export control "
     "rules.", [(6, "count", False, "china", "heavy_rare_earths", "other")]),
    # the counted noun's own material, not one of the next conjunct (controlled rare earths: the
    # medium and heavy group)
    ("By 2025 China had set up permit systems for seven rare earths and had brought tungsten under its export "
     "controls.", [(7, "count", False, "china", "heavy_rare_earths", "other")]),
    # a definition, an apposition, a count of announcements: not ours
    ("Rare earths, a group of 17 metals, are under export controls.", []),
    ("The rules apply to gallium and germanium, two metals used in chipmaking, under export controls.", []),
    ("中国商务部连续发布三项公告，对稀土实施出口管制。", []),
]


CHINESE_ROLES: list[tuple[str, list[Row]]] = [
    # a subject-less Chinese clause continues the topic of the clause before it
    ("特朗普也想打破中国的稀土垄断，与澳大利亚签下80亿美元的稀土协议。",
     [(8e9, "usd", False, "united_states", "rare_earths", "other")]),
    # the market of a price: the place the sentence names as its market; a cause is no market
    ("在欧洲市场，金属锑的到岸价为13,000美元/吨，比去年同期上涨约20%。",
     [(13000, "usd_per_tonne", False, "european_union", "antimony", "price"),
      (20, "percent", True, "european_union", "antimony", "price_change")]),
    ("受刚果（金）出口管制影响，精炼钴价格涨了一倍多，从每磅10美元升至25美元，稀土也一样。",
     [(2, "times", True, None, "cobalt", "price_change"),
      (22.05, "usd_per_kg", False, None, "cobalt", "price"),
      (55.12, "usd_per_kg", False, None, "cobalt", "price")]),
    # the actors of a dashed aside do not hold the number
    ("他扬言将在11月1日——也就是韩国APEC峰会第二天——对中国稀土产品加征100%关税。",
     [(100, "percent", False, None, None, "tariff_rate")]),
    # a text about another state's controls gives that state the figures nobody else holds
    # ("extended twice" is a frequency, out of scope; "tripled" a multiplier)
    ("Congo's cobalt export quotas took effect in October, a critical minerals measure; Congo's cobalt export ban "
     "had been extended twice. The cobalt quota for the rest of 2025 was set at 18,125 tonnes.",
     [(18125, "tonnes", False, "drc", "cobalt", "production_quota")]),
    ("Antimony prices have tripled, and China's gallium exports doubled.",
     [(3, "times", False, None, "antimony", "price_change"), (2, "times", False, "china", "gallium", "export_change")]),
    # Inner Mongolia is in China, not Mongolia
    ("内蒙古包头市的稀土磁铁厂产能利用率跌到50%。", [(50, "percent", False, "china", "rare_earth_magnets", "other")]),
]


@pytest.mark.parametrize(("text", "expected"), CHINESE_ROLES, ids=[t[:20] for t, _ in CHINESE_ROLES])
def test_chinese_roles(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), COUNTS, ids=[t[:30] for t, _ in COUNTS])
def test_counts(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), ROUND_TWO, ids=[t[:30] for t, _ in ROUND_TWO])
def test_round_two_classes(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), TABLES_AND_DEPENDENCE, ids=[t[:30] for t, _ in TABLES_AND_DEPENDENCE])
def test_tables_and_dependence(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), ROLES_AND_OBJECTS, ids=[t[:30] for t, _ in ROLES_AND_OBJECTS])
def test_roles_and_objects(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), OUT_OF_SCOPE_AND_RATES, ids=[t[:30] for t, _ in OUT_OF_SCOPE_AND_RATES])
def test_out_of_scope_and_rates(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), SCOPE_AND_SIGN, ids=[t[:40] for t, _ in SCOPE_AND_SIGN])
def test_scope_and_sign(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), MEASURE_BY_PHRASE, ids=[t[:40] for t, _ in MEASURE_BY_PHRASE])
def test_measure_by_governing_phrase(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), SUBJECT_BY_ROLE, ids=[t[:40] for t, _ in SUBJECT_BY_ROLE])
def test_subject_by_role(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(("text", "expected"), MATERIALS, ids=[t[:40] for t, _ in MATERIALS])
def test_materials(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


NAMES = [
    ("Vulcan Elements said it would build a plant.", ["vulcan_elements"]),
    ("Bajaj Auto cut output in July. Later, Bajaj said supply had improved.", ["bajaj_auto", "bajaj_auto"]),
    ("Commerce Minister Wang Wentao said the rules stand.", []),  # a person, by the title
    ("Production fell in May.", []),  # a capitalised word opening a sentence is not a name
    ("ReElement Technologies will expand its plant.", ["reelement_technologies"]),
    # a short form opening a sentence, after the full name: the same organisation
    ("Shortages forced Neo Performance to idle a line. Neo has since restarted it.",
     ["neo_performance", "neo_performance"]),
]


@pytest.mark.parametrize(("text", "keys"), NAMES)
def test_unknown_organisations(text: str, keys: list[str]) -> None:
    words = name_words(load_vocabulary())
    assert [n.key for n in find_names(text, [], words)] == keys
    assert name_key("Neo Performance Materials") == "neo_performance_materials"
