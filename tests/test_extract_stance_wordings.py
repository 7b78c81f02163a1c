"""Stance error classes of round 2, continued: more wordings of press and counter, and of the news
(table-driven, English and Chinese; sentences written for these tests; the helpers and the
other classes: tests/test_extract_stance_classes.py).
"""

from __future__ import annotations

import pytest

from tests.test_extract_stance_classes import Case, _check, _ids

ANSWERS: list[Case] = [
    # opposing the controls is pressing; reacting fiercely TO them too; a market's reaction is nobody's
    ("opposes", "The G7 opposes export bans on critical minerals such as China's rare earth curbs.",
     {("g7", "press")}, set()),
    ("zh-oppose", "日本政府强烈反对中方的稀土出口管制措施。", {("japan", "press")}, set()),
    ("zh-react-fiercely", "中国收紧稀土出口配额，美国对此反应激烈。", {("united_states", "press")}, set()),
    ("zh-market-reaction", "消息引发市场强烈反应，MP Materials股价次日大涨，稀土板块随之走高。",
     set(), {("mp_materials", "press")}),
    # a response to someone's move is a countermeasure; a response to questions is not
    ("in-response-to-threat",
     "In response to Beijing's threat to cut rare earth supplies, the Pentagon said it would fund new magnet plants.",
     {("pentagon", "counter")}, set()),
    ("in-response-to-questions",
     "In response to questions about rare earth supplies, the Japanese ministry said it was monitoring the market.",
     set(), {("japan", "counter")}),
    ("zh-is-response", "美国此举显然是对中国一系列稀土出口管制的强力回应。", {("united_states", "counter")}, set()),
    # money put into a company by a government; the funder is the government named with "with"/"from"
    ("put-money-into", "The Pentagon has put $400 million into MP Materials, which mines rare earths in California.",
     {("pentagon", "counter")}, set()),
    ("partnership-with-funder",
     "MP's partnership with the Department of Defense brings $400 million of equity and a price floor for NdPr.",
     {("pentagon", "counter")}, {("mp_materials", "counter"), ("mp_materials", "press")}),
    ("loan-from-funder", "Iluka won a A$1.25 billion loan from the Australian government for its rare earth refinery.",
     {("australia", "counter")}, set()),
    # tariff threats answering the controls
    ("tariff-threat-noun",
     "Washington responded with a 100% tariff threat on Chinese goods after Beijing widened its rare earth curbs.",
     {("united_states", "counter"), ("china", "tighten")}, set()),
    # firms and industry bodies: lobbying someone to press, waiting for licences, halting production
    ("zh-lobby-to-press", "欧洲汽车供应商协会游说欧盟向中方施压，要求加快审批稀土出口许可。",
     {("clepa", "press")}, {("european_union", "press")}),
    ("lobbied-to-press", "ACEA lobbied Brussels to press China on faster rare earth licence approvals.",
     {("acea", "press")}, {("european_union", "press")}),
    ("carmaker-asked-for-licences", "General Motors asked Beijing for export licences for rare earth magnets.",
     {("general_motors", "press")}, {("china", "ease")}),
    ("zh-carmaker-applied", "丰田汽车已向中国商务部申请稀土磁体出口许可。", {("toyota", "press")}, set()),
    # a newspaper named after a country is no actor
    ("newspaper-not-country", "China's rare earth licences still take 45 days to approve, the Korea Herald reported.",
     {("china", "maintain")}, {("south_korea", "press"), ("south_korea", "maintain")}),
    ("press-on-chip-rules", "Tokyo asked Washington to push ahead with the new chip rules.",
     set(), {("japan", "press")}),
    ("waiting-for-licences",
     "The American Chamber of Commerce in China said its members were still waiting for export licences.",
     {("american_chamber_of_commerce_in_china", "press")}, set()),
    ("forced-to-halt", "Ford said the shortage of rare earth magnets forced it to halt production of the Explorer.",
     {("ford", "press")}, set()),
    # a firm's own money is no government's answer
    ("private-equity", "Private investors put $200 million into the rare earth start-up last year.",
     set(), {("united_states", "counter")}),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), ANSWERS, ids=_ids(ANSWERS))
