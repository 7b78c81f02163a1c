"""Stance error classes of round 2, table-driven, English and Chinese (sentences written for these tests).

Each table is one class of error found on the folds read while writing (negotiate and counter
over-firing, Chinese tighten and maintain wordings, press by firms and industry bodies, who the
agent of a clause is). ``expected`` pairs must all come out, ``absent`` pairs must not: every
table has sentences where its rule must NOT fire.
"""

from __future__ import annotations

import pytest

from worker.extract.stances import extract_stances

Case = tuple[str, str, set[tuple[str, str]], set[tuple[str, str]]]


def _check(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    got = {(s.actor, s.position) for s in extract_stances(text)}
    assert expected <= got, f"{name}: missing {expected - got}, got {got}"
    assert not (absent & got), f"{name}: should not find {absent & got}"


def _ids(cases: list[Case]) -> list[str]:
    return [c[0] for c in cases]


# ----------------------------------------------------------------------------- negotiate: talks on our topic only

NEGOTIATE: list[Case] = [
    # talks or a deal named for another topic, in a sentence naming neither controls nor minerals
    ("trade-negotiations", "Washington and Beijing agreed to cut tariffs and to resume trade negotiations.",
     set(), {("china", "negotiate"), ("united_states", "negotiate")}),
    ("talks-on-other-topic", "Beijing broke off its talks on fishing rights with Tokyo.",
     set(), {("china", "negotiate"), ("japan", "negotiate")}),
    ("tariff-truce", "The two countries have kept a fragile tariff truce in place since May.",
     set(), {("china", "negotiate"), ("united_states", "negotiate")}),
    ("zh-trade-talks", "美国政府一边与中国进行经贸谈判，一边升级对华打压。",
     set(), {("china", "negotiate"), ("united_states", "negotiate")}),
    ("zh-talks-on-tariffs", "中美双方就关税问题在日内瓦举行磋商。",
     set(), {("china", "negotiate"), ("united_states", "negotiate")}),
    # … but talks that name the controls or a mineral are ours, whatever else they cover
    ("trade-talks-on-rare-earths",
     "Rare earth export licences topped the agenda of the trade talks between Washington and Beijing.",
     {("china", "negotiate"), ("united_states", "negotiate")}, set()),
    ("zh-talks-on-controls", "中美双方就稀土出口管制问题举行磋商。",
     {("china", "negotiate"), ("united_states", "negotiate")}, set()),
    # unnamed talks between two governments in an article on the controls still count
    ("plain-talks", "China imposed new rare earth curbs in October. Trump and Xi held talks in Busan on Thursday.",
     {("china", "negotiate"), ("united_states", "negotiate")}, set()),
    # two governments named as parties of deals in a sentence on the controls and a mineral
    ("deals-struck-with",
     "Rare earth magnet exports jumped after the agreements struck with Washington and Brussels, customs data show.",
     {("united_states", "negotiate"), ("european_union", "negotiate")}, set()),
    ("one-group-talks", "Ministers on China's rare earth curbs: G7 talks still to come.", set(), {("g7", "negotiate")}),
    # meeting the other side, or leaders meeting each other
    ("met-transitive", "Xi Jinping met Ursula von der Leyen in July to discuss rare earth export licences.",
     {("china", "negotiate"), ("european_union", "negotiate")}, set()),
    ("leaders-met", "EU and Chinese leaders met in July and spoke about rare earth export licences.",
     {("china", "negotiate"), ("european_union", "negotiate")}, set()),
    ("met-demand", "China met the rising demand for rare earth magnets last year.", set(), {("china", "negotiate")}),
    # "bilateral" is an adjective, not the two parties
    ("zh-bilateral-mechanism", "中美两国多次交锋。中方已通过双边出口管制对话机制向各相关国家作了通报。",
     set(), {("united_states", "negotiate")}),
    # a supply deal answering the controls is the subject's counter; the partner answers nothing
    ("supply-deal-partner", "美国随后与澳大利亚签署了共同开发稀土项目的协议。",
     {("united_states", "counter")}, {("australia", "counter")}),
    ("supply-deal-both-subjects", "Japan and Australia signed a deal to develop new rare earth supply chains.",
     {("japan", "counter"), ("australia", "counter")}, set()),
    # two named actors agreeing together; one actor agreeing alone is no agreement between two
    ("agreed-together", "Trump and Xi agreed in Busan that China would pause its new rare earth controls.",
     {("china", "negotiate"), ("united_states", "negotiate"), ("china", "ease")}, set()),
    ("agreed-alone", "China agreed to pause its new rare earth controls for a year.",
     {("china", "ease")}, {("china", "negotiate")}),
    ("agreed-other-topic", "Trump and Xi agreed on Thursday to extend the tariff truce.",
     set(), {("china", "negotiate"), ("united_states", "negotiate")}),
    ("zh-agreed-other-topic", "中美双方同意延长关税休战期。",
     set(), {("china", "negotiate"), ("united_states", "negotiate")}),
    ("held-a-summit", "Japan and China held a summit in Tokyo, where rare earth curbs were on the agenda.",
     {("japan", "negotiate"), ("china", "negotiate")}, {("china", "tighten")}),
    ("zh-summit", "中日两国领导人在东京举行峰会，稀土出口管制问题被列入议程。",
     {("japan", "negotiate"), ("china", "negotiate")}, set()),
    # ending talks is no negotiating
    ("broke-off-talks", "Beijing broke off talks with Tokyo over the rare earth embargo.",
     set(), {("china", "negotiate"), ("japan", "negotiate")}),
    ("zh-talks-broke-down", "中日两国关于稀土出口的谈判破裂。",
     set(), {("china", "negotiate"), ("japan", "negotiate")}),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), NEGOTIATE, ids=_ids(NEGOTIATE))
