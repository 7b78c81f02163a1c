"""Stance rules, table-driven: each row is a sentence we wrote for one rule of SCHEMA.md.

``expected`` pairs must all be found; ``absent`` pairs must not be (rows about negation and
modality say what must NOT come out, since a hedged sentence may still support a weaker stance).
"""

from __future__ import annotations

import pytest

from worker.extract.stances import POSITIONS, extract_stances

CASES: list[tuple[str, str, set[tuple[str, str]], set[tuple[str, str]]]] = [
    # --- explicit actor, each position (English)
    ("tighten-basic", "Beijing announced new export controls on gallium and germanium on Monday.",
     {("china", "tighten")}, set()),
    ("ease-grant", "China granted the first export licences for rare earth magnets to carmakers this week.",
     {("china", "ease")}, {("china", "tighten")}),
    ("ease-suspend-ban", "China suspended its ban on gallium exports to the United States.",
     {("china", "ease")}, {("china", "tighten")}),
    ("maintain-compliant", "The Commerce Ministry said it would approve licences for compliant applications.",
     {("china", "maintain")}, {("china", "ease")}),
    ("press-urge", "Germany's auto industry association VDA urged Beijing to speed up approvals of licences.",
     {("vda", "press")}, {("china", "ease")}),
    ("press-ask-company", "Tesla asked Chinese authorities for export licences covering its magnet imports.",
     {("tesla", "press")}, set()),
    ("counter-tariffs",
     "Washington answered by imposing new tariffs on Chinese magnets and subsidies for domestic miners.",
     {("united_states", "counter")}, set()),
    ("negotiate-talks", "U.S. and Chinese officials held talks in Geneva on rare earth export licences.",
     {("united_states", "negotiate"), ("china", "negotiate")}, set()),
    # --- China answering others with its own controls is tighten, never counter
    ("retaliation-is-tighten", "In retaliation for chip sanctions, China restricted exports of antimony.",
     {("china", "tighten")}, {("china", "counter")}),
    # --- passive voice and implicit actors
    ("passive-by", "Export controls on rare earth magnets were imposed by Beijing last spring.",
     {("china", "tighten")}, set()),
    ("implicit-ministry", "The ministry said exporters of dysprosium will need a licence from December.",
     {("china", "tighten")}, set()),
    ("passive-urged", "Beijing has been urged by the European Union to relax the graphite restrictions.",
     {("european_union", "press")}, {("china", "ease")}),
    # --- reported speech: the claim's actor, not the speaker
    ("reported-ease", "Bessent said China will suspend the rare earth controls for a year.",
     {("china", "ease")}, {("united_states", "ease")}),
    ("speaker-is-actor",
     "Production lines will stop within weeks, the suppliers' group CLEPA warned about the licence backlog.",
     {("clepa", "press")}, set()),
    # --- negation
    ("not-lifted", "China has not lifted its restrictions on antimony exports.",
     {("china", "maintain")}, {("china", "ease")}),
    ("refused", "Beijing refused to ease the curbs on graphite shipments.",
     {("china", "maintain")}, {("china", "ease")}),
    ("no-approvals", "The commerce ministry did not approve any licences for gallium in August.",
     set(), {("china", "ease")}),
    # --- modality and conditionals
    ("may-consider", "Beijing may consider easing its rare earth export controls next year.",
     set(), {("china", "ease")}),
    ("could-lift", "China could lift the restrictions on rare earths if Washington drops its chip rules.",
     set(), {("china", "ease")}),
    ("conditional", "If China tightens rare earth controls further, Japan will stockpile dysprosium.",
     {("japan", "counter")}, {("china", "tighten")}),
    ("weighing-is-tighten", "China is weighing curbs on exports of rare earth processing technology.",
     {("china", "tighten")}, set()),
    ("considering-counter", "The European Union is considering subsidies for rare earth recycling.",
     set(), {("european_union", "counter")}),
    # --- other governments' chip rules are not a stance on minerals
    ("us-chip-rules", "The United States relaxed its restrictions on chip exports to China.",
     set(), {("united_states", "ease")}),
    # --- Chinese, Simplified
    ("zh-tighten", "商务部宣布对镓、锗相关物项实施出口管制。", {("china", "tighten")}, set()),
    ("zh-not-lifted", "中方尚未解除对稀土的出口限制。", {("china", "maintain")}, {("china", "ease")}),
    ("zh-may", "据悉，中方可能考虑放宽部分稀土出口限制。", set(), {("china", "ease")}),
    ("zh-compliant", "对合规的民用出口申请，商务部将依法给予许可。",
     {("china", "maintain")}, {("china", "ease")}),
    ("zh-grant", "商务部已向多家企业发放稀土出口许可证。", {("china", "ease")}, set()),
    ("zh-press", "欧盟敦促中方放宽对稀土磁体的出口限制。",
     {("european_union", "press")}, {("china", "ease")}),
    ("zh-counter", "美国宣布对中国稀土磁体加征25%关税。", {("united_states", "counter")}, set()),
    ("zh-both-sides", "中美双方在伦敦就稀土出口管制举行磋商。",
     {("china", "negotiate"), ("united_states", "negotiate")}, set()),
    ("zh-conditional", "如果中方继续限制稀土出口，欧盟将对中国电动车加征关税。",
     {("european_union", "counter")}, {("china", "tighten")}),
    ("zh-passive", "稀土出口管制由商务部和海关总署联合实施。", {("china", "tighten")}, set()),
    # --- Chinese, Traditional
    ("zht-refuse", "中國拒絕放寬稀土出口管制。", {("china", "maintain")}, {("china", "ease")}),
    ("zht-reported-ease", "美方表示，中國將暫停實施稀土出口管制措施一年。",
     {("china", "ease")}, {("united_states", "ease")}),
    ("zht-intent-tighten", "北京正研究收緊對日本的稀土出口審查。", {("china", "tighten")}, set()),
    ("zht-may-counter", "若北京再度限制稀土出口，美國可能重新動用關稅。", set(),
     {("united_states", "counter"), ("china", "tighten")}),
]


