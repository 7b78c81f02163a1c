"""Measure events, table-driven: each row is a sentence we wrote for one decision of the extractor
(docs/measure_events.md), in English and Chinese.

``expected`` (action, material) pairs must all come out; ``absent`` ones must not. Field tests
check one field of the single event a sentence states.
"""

from __future__ import annotations

from typing import Any

import pytest

from worker.extract.analyze import analyze
from worker.extract.measures import ACTIONS, extract_measures
from worker.extract.measures.dates import combine, find_dates, parse_published, resolve
from worker.extract.measures.identifier import find_identifiers
from worker.extract.vocab import prepare
from worker.types import Analysis, MeasureEvent, Threshold

Pair = tuple[str, str]


def pairs(events: list[MeasureEvent]) -> set[Pair]:
    return {(e.action, m) for e in events for m in e.materials or ("",)}


ACTION_CASES: list[tuple[str, str, set[Pair], set[Pair]]] = [
    # --- each action, English
    ("impose", "China imposed export controls on gallium and germanium on Monday.",
     {("impose", "gallium"), ("impose", "germanium")}, set()),
    ("impose-halt-exports", "Beijing halted exports of antimony to the United States in December.",
     {("impose", "antimony")}, set()),
    ("impose-passive-exports", "Exports of heavy rare earths were suspended by China this month.",
     {("impose", "heavy_rare_earths")}, {("suspend", "heavy_rare_earths")}),
    ("impose-take-effect", "The export curbs on graphite took effect on December 1.",
     {("impose", "graphite")}, set()),
    ("impose-licence-needed", "From August 1, exporters of gallium will need a licence.",
     {("impose", "gallium")}, set()),
    ("impose-relative", "Prices rose after the restrictions Beijing had imposed on tungsten.",
     {("impose", "tungsten")}, set()),
    ("impose-under-control", "The ministry placed indium and tungsten items under export control.",
     {("impose", "indium"), ("impose", "tungsten")}, set()),
    ("expand", "China expanded its export controls to five more rare earth elements.",
     {("expand", "rare_earths")}, {("impose", "rare_earths")}),
    ("expand-wider", "The ministry announced wider export controls on rare earth magnets.",
     {("expand", "rare_earth_magnets")}, {("impose", "rare_earth_magnets")}),
    ("expand-tighter", "Antimony export restrictions grew tighter over the summer.",
     {("expand", "antimony")}, set()),
    ("suspend", "China suspended its export controls on gallium for one year.",
     {("suspend", "gallium")}, {("impose", "gallium")}),
    ("suspend-the-ban", "Beijing will suspend the ban on germanium exports to the US.",
     {("suspend", "germanium")}, {("impose", "germanium")}),
    ("suspend-on-hold", "The ministry put the graphite export restrictions on hold for a year.",
     {("suspend", "graphite")}, set()),
    ("suspend-and-named", "China will suspend the new export controls it had placed on rare earths.",
     {("suspend", "rare_earths"), ("impose", "rare_earths")}, set()),
    ("lift", "Beijing lifted its ban on gallium exports to the United States.",
     {("lift", "gallium")}, {("impose", "gallium")}),
    ("lift-scrap", "Indonesia scrapped its export ban on nickel ore.",
     {("lift", "nickel")}, set()),
    ("extend", "Congo extended its ban on cobalt exports by three months.",
     {("extend", "cobalt")}, set()),
    ("resume", "China reinstated the export controls on rare earths after the truce collapsed.",
     {("resume", "rare_earths")}, set()),
    ("nominal-dated", "Prices tripled after the export controls of April 2025 on dysprosium.",
     {("impose", "dysprosium")}, set()),
    # --- each action, Chinese
    ("zh-impose", "商务部宣布对镓、锗相关物项实施出口管制。", {("impose", "gallium"), ("impose", "germanium")}, set()),
    ("zh-impose-list", "商务部和海关总署决定将钨、铟相关物项纳入出口管制。",
     {("impose", "tungsten"), ("impose", "indium")}, set()),
    ("zh-impose-halt", "中国一度暂停出口七种稀土金属。", {("impose", "rare_earths")}, {("suspend", "rare_earths")}),
    ("zh-impose-trad", "中國商務部宣布對銻實施出口管制。", {("impose", "antimony")}, set()),
    ("zh-expand", "中国升级稀土出口管制。", {("expand", "rare_earths")}, set()),
    ("zh-expand-tighten", "中方收紧了石墨出口管制。", {("expand", "graphite")}, set()),
    ("zh-suspend", "中方宣布暂停实施稀土出口管制措施一年。", {("suspend", "rare_earths")}, {("impose", "rare_earths")}),
    ("zh-suspend-named", "把于10月9日公布的稀土出口管制暂停一年。",
     {("suspend", "rare_earths"), ("impose", "rare_earths")}, set()),
    ("zh-lift", "商务部宣布取消对美国的镓、锗出口禁令。", {("lift", "gallium"), ("lift", "germanium")},
     {("impose", "gallium")}),
    ("zh-extend", "刚果（金）将钴出口禁令延长3个月。", {("extend", "cobalt")}, set()),
    ("zh-extend-suspension", "中方决定延长对稀土出口管制措施的暂停期限。", {("extend", "rare_earths")},
     {("suspend", "rare_earths")}),
    ("zh-resume", "商务部恢复实施对稀土相关技术的出口管制。", {("resume", "rare_earths")}, {("impose", "rare_earths")}),
    # --- not events: plans, threats, demands, conditions, negations, questions, topics
    ("plan", "China is considering export curbs on rare earth technology.", set(), {("impose", "rare_earths")}),
    ("proposal", "The ministry proposed restricting exports of lithium processing technology.", set(),
     {("impose", "lithium")}),
    ("demand", "The US urged China to lift its rare earth export controls.", set(), {("lift", "rare_earths")}),
    ("conditional", "If talks fail, China could impose export controls on graphite.", set(),
     {("impose", "graphite")}),
    ("negated", "Beijing has yet to put the new rules on gallium into effect and has not imposed controls.",
     set(), {("impose", "gallium")}),
    ("infinitive-not-decided", "A meeting was convened to tighten export controls on antimony.", set(),
     {("expand", "antimony")}),
    ("infinitive-decided", "Washington agreed to suspend its export restrictions on gallium.", {("suspend", "gallium")},
     set()),
    ("attributive", "Carmakers worry about China's tightening export controls on rare earths.", set(),
     {("expand", "rare_earths")}),
    ("topic-gerund", "The meeting focused on tightening controls over rare earth exports.", set(),
     {("expand", "rare_earths")}),
    ("question-en", "Why did China tighten export controls on graphite now?", set(), {("expand", "graphite")}),
    ("zh-plan", "中国正研究收紧稀土出口许可审查。", set(), {("expand", "rare_earths")}),
    ("zh-conditional", "如果美方继续施压，中方可能对稀土实施出口管制。", set(), {("impose", "rare_earths")}),
    ("zh-question", "为什么选在此时收紧石墨出口管制？", set(), {("expand", "graphite")}),
    ("zh-consultation", "商务部就把稀土技术列入限制出口目录一事征求意见。", set(), {("impose", "rare_earths")}),
    ("zh-policy-judged", "对稀土实施出口管制属于国际通行做法。", set(), {("impose", "rare_earths")}),
    ("zh-negated", "中方并未对韩国实施稀土出口禁令。", set(), {("impose", "rare_earths")}),
    ("domestic-control", "MIIT issued measures tightening controls over the mining of rare earths.", set(),
     {("expand", "rare_earths")}),
    ("output-quota-lifted", "China lifted its annual rare earth output quotas to record highs.", set(),
     {("lift", "rare_earths")}),
    ("chips-not-minerals", "The US tightened export controls on advanced chips.", set(), set()),
    ("zh-chips-not-minerals", "美国扩大了芯片出口管制的适用范围。", set(), set()),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), ACTION_CASES, ids=[c[0] for c in ACTION_CASES])