def test_negotiate(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


# ----------------------------------------------------------------------------- implicit holders of controls

CONTROLLER: list[Case] = [
    # a control stance the text leaves implicit belongs to the controller the text is about
    ("congo-is-the-controller",
     "Congo extended its ban on cobalt exports by three months. China imports most of the cobalt it refines. "
     "The export ban has been extended again.",
     {("drc", "tighten")}, {("china", "tighten")}),
    ("china-by-default",
     "China produces most of the world's gallium. Export licences are now required for gallium exports.",
     {("china", "tighten")}, set()),
    ("zh-china-by-default", "中国是全球最大的锑生产国。自9月起，锑出口须申请许可证。", {("china", "tighten")}, set()),
    # a bare mention of controls as a worldwide trend states nobody's position; specific ones are the controller's
    ("growing-number", "China refines most cobalt. A growing number of export restrictions worries buyers.",
     set(), {("china", "tighten")}),
    ("took-effect", "China refines most graphite. Export controls on graphite took effect in December.",
     {("china", "tighten")}, set()),
    # a fronted phrase's controls are not those of the main clause's subject
    ("fronted-retaliation",
     "China refines most rare earths. In retaliation for the rare earth curbs, Washington imposed export controls "
     "on chip software.",
     {("china", "tighten"), ("united_states", "counter")}, set()),
    ("controls-around-the-world",
     "China refines most of the world's cobalt. Export controls on critical minerals are multiplying around the world.",
     set(), {("china", "tighten")}),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), CONTROLLER, ids=_ids(CONTROLLER))