# Whole passages (written for these tests) whose stance set must come out exactly.
PASSAGES: list[tuple[str, str, set[tuple[str, str]]]] = [
    ("licence-rule",
     "China said on Thursday it would require export licences for some tungsten products from next month, "
     "citing national security. The commerce ministry said the move was not aimed at any country.",
     {("china", "tighten")}),
    ("stockpiles", "Japan's trade minister said Tokyo would build up stockpiles of rare earths and fund new "
     "mines in Australia to reduce reliance on Chinese supply.", {("japan", "counter")}),
    ("not-yet-granted", "Beijing has not yet granted any licences to U.S. defence contractors, according to "
     "people familiar with the matter.", {("china", "maintain")}),
    ("analysts-might", "Analysts said China might relax the curbs if trade talks progress, but there was no "
     "sign of that yet.", set()),
    ("talks-with-china", "South Korea's industry ministry said it held talks with Chinese counterparts on "
     "securing stable supplies of graphite after Beijing tightened controls.",
     {("south_korea", "negotiate"), ("china", "negotiate"), ("china", "tighten")}),
    ("chip-entity-list", "The U.S. Commerce Department added 12 Chinese firms to its entity list on Monday, "
     "a move analysts expect Beijing to answer.", set()),
    ("background", "Rare earths are a group of 17 elements used in magnets, lasers and phones. China mines "
     "about 70% of them.", set()),
    ("lift-ban", "China lifted its ban on exports of gallium, germanium and antimony to the United States, "
     "the commerce ministry said on Sunday, suspending measures announced last December.",
     {("china", "ease")}),
    ("keep-regime", "Beijing reiterated that it would keep its export control regime in place, "
     "while promising to approve applications that meet the requirements.", {("china", "maintain")}),
    ("deal-resume", "Washington and Beijing reached a deal in Geneva that includes China resuming rare earth "
     "exports.", {("united_states", "negotiate"), ("china", "negotiate"), ("china", "ease")}),
    ("company-applied", "Chinese magnet makers said they had applied for export licences and were "
     "waiting for approval.", set()),
    ("threat-tariff", "Trump threatened to impose an additional 100% tariff on Chinese goods in response to "
     "Beijing's new rare earth controls.", {("united_states", "counter"), ("china", "tighten")}),
    ("military-users", "In a statement, the Ministry of Commerce said it would not approve exports of rare "
     "earth items to end users with military ties.", {("china", "tighten")}),
    ("decision-to-lift",
     "China's decision to lift the ban on gallium exports was welcomed by the European Union.",
     {("china", "ease")}),
    ("refused-requests", "Beijing has so far refused U.S. requests to relax the rare earth rules.",
     {("china", "maintain"), ("united_states", "press")}),
    ("continue-implement", "China will continue to implement export controls on gallium, the ministry said.",
     {("china", "maintain")}),
    ("not-planning", "China is not planning to ease its restrictions on rare earth exports, a commerce "
     "ministry spokesman said.", {("china", "maintain")}),
    ("reduce-dependence", "The United States and Japan signed an agreement on critical minerals supply to "
     "reduce dependence on China.", {("united_states", "counter"), ("japan", "counter")}),
    ("denied-ban", "China denied that it had banned rare earth exports to Japan.", set()),
    ("halted-shipments", "China has used its dominance before: in 2010 it halted rare earth shipments to "
     "Japan during a territorial dispute.", {("china", "tighten")}),
    ("us-chip-curbs", "The move follows U.S. restrictions on chip exports to China.", set()),
    ("dialogue-not-controls", "The European Union and China agreed to set up an upgraded export control "
     "dialogue to address delays in rare earth licences.",
     {("european_union", "negotiate"), ("china", "negotiate")}),
    ("call-with-xi",
     "Trump said on Friday he had spoken with Xi about rare earths and that the call went well.",
     {("united_states", "negotiate"), ("china", "negotiate")}),
    # tariffs that preceded the controls are trade policy, not an answer to them (the gold sets
    # label the 145%, reciprocal and fentanyl tariffs no stance; the threatened 100% reply counter)
    ("retaliation-order",
     "Beijing imposed the controls after Washington raised tariffs on Chinese goods to 145%.",
     {("china", "tighten")}),
    ("industry-letter", "The Alliance for Automotive Innovation said in a letter that parts suppliers could "
     "halt production lines within weeks unless rare earth magnet shipments resume.",
     {("alliance_for_automotive_innovation", "press")}),
    ("relative-clause", "MEMA, which represents vehicle suppliers, urged the Commerce Department to work "
     "with Beijing to secure licences.", {("mema", "press")}),
    ("rejected", "China's commerce ministry said it had rejected some applications for exports of rare "
     "earths to U.S. defence companies.", {("china", "maintain")}),
    ("despite-truce",
     "Beijing has maintained its controls on seven rare earth elements despite the trade truce.",
     {("china", "maintain")}),
    ("discussed-with", "EU trade chief Maros Sefcovic said he had discussed rare earth export licences with "
     "Chinese Commerce Minister Wang Wentao.",
     {("european_union", "negotiate"), ("china", "negotiate")}),
    ("zh-graphite", "中国商务部宣布，自12月1日起对部分石墨物项实施临时出口管制。", {("china", "tighten")}),
    ("zh-reserve",
     "日本经济产业省表示，将扩大稀土战略储备，并支持企业开发替代来源，以降低对中国的依赖。",
     {("japan", "counter")}),
    ("zh-eu-press",
     "欧盟贸易委员表示，欧洲企业的稀土出口许可申请审批缓慢，呼吁中方加快审批。",
     {("european_union", "press")}),
    ("zh-not-resumed", "美方官员称，中国尚未恢复对美国军工企业的稀土出口。", {("china", "maintain")}),
    ("zh-talks-consensus", "中美两国经贸团队在日内瓦举行会谈，就稀土出口管制等问题达成共识。",
     {("united_states", "negotiate"), ("china", "negotiate")}),
    ("zh-postpone",
     "美国财政部长贝森特表示，美中双方在吉隆坡的会谈取得建设性进展，"
     "中方同意推迟实施新的稀土出口管制措施。",
     {("united_states", "negotiate"), ("china", "negotiate"), ("china", "ease")}),
    ("zh-company-arm", "特斯拉中国表示，公司正积极与相关部门沟通，争取尽快获得稀土磁体出口许可。",
     {("tesla", "press")}),
    ("zh-dialogue", "中國商務部表示，已注意到歐方關切，願與歐方加強出口管制對話，妥善解決企業合理關切。",
     {("china", "negotiate")}),
    ("zht-ccp-expand",
     "中共商務部9日宣布擴大稀土出口管制範圍，新增5種稀土元素，並首度對境外製造的相關產品實施管控。",
     {("china", "tighten")}),
    ("zht-software-controls", "美國總統川普揚言對中國商品加徵100%關稅，並對關鍵軟體實施出口管制。",
     {("united_states", "counter")}),
    ("zht-criticise", "歐盟執委會主席馮德萊恩批評中方的稀土出口限制，並表示歐盟正準備各種選項回應。",
     {("european_union", "press"), ("china", "tighten")}),
    ("zht-madrid-talks", "中美雙方在馬德里舉行經貿會談，稀土議題未有突破。",
     {("china", "negotiate"), ("united_states", "negotiate")}),
    ("zht-approved", "大陸商務部發言人表示，已依法審批了一批合規的稀土出口申請，並將持續加快審批。",
     {("china", "ease")}),
    ("zht-not-revoked", "北京並未撤銷對美國軍工企業的稀土出口禁令。", {("china", "maintain")}),
    ("zht-if-industry", "業界人士指出，若中方再度收緊稀土出口，歐洲汽車業恐面臨停產。", set()),
    ("zht-speaker-clause", "經濟部表示，台灣稀土多仰賴日本及歐洲供應，但已要求業者盤點庫存、分散採購來源。",
     {("taiwan", "counter")}),
    # both parties of talks negotiate when the text names them (issue 14)
    ("zht-with-korea", "韓國政府表示，已與中方就石墨出口許可問題進行磋商。",
     {("south_korea", "negotiate"), ("china", "negotiate")}),
    ("zht-invest-home", "美國宣布將投資4億美元支持本土稀土磁體生產，以減少對中國的依賴。",
     {("united_states", "counter")}),
    ("zht-compliant", "商務部新聞發言人表示，對符合規定的申請將予以許可，但管制措施將繼續實施。",
     {("china", "maintain")}),
]