def test_actions(name: str, text: str, expected: set[Pair], absent: set[Pair]) -> None:
    found = pairs(extract_measures(text))
    assert expected <= found, f"{name}: missing {expected - found}, got {found}"
    assert not (absent & found), f"{name}: unexpected {absent & found}"
    if not expected:
        assert not found, f"{name}: {found}"


def one(text: str, **kw: Any) -> MeasureEvent:
    events = extract_measures(text, **kw)
    assert len(events) == 1, events
    return events[0]


# --- identifiers -------------------------------------------------------------------------------

IDENTIFIER_CASES: list[tuple[str, list[str]]] = [
    ("商务部公告2025年第61号", ["mofcom-2025-61"]),
    ("商務部公告2025第62號", ["mofcom-2025-62"]),
    ("2025年第58号公告", ["mofcom-2025-58"]),
    ("商务部 海关总署公告2023年第23号", ["mofcom-2023-23"]),
    ("海关总署公告2024年第5号", ["gacc-2024-5"]),
    ("「2026年第1號關於加強兩用物項對日本出口管制的公告」", ["mofcom-2026-1"]),
    ("第62号公告规定", ["mofcom-?-62"]),
    ("MOFCOM Announcement No. 61 of 2025", ["mofcom-2025-61"]),
    ("Announcement No 18 of 2025", ["mofcom-2025-18"]),
    ("Announcement [2024] No. 46", ["mofcom-2024-46"]),
    ("Announcement No. 10 (2025)", ["mofcom-2025-10"]),
    ("the rule at 90 FR 12345", ["fr-90-12345"]),
    ("Regulation (EU) 2021/821 and EU Regulation 2021/821", ["eu-2021-821", "eu-2021-821"]),
    ("No identifier in 2025, only 61 tonnes.", []),
]