def test_controller(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


# ----------------------------------------------------------------------------- definite descriptions

ANAPHORA: list[Case] = [
    ("the-country",
     "China produces 60% of the world's germanium. Last year the country brought in controls on germanium exports.",
     {("china", "tighten")}, set()),
    # a lede that names "the business lobby" only later
    ("the-lobby-named-later",
     "The business lobby warned on Wednesday of shortages of rare earth magnets. "
     "Many members are still waiting for export licences, the German association VDA said.",
     {("vda", "press")}, set()),
    ("the-chamber-named-before",
     "The EU Chamber of Commerce in China published its position paper. "
     "The chamber asked Beijing to speed up licence approvals.",
     {("european_union_chamber_of_commerce_in_china", "press")}, set()),
    ("zh-the-chamber", "中国欧盟商会发布年度建议书。该商会呼吁中方加快稀土出口许可审批。",
     {("european_union_chamber_of_commerce_in_china", "press")}, {("china", "ease")}),
    # names earlier in its own sentence are no antecedent; the subject of the sentence before is
    ("not-in-own-sentence",
     "China's ambassador accused the UK and the US of meddling in the country's affairs and warned of consequences.",
     set(), {("united_states", "press"), ("united_kingdom", "press")}),
    ("subject-of-previous",
     "Beijing restricted graphite exports to Japan in May. The country also tightened rare earth rules.",
     {("china", "tighten")}, {("japan", "counter")}),
    # "the country" is a government: never a company named before it
    ("the-country-not-a-company",
     "Tesla uses rare earth magnets. The country imposed export controls on magnets in April.",
     set(), {("tesla", "tighten"), ("tesla", "press")}),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), ANAPHORA, ids=_ids(ANAPHORA))
def test_anaphora(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


# ----------------------------------------------------------------------------- counter: answers, not mentions

COUNTER: list[Case] = [
    # a bare noun of reserves is no act of stockpiling; building them is
    ("zh-reserve-demand", "美国、日本等国的战略储备需求不断推高锑的长期合约价格。",
     set(), {("united_states", "counter"), ("japan", "counter")}),
    ("zh-build-reserve", "日本政府宣布扩大稀有金属战略储备。", {("japan", "counter")}, set()),
    ("stockpile-verb", "Japan will stockpile dysprosium and terbium after the Chinese curbs.",
     {("japan", "counter")}, set()),
    # an obligation is a recommendation, not an act; a rule's content with "must" stands
    ("must-diversify", "Seoul must diversify its rare earth supply after the Chinese curbs, the paper argued.",
     set(), {("south_korea", "counter")}),
    ("zh-must-continues", "韩国必须立即实施供应链三法，推动稀土供应链多元化。", set(), {("south_korea", "counter")}),
    ("zh-did-diversify", "韩国去年实施供应链三法，推动稀土供应链多元化。", {("south_korea", "counter")}, set()),
    ("must-obtain-stands", "Under the Chinese rules, exporters must obtain a licence for every gallium shipment.",
     {("china", "tighten")}, set()),
    # a warning whose content is a countermeasure is a threat: counter, not press
    ("warned-of-tariffs", "Trump warned that the US would impose 100% tariffs on China over the rare earth curbs.",
     {("united_states", "counter")}, {("united_states", "press")}),
    ("zh-warned-of-retaliation", "贝森特警告，北京若背弃稀土承诺，美国握有许多报复手段。",
     {("united_states", "counter")}, {("united_states", "press")}),
    # a warning about the curbs themselves stays press
    ("warned-of-shortages", "Ford warned that the rare earth export curbs could shut its plants within weeks.",
     {("ford", "press")}, set()),
    ("zh-warned-of-shortages", "日本汽车工业协会警告，稀土出口限制将导致减产。",
     {("japan_automobile_manufacturers_association", "press")}, set()),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), COUNTER, ids=_ids(COUNTER))