@pytest.mark.parametrize(("name", "text", "expected"), PASSAGES, ids=[c[0] for c in PASSAGES])
def test_passages(name: str, text: str, expected: set[tuple[str, str]]) -> None:
    got = {(s.actor, s.position) for s in extract_stances(text)}
    assert got == expected, name


@pytest.mark.parametrize(("name", "text", "expected", "absent"), CASES, ids=[c[0] for c in CASES])
def test_stance_rules(name: str, text: str, expected: set[tuple[str, str]],
                      absent: set[tuple[str, str]]) -> None:
    got = {(s.actor, s.position) for s in extract_stances(text)}
    assert expected <= got, f"{name}: missing {expected - got}, got {got}"
    assert not (absent & got), f"{name}: should not find {absent & got}"


def test_stance_fields() -> None:
    stances = extract_stances("China imposed export controls on graphite. 中方尚未解除对稀土的出口限制。")
    assert stances, "expected stances"
    for s in stances:
        assert s.position in POSITIONS
        assert 0.0 < s.confidence <= 1.0
        assert s.sentence


def test_empty_text() -> None:
    assert extract_stances("") == []
    assert extract_stances("   ") == []


def test_one_pair_per_actor_position() -> None:
    text = "China imposed export controls on gallium. China later expanded export controls to germanium."
    pairs = [(s.actor, s.position) for s in extract_stances(text)]
    assert len(pairs) == len(set(pairs))