@pytest.mark.parametrize(("text", "keys"), IDENTIFIER_CASES)
def test_identifiers_normalise(text: str, keys: list[str]) -> None:
    assert [i.key for i in find_identifiers(prepare(text))] == keys


def test_one_announcement_one_key_in_both_languages() -> None:
    zh = one("商务部公告2025年第61号决定对境外相关稀土物项实施出口管制。")
    en = one("MOFCOM Announcement No. 61 of 2025 placed export controls on overseas rare earth items.")
    assert zh.identifier == en.identifier == "mofcom-2025-61"


def test_identifier_year_from_its_sentence_and_two_announcements() -> None:
    events = extract_measures("On 9 October 2025 MOFCOM issued Announcement No 61 and Announcement No 62, "
                              "placing export controls on rare earth items and technologies.")
    assert {e.identifier for e in events} == {"mofcom-2025-61", "mofcom-2025-62"}
    assert {e.announced for e in events} == {"2025-10-09"}


def test_identifiers_pair_with_their_own_clause() -> None:
    events = extract_measures("10月9日，商务部发布两份公告：2025年第61号公告决定对境外相关稀土物项实行出口管制，"
                              "2025年第62号公告则决定对稀土相关技术实行出口管制。")
    assert {e.identifier for e in events} == {"mofcom-2025-61", "mofcom-2025-62"}
    assert {e.announced for e in events} == {"2025-10-09"}  # the heading date, with the year of the numbers


def test_suspension_refers_to_the_measure_it_suspends() -> None:
    e = one("商务部公告2025年第72号：暂停实施商务部公告2024年第46号第二款，暂停实施至2026年11月27日。"
            "镓、锗、锑对美出口恢复。", published="2025-11-09")
    assert (e.action, e.identifier, e.refers_to, e.until) == ("suspend", "mofcom-2025-72", "mofcom-2024-46",
                                                               "2026-11-27")
    assert e.measure_key == "mofcom-2024-46"


# --- dates -------------------------------------------------------------------------------------

DATE_CASES: list[tuple[str, bool, str | None, list[tuple[str, bool]]]] = [
    ("From August 1, 2023, exporters", False, None, [("2023-08-01", False)]),
    ("which take effect on September 15.", False, "2024-08-20", [("2024-09-15", False)]),
    ("which take effect on September 15.", False, None, [("--09-15", True)]),
    ("from December 1", False, "2025-10-09", [("2025-12-01", False)]),  # the future when it is near
    ("until November 10, 2026", False, "2025-11-07", [("2026-11-10", False)]),
    ("in early April and in December 2024", False, None, [("--04", True), ("2024-12", False)]),
    ("China's 2010 embargo", False, None, [("2010", False)]),
    ("on 9 October 2025", False, None, [("2025-10-09", False)]),
    ("自2025年12月1日起", True, None, [("2025-12-01", False)]),
    ("暂停实施至2026年11月10日", True, None, [("2026-11-10", False)]),
    ("10月9日", True, "2025-10-20", [("2025-10-09", False)]),
    ("今年4月", True, "2025-10-20", [("2025-04", False)]),
    ("去年12月", True, "2025-05-20", [("2024-12", False)]),
    ("十二月一日", True, None, [("--12-01", True)]),
    ("9日上午", True, "2025-10-12", [("2025-10-09", False)]),
    ("前9个月出口下降", True, None, []),
    ("北京10月9日电", True, None, []),  # a dateline dates the report, not an act
]


@pytest.mark.parametrize(("text", "chinese", "published", "want"), DATE_CASES)
def test_dates_resolve(text: str, chinese: bool, published: str | None, want: list[tuple[str, bool]]) -> None:
    pub = parse_published(published)
    got = [resolve(d, pub) for d in find_dates(prepare(text), chinese=chinese)]
    assert got == want


def test_announced_dates_lean_to_the_past() -> None:
    (d,) = find_dates(prepare("四月初"), chinese=True)
    assert resolve(d, parse_published("2025-10-30"), past=True) == ("2025-04", False)