def test_counter(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


# ----------------------------------------------------------------------------- who is the agent of a clause

AGENT: list[Case] = [
    # after a subordinate clause, an -ing clause is the main clause, not a participle sharing its subject
    ("gerund-main-clause",
     "Although India has rare earth deposits, extracting and refining them takes investment and years.",
     set(), {("india", "counter")}),
    ("participle-shares-subject",
     "Japan signed a deal with Australia, investing $100 million in a rare earth refinery.",
     {("japan", "counter")}, set()),
    # the object of a preposition after a control cue owns nothing
    ("exports-to-japan", "China's response was to halt rare earth exports to Japan.",
     {("china", "tighten")}, {("japan", "counter"), ("japan", "tighten")}),
    # a pair naming a relation between actors is no agent
    ("pair-modifies-relation",
     "The newspaper warned of a new front in the US-China confrontation over rare earth exports.",
     set(), {("united_states", "press")}),
    ("pair-talks-stay", "US-China talks on rare earth licences resumed in London.",
     {("china", "negotiate"), ("united_states", "negotiate")}, set()),
    # a Chinese clause without a subject continues the nearest clause before it that has one
    ("zh-nearest-subject", "中国宣布管制稀土出口，美国大表不满，并扬言加征100%关税反制。",
     {("china", "tighten"), ("united_states", "counter")}, {("china", "counter")}),
    ("zh-first-subject-chain", "五角大楼宣布入股稀土矿商，还为其钕镨产品设定价格下限。",
     {("pentagon", "counter")}, set()),
    ("zh-speaker", "日本经济产业省表示，将扩大稀有金属储备。", {("japan", "counter")}, set()),
    ("zh-pronoun-first", "美国总统特朗普发表讲话。他随即扬言，将对中国稀土磁体加征关税。",
     {("united_states", "counter")}, {("china", "counter")}),
    # a condition's subject is not the subject of the threat after it
    ("zh-condition-subject", "特朗普发表讲话，若北京不撤回稀土管制，将对中国商品加征关税。",
     {("united_states", "counter")}, {("china", "counter")}),
    # an aside between dashes names no subject
    ("zh-dash-aside", "特朗普随即扬言，将在11月1日——也就是韩国峰会之后——对中国商品加征100%关税。",
     {("united_states", "counter")}, {("south_korea", "counter")}),
    # 把 marks the object: "把我国告到WTO" is the others suing China
    ("zh-ba-object", "欧美和日本曾联手把中国告到WTO，要求中国放开稀土出口。",
     {("european_union", "press"), ("united_states", "press"), ("japan", "press")}, {("china", "ease")}),
    # "在…之际" frames a time: its names are subjects, not places
    ("zh-frame-zhiji", "就在欧美竞相摆脱对中国稀土的依赖之际，中国宣布禁止出口稀土提炼技术。",
     {("european_union", "counter"), ("united_states", "counter")}, set()),
    # a name inside title marks is a publication, no actor
    ("zh-title-marks", "据《韩国先驱报》分析，企业须取得特殊许可证才能出口稀土。",
     set(), {("south_korea", "tighten"), ("south_korea", "counter")}),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), AGENT, ids=_ids(AGENT))
def test_agent(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


# ----------------------------------------------------------------------------- tighten: wordings of imposing controls

TIGHTEN: list[Case] = [
    ("zh-quota-management", "中国对锑实行出口配额管理。", {("china", "tighten")}, set()),
    ("require-to-apply", "Beijing said it would require exporters of antimony to apply for licences from September.",
     {("china", "tighten")}, {("china", "ease")}),
    ("stepped-up-scrutiny", "Chinese authorities stepped up scrutiny of graphite shipments, customs officials said.",
     {("china", "tighten")}, set()),
    ("zh-total-volume", "中国对稀土开采和出口实行总量控制。", {("china", "tighten")}, set()),
    ("zh-cut-quota", "中国自2010年起大幅削减稀土出口配额。", {("china", "tighten")}, set()),
    ("zh-strengthen-management", "中国进一步加强对稀土出口的管理。", {("china", "tighten")}, set()),
    ("zh-stricter", "北京对稀土出口限额的设定更加严格。", {("china", "tighten")}, set()),
    ("zh-exports-held-down", "中国稀土出口量被控制在3万吨以内。", {("china", "tighten")}, set()),
    ("zh-licence-system", "中国开始对石墨实施出口许可证制度。", {("china", "tighten")}, set()),
    ("zh-control-list", "商务部将镓、锗列入出口管制清单。", {("china", "tighten")}, set()),
    ("stricter-en", "China's rare earth licensing has become much stricter since April.",
     {("china", "tighten")}, set()),
    # a production quota is no export control; a stricter rule elsewhere is no stance on minerals
    ("zh-mining-quota", "中国宣布2024年第一批稀土开采配额。", set(), {("china", "tighten")}),
    ("zh-stricter-chips", "日本对半导体设备的出口管理更加严格。", set(), {("japan", "counter"), ("japan", "tighten")}),
    # using the minerals as a weapon is imposing controls; a denial or a fear of it is not
    ("weaponised", "China has weaponised its rare earth dominance against Washington.", {("china", "tighten")}, set()),
    ("bargaining-chip", "Beijing used its grip on rare earths as a bargaining chip.", {("china", "tighten")}, set()),
    ("zh-weapon", "北京再度把稀土当成贸易武器，这将冲击韩国的半导体产业。", {("china", "tighten")}, set()),
    ("zh-card", "中国打出稀土牌。", {("china", "tighten")}, set()),
    ("no-hurry-card", "China is in no hurry to play its rare-earth card.", set(), {("china", "tighten")}),
    ("fear-weaponise", "Analysts fear Beijing could weaponise gallium.", set(), {("china", "tighten")}),
    # a noun of controlled items is no act of restricting ("管制物项出口申请")
    ("zh-controlled-items", "中方会依法审批符合条件的管制物项出口申请。",
     {("china", "maintain")}, {("china", "tighten")}),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), TIGHTEN, ids=_ids(TIGHTEN))