def test_answers(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


WORDINGS: list[Case] = [
    ("tightening-grip", "China is tightening its grip on rare earth supplies with a tracking system for exporters.",
     {("china", "tighten")}, set()),
    ("end-user-certificates", "The Chinese government has begun requiring end-user certificates for antimony exports.",
     {("china", "tighten")}, {("china", "ease")}),
    ("would-stay", "Beijing insisted the licensing system for rare earths would stay.", {("china", "maintain")}, set()),
    ("only-civilian", "Chinese officials said applications would be approved only for civilian end users.",
     {("china", "maintain")}, {("china", "ease")}),
    ("called-a-threat", "The US Trade Representative called China's rare earth rules a threat to global supply chains.",
     {("united_states", "press")}, set()),
    ("wrote-to-about",
     "The Alliance for Automotive Innovation wrote to the Commerce Department about the magnet shortage caused by "
     "China's curbs.",
     {("alliance_for_automotive_innovation", "press"), ("china", "tighten")}, set()),
    ("demanded-that", "Germany's economy minister demanded that Beijing restore rare earth shipments.",
     {("germany", "press")}, {("china", "ease")}),
    ("awarded-contract",
     "The Pentagon awarded a $400 million contract to build a heavy rare earth separation facility in Texas.",
     {("pentagon", "counter")}, set()),
    ("euro-plan", "The European Union launched a €3 billion plan to secure supplies of critical raw materials.",
     {("european_union", "counter")}, set()),
    ("plan-content", "The European Commission will present its plan to stockpile critical raw materials.",
     set(), {("european_union", "counter")}),
    ("plan-other-industry", "Seoul unveiled a plan to help the solar industry cut the cost of modules.",
     set(), {("south_korea", "counter")}),
    # bare controls inside a response phrase are the answered side's, not the subject's
    ("response-phrase-owner",
     "China refines most rare earths. Washington placed new limits on chip software exports to China in response "
     "to the rare earth curbs.",
     {("china", "tighten"), ("united_states", "counter")}, set()),
    ("zht-continue", "商務部表示，將繼續依法對稀土出口實施管制。", {("china", "maintain")}, {("china", "tighten")}),
    ("zht-keep-executing", "中方強調，相關出口管制措施將持續執行。", {("china", "maintain")}, set()),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), WORDINGS, ids=_ids(WORDINGS))
def test_wordings(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


CHINESE_ANSWERS: list[Case] = [
    ("zh-asked-to-approve", "韩国产业通商资源部表示，已要求中方尽快批准相关企业的稀土出口许可申请。",
     {("south_korea", "press")}, {("china", "ease")}),
    ("zh-weapon-jiang", "欧盟委员会主席冯德莱恩批评中国将稀土作为武器。",
     {("european_union", "press"), ("china", "tighten")}, set()),
    # each clause's tariffs answer with their own subject; a clause's response word is its own
    ("zh-tit-for-tat", "美国宣布对中国商品加征关税，中国随即宣布对美国商品加征同等关税。",
     set(), {("united_states", "counter"), ("china", "counter")}),
    ("zh-purpose-response", "美国宣布对中国商品加征100%关税，以回应中方的稀土出口管制。",
     {("united_states", "counter"), ("china", "tighten")}, set()),
    ("zh-allocate-funds", "为应对中国的稀土管制，美国能源部拨款5亿美元支持稀土分离项目。",
     {("united_states", "counter"), ("china", "tighten")}, set()),
    ("raised-with", "Japan's foreign minister raised the rare earth curbs with his Chinese counterpart.",
     {("japan", "press")}, set()),
    ("slowed-approvals", "Chinese regulators have slowed approvals of rare earth export licences since May.",
     {("china", "tighten")}, {("china", "ease")}),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), CHINESE_ANSWERS, ids=_ids(CHINESE_ANSWERS))
def test_chinese_answers(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)