def test_combine_dates() -> None:
    assert combine("--04-04", "2025-04") == "2025-04-04"
    assert combine("2025-10", "2025-10-09") == "2025-10-09"
    assert combine("2025-10-09", "2025-10-08") is False
    assert combine(None, "2025") == "2025"


DATE_KIND_CASES: list[tuple[str, str | None, dict[str, str | None]]] = [
    ("China imposed export controls on gallium in July 2023.", None, {"announced": "2023-07"}),
    ("Beijing unveiled restrictions on gallium in July and enforced them from August.", "2023-09-01",
     {"announced": "2023-07", "effective": "2023-08"}),
    ("MOFCOM announced export controls on antimony, effective September 15, 2024.", None,
     {"effective": "2024-09-15"}),
    ("The curbs on germanium came into force at the beginning of August.", "2023-09-21", {"effective": "2023-08"}),
    ("China will suspend its controls on gallium exports until November 27, 2026.", None,
     {"until": "2026-11-27"}),
    ("Tensions flared on Oct. 9, when China unveiled new curbs on rare earth exports.", "2025-10-20",
     {"announced": "2025-10-09"}),
    ("商务部于2025年10月9日宣布对锂电池和石墨负极材料实施出口管制，自2025年11月8日起施行。", None,
     {"announced": "2025-10-09", "effective": "2025-11-08"}),
    ("商务部和海关总署2月4日发布公告称，决定即日起对钨、铟相关物项实施出口管制。", "2025-02-13",
     {"announced": "2025-02-04", "effective": "2025-02-04"}),
    ("中方宣布暂停实施稀土出口管制措施，暂停实施至2026年11月10日。", None, {"until": "2026-11-10"}),
    ("今年8月，中国开始对镓、锗实行出口许可。", "2023-12-10", {"effective": "2023-08"}),
    ("China's rare earth exports fell 6% in September before Beijing widened controls on rare earths.",
     "2025-10-20", {"announced": None, "effective": None}),
]


@pytest.mark.parametrize(("text", "published", "want"), DATE_KIND_CASES)
def test_date_kinds(text: str, published: str | None, want: dict[str, str | None]) -> None:
    events = extract_measures(text, published=published)
    assert events
    for field, value in want.items():
        got = {getattr(e, field) for e in events} - {None}
        assert got == ({value} if value else set()), (field, got)


def test_unresolved_dates_are_flagged() -> None:
    e = one("The export controls on antimony take effect on September 15.")
    assert e.effective == "--09-15" and e.dates_as_written == ("effective",)
    e = one("The export controls on antimony take effect on September 15.", published="2024-08-30")
    assert e.effective == "2024-09-15" and e.dates_as_written == ()


def test_coordinated_dates_are_two_events() -> None:
    events = extract_measures("Licences replaced the controls on graphite it imposed in October 2022 and April 2025.")
    assert {e.announced for e in events if e.action == "impose"} == {"2022-10", "2025-04"}


# --- issuer, targets, items, thresholds ---------------------------------------------------------

def test_issuer_most_specific_of_those_named_together() -> None:
    assert one("China's Ministry of Commerce and the General Administration of Customs imposed "
               "export controls on tungsten.").issuer == "mofcom"
    assert one("中国商务部会同海关总署宣布对钨实施出口管制。").issuer == "mofcom"
    assert one("Beijing imposed export controls on graphite.").issuer == "china"
    assert one("Congo extended its ban on cobalt exports.").issuer == "drc"


def test_issuer_is_not_the_destination() -> None:
    e = one("China banned exports of gallium to the United States.")
    assert e.issuer == "china" and "united_states" in e.targets


def test_foreign_measures_need_a_mineral_object() -> None:
    assert pairs(extract_measures("The US restricted exports of gallium to China.")) == {("impose", "gallium")}
    assert extract_measures("The US restricted exports of AI chips to China, citing rare earth risks.") == []


def test_targets_and_end_uses() -> None:
    e = one("商务部宣布禁止镓、锗、锑对美出口，禁止两用物项出口给美国军事用户。")
    assert {"united_states", "military_users"} <= set(e.targets)
    e = one("The new rules bar exports of rare earth magnets for military end use and 14nm chip production.")
    assert {"military_users", "semiconductors"} <= set(e.targets)


def test_items_in_free_text() -> None:
    e = one("MOFCOM placed rare earth-related technologies under export control.")
    assert e.items == ("rare earth-related technologies",) and e.materials == ("rare_earths",)
    e = one("商务部对锂电池及人造石墨负极材料相关物项实施出口管制。")
    assert "锂电池" in e.items and set(e.materials) == {"lithium", "graphite"}