def test_tighten(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


# ----------------------------------------------------------------------------- maintain: controls kept, not new

MAINTAIN: list[Case] = [
    # a control said to go on is maintain; going on strengthening it is tighten
    ("still-requires", "Beijing still requires licences for every shipment of dysprosium.",
     {("china", "maintain")}, {("china", "tighten")}),
    ("still-bans", "China still bans exports of rare earth processing technology.",
     {("china", "maintain")}, {("china", "tighten")}),
    ("continue-to-tighten", "China will continue to tighten its export controls on rare earths.",
     {("china", "tighten")}, {("china", "maintain")}),
    ("zh-still-restricts", "中国仍限制稀土出口。", {("china", "maintain")}, {("china", "tighten")}),
    ("remains-elsewhere", "China remains the dominant supplier and restricts exports of rare earths.",
     {("china", "tighten")}, {("china", "maintain")}),
    ("zh-continue-strengthen", "中方继续加强稀土出口管控。", {("china", "tighten")}, {("china", "maintain")}),
    # not lifted
    ("not-been-lifted", "China's controls on gallium have not been lifted.",
     {("china", "maintain")}, {("china", "ease")}),
    ("no-plans-to-ease", "Beijing has no plans to ease its rare earth controls.",
     {("china", "maintain")}, {("china", "ease")}),
    ("zh-not-opened", "中国稀土出口仍未放开。", {("china", "maintain")}, {("china", "ease")}),
    ("zh-not-loosened", "中国的稀土出口管制措施至今没有松动。", {("china", "maintain")}, {("china", "ease")}),
    ("zh-still-takes", "中国商务部称，许可审批仍需45天。", {("china", "maintain")}, set()),
    ("tight-leash", "Beijing continues to keep rare earth exports on a tight leash.", {("china", "maintain")}, set()),
    # licences that have not come through; those that have are ease
    ("no-clearance", "No Chinese export clearances have come through since April, the carmaker said.",
     {("china", "maintain")}, {("china", "ease")}),
    ("came-through", "Some Chinese export licences came through in June, the carmaker said.",
     {("china", "ease")}, set()),
    # a promise for compliant applications is maintain, in either order
    ("zh-compliant-can", "中国商务部称，凡属民用用途且合规的出口申请都能获得批准。",
     {("china", "maintain")}, {("china", "ease")}),
    ("zh-past-approval", "商务部发言人表示，已依法审批了一批合规的稀土出口申请。",
     {("china", "ease")}, {("china", "maintain")}),
    # withholding release is a rule's content: tighten, never ease or maintain
    ("zh-not-released", "中国海关表示，质疑期间相关出口货物不予放行。",
     {("china", "tighten")}, {("china", "ease"), ("china", "maintain")}),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), MAINTAIN, ids=_ids(MAINTAIN))
def test_maintain(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


# ----------------------------------------------------------------------------- press and counter: more wordings


# ----------------------------------------------------------------------------- more wordings of the news