def test_dual_use_measure_names_no_mineral() -> None:
    e = one("中国商务部宣布即时禁止所有两用物项出口给日本军事用户。")
    assert e.materials == () and "japan" in e.targets and any("两用物项" in i for i in e.items)


THRESHOLD_CASES = [
    "Foreign-made goods whose Chinese rare earth content reaches 0.1% of value are now subject to export controls.",
    "境外产品中中国稀土物项价值占比达0.1%的，须取得出口许可。",
    "外國企業出口中國稀土價值佔比達百分之○點一的產品，須取得許可。",
]


@pytest.mark.parametrize("text", THRESHOLD_CASES)
def test_de_minimis_threshold(text: str) -> None:
    (e,) = extract_measures(text)
    assert Threshold("de_minimis_value_share", 0.1, "percent") in e.thresholds


# --- one measure stated several times ------------------------------------------------------------

def test_statements_of_one_measure_merge() -> None:
    text = ("China imposed export controls on medium and heavy rare earths in April 2025. "
            "The controls, announced on April 4, cover dysprosium and terbium.")
    (e,) = [e for e in extract_measures(text) if e.action == "impose"]
    assert e.announced == "2025-04-04"
    assert {"heavy_rare_earths", "dysprosium", "terbium"} <= set(e.materials)


def test_materials_of_a_sentence_that_names_none_come_from_before() -> None:
    text = "Gallium and germanium prices doubled. Beijing unveiled restrictions on both metals in July."
    assert pairs(extract_measures(text)) == {("impose", "gallium"), ("impose", "germanium")}


def test_headline_counts_once() -> None:
    events = extract_measures("Beijing said the rules on graphite would start in December.",
                              title="China imposes export controls on graphite")
    assert pairs(events) == {("impose", "graphite")}
    assert any(e.in_title for e in events) or all(not e.in_title for e in events)


# --- the value -----------------------------------------------------------------------------------

def test_event_fields_and_spans() -> None:
    text = "Analysts said China suspended its export controls on gallium until November 27, 2026."
    e = one(text)
    assert e.action in ACTIONS and text[e.start : e.end].startswith("suspended")
    assert e.sentence == text and 0 < e.confidence <= 0.95
    d = e.to_dict()
    assert d["action"] == "suspend" and d["materials"] == ["gallium"] and d["until"] == "2026-11-27"


def test_analysis_carries_measures() -> None:
    text = ("China's commerce ministry imposed export controls on rare earth magnets and heavy rare earths "
            "on April 4, 2025, citing national security; exporters now need licences.")
    a = analyze(text)
    assert a.relevant and a.measures and "measures" in a.to_dict()
    assert Analysis(language="en", relevant=False, relevance=0.0).to_dict()["measures"] == []
    assert analyze("Soybean exports rose 5% in May as tariffs fell.").measures == ()


def test_empty_and_unrelated_text() -> None:
    assert extract_measures("") == []
    assert extract_measures("The weather was fine and the market closed higher.") == []


ISSUED_BATCH_CASES = [
    # the batch is reported issued with its date, then each announcement is named by number
    ("2025年10月9日，中国商务部连续发布六项公告，进一步完善出口管制。其中，第61号公告决定对境外相关稀土物项"
     "实施出口管制。第62号公告决定对稀土相关技术实施出口管制。", "2025-10-20",
     {"mofcom-2025-61": "2025-10-09", "mofcom-2025-62": "2025-10-09"}),
    ("這兩項公告於9日上午在商務部官網發布，分別是商務部公告2025年第61號（對境外相關稀土物項實施出口管制的決定）"
     "和商務部公告2025年第62號（對稀土相關技術實施出口管制的決定）。", "2025-10-10",
     {"mofcom-2025-61": "2025-10-09", "mofcom-2025-62": "2025-10-09"}),
    ("On October 9 the commerce ministry issued six announcements. Announcement No. 61 of 2025 imposes export "
     "controls on rare earths made abroad with Chinese content.", "2025-10-20", {"mofcom-2025-61": "2025-10-09"}),
]


@pytest.mark.parametrize(("text", "published", "want"), ISSUED_BATCH_CASES)
def test_announcements_take_the_date_their_batch_was_issued(text: str, published: str, want: dict[str, str]) -> None:
    got = {e.identifier: e.announced for e in extract_measures(text, published=published) if e.identifier}
    assert got == want


def test_a_start_date_is_not_the_issuing_date() -> None:
    text = "商务部发布公告，自12月1日起对稀土相关技术实施出口管制。第62号公告同时公布。"
    events = extract_measures(text, published="2025-10-09")
    assert all(e.announced != "2025-12-01" for e in events), events
