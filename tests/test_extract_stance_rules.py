"""Stance rules by decision, table-driven, English and Chinese (sentences written for these tests).

Each table is the corpus of one decision of ``worker.extract.stances`` (cues, actors by role,
polarity, confidence): ``expected`` pairs must all come out, ``absent`` pairs must not.
"""

from __future__ import annotations

import pytest

from worker.extract.resources import read_data
from worker.extract.stances import extract_stances, stance_model
from worker.extract.stances.cues import _Classes, compile_pattern
from worker.extract.stances.morphology import noun_forms, verb_forms

Case = tuple[str, str, set[tuple[str, str]], set[tuple[str, str]]]


def _check(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    got = {(s.actor, s.position) for s in extract_stances(text)}
    assert expected <= got, f"{name}: missing {expected - got}, got {got}"
    assert not (absent & got), f"{name}: should not find {absent & got}"


# ----------------------------------------------------------------------------- cues: verb families

CUES: list[Case] = [
    # counter: threaten / impose / slap / levy + tariffs, every form
    ("threaten-base", "Washington threatens tariffs on Chinese magnets after the new rare earth rules.",
     {("united_states", "counter")}, set()),
    ("threatened-with", "President Trump threatened Beijing with steep tariffs in response to the graphite curbs.",
     {("united_states", "counter")}, set()),
    ("threatening", "Canada is threatening retaliatory duties on Chinese steel over the antimony ban.",
     {("canada", "counter")}, set()),
    ("threats-noun", "Trump's threats of a 100% tariff followed Beijing's rare earth announcement.",
     {("united_states", "counter")}, set()),
    ("slapped-levies", "In response to the curbs, Japan slapped levies on imported Chinese magnets.",
     {("japan", "counter")}, set()),
    ("reciprocal-tariffs-not-counter", "The White House imposed reciprocal tariffs on Chinese goods in April.",
     set(), {("united_states", "counter")}),
    ("zh-levy", "作为回应，美国宣布对中国稀土磁体加征50%关税。", {("united_states", "counter")}, set()),
    ("zht-threaten-levy", "美方揚言，若北京不撤回管制，將對中國商品加徵關稅。", {("united_states", "counter")}, set()),
    # ease: agree / decide + delay / suspend / pause
    ("agreed-to-suspend", "China agreed to suspend its new export controls on rare earths for one year.",
     {("china", "ease")}, {("china", "tighten")}),
    ("decided-to-delay", "Beijing decided to delay the licensing requirement for gallium exporters.",
     {("china", "ease")}, {("china", "tighten")}),
    ("paused-controls", "China has paused the expanded rare earth curbs announced in October.",
     {("china", "ease")}, {("china", "tighten")}),
    ("controls-were-lifted", "The restrictions on germanium shipments were lifted by Beijing on Monday.",
     {("china", "ease")}, {("china", "tighten")}),
    ("zh-postpone", "中方决定暂缓实施稀土出口管制措施一年。", {("china", "ease")}, {("china", "tighten")}),
    ("agreed-to-speed-up", "Beijing agreed to speed up licence approvals for European magnet makers.",
     {("china", "ease")}, set()),
    ("zh-agree-speed-up", "美方称，中方已同意加快稀土出口许可审批。", {("china", "ease")}, {("united_states", "ease")}),
    ("zht-relax", "北京宣布放寬部分鎵、鍺出口限制。", {("china", "ease")}, {("china", "tighten")}),
    # licence grants ease; licence requirements tighten, never ease
    ("granted-licences", "MOFCOM has granted general licences to several magnet exporters.",
     {("china", "ease")}, set()),
    ("licences-approved", "Export licences for three European carmakers were approved last week, the ministry said.",
     {("china", "ease")}, set()),
    ("requires-licence", "From December, exporters of tungsten will require a licence from the commerce ministry.",
     {("china", "tighten")}, {("china", "ease")}),
    ("must-obtain-licence",
     "Under China's new rules, companies must obtain an export licence before shipping dysprosium.",
     {("china", "tighten")}, {("china", "ease")}),
    ("zh-must-obtain", "根据中国商务部公告，企业出口锑产品必须先取得出口许可证。",
     {("china", "tighten")}, {("china", "ease")}),
    ("zh-grant", "商务部已批准部分稀土出口许可申请。", {("china", "ease")}, set()),
    # press: urge / call on / tell / press … to lift, by the speaker
    ("urged-to-lift", "Germany urged Beijing to lift its restrictions on rare earth magnets.",
     {("germany", "press")}, {("china", "ease")}),
    ("called-on-to-ease", "The European Commission called on China to ease the licensing rules for gallium.",
     {("european_union", "press")}, {("china", "ease")}),
    ("told-to-drop", "Trump told Xi to drop the export controls on rare earths, the White House said.",
     {("united_states", "press")}, {("china", "ease")}),
    ("pressing-to-speed-up", "Seoul is pressing Beijing to speed up approvals of graphite export licences.",
     {("south_korea", "press")}, {("china", "ease")}),
    ("zh-urge", "日本政府敦促中方取消对稀土出口的限制。", {("japan", "press")}, {("china", "ease")}),
    ("zh-call", "欧盟呼吁中国放宽镓和锗的出口管制。", {("european_union", "press")}, {("china", "ease")}),
    ("zht-demand", "美方要求中方撤銷稀土出口禁令。", {("united_states", "press")}, {("china", "ease")}),
    # counter: stockpiles, subsidies, alternative supply, own controls
    ("stockpiling", "Japan is stockpiling dysprosium and terbium to cushion China's export curbs.",
     {("japan", "counter")}, set()),
    ("subsidies", "The European Union will subsidise new rare earth refineries to reduce reliance on China.",
     {("european_union", "counter")}, set()),
    ("loan-from", "The refinery received a $300 million loan from the Pentagon to separate heavy rare earths.",
     {("pentagon", "counter")}, set()),
    ("zh-reserve", "韩国政府宣布扩大稀土战略储备，以减少对中国的依赖。", {("south_korea", "counter")}, set()),
    ("zh-subsidy", "美国将补贴本土稀土磁体生产。", {("united_states", "counter")}, set()),
    ("zh-anti-subsidy-not-subsidy", "欧盟对中国电动车的反补贴调查仍在进行，稀土供应紧张。", set(),
     {("european_union", "counter")}),
    # negotiate: talks, deals, truces, both parties where the text says so
    ("reached-deal", "Washington and Beijing reached a deal on rare earth exports in Geneva.",
     {("united_states", "negotiate"), ("china", "negotiate")}, set()),
    ("talks-with", "Japan held talks with China on securing graphite export licences.",
     {("japan", "negotiate"), ("china", "negotiate")}, set()),
    ("zh-talks", "中欧双方就稀土出口许可问题举行磋商。",
     {("china", "negotiate"), ("european_union", "negotiate")}, set()),
    ("zh-agreement", "中美两国在伦敦达成框架协议，涉及稀土出口。",
     {("china", "negotiate"), ("united_states", "negotiate")},
     set()),
    ("supply-deal-is-counter", "Australia and the United States signed a deal to develop rare earth mines.",
     {("australia", "counter"), ("united_states", "counter")}, {("australia", "negotiate")}),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), CUES, ids=[c[0] for c in CUES])
def test_cues(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


# ----------------------------------------------------------------------------- actors by role

ROLES: list[Case] = [
    # a place is not an actor
    ("locative-in", "EU officials met in Beijing on Monday to discuss rare earth licences.",
     {("european_union", "negotiate")}, {("china", "negotiate")}),
    ("at-is-a-target", "Trump has been hitting out at China over its rare earth curbs.",
     {("united_states", "press")}, set()),
    ("summit-modifier", "At the G7 summit, Japan announced subsidies for rare earth recycling.",
     {("japan", "counter")}, {("g7", "counter")}),
    ("locative-list", "Alternative supply chains in Australia, Canada and Brazil are being explored by automakers.",
     set(), {("canada", "counter"), ("brazil", "counter"), ("australia", "counter")}),
    ("zh-locative", "美方官员在日内瓦与中方举行会谈，讨论稀土出口管制。",
     {("united_states", "negotiate"), ("china", "negotiate")}, set()),
    ("zht-locative-yu", "中美代表於吉隆坡就稀土管制展開磋商。",
     {("united_states", "negotiate"), ("china", "negotiate")},
     set()),
    ("zh-time-frame-subject", "在中国收紧稀土出口之后，美国企业纷纷寻找替代来源。", {("china", "tighten")},
     {("united_states", "tighten")}),
    # the party urged or told is not the speaker; a headline too
    ("headline-urges", "Minister urges Beijing to scrap metal curbs", set(), {("china", "ease")}),
    ("addressee-told", "Washington told Tokyo to keep buying Australian rare earths.", set(), {("japan", "press")}),
    # a modifier of a company or a thing is not the agent
    ("modifier-firms", "Japanese carmakers warned that the rare earth curbs could halt production.",
     set(), {("japan", "press")}),
    ("modifier-farmers", "American farmers were hit by retaliatory tariffs on soybeans, not by rare earth curbs.",
     set(), {("united_states", "counter")}),
    ("zh-modifier-firms", "日本企业抱怨中国的稀土出口限制导致停产。", set(), {("japan", "press")}),
    ("possessor-owns", "Beijing's new export controls on rare earths took effect on Monday.",
     {("china", "tighten")}, set()),
    ("agent-head-keeps",
     "South Korea's industry ministry said it held talks with Chinese officials on graphite exports.",
     {("south_korea", "negotiate"), ("china", "negotiate")}, set()),
    # reported speech: the content clause's own subject
    ("reported-content", "Bessent said Beijing would delay the rare earth rules by a year.",
     {("china", "ease")}, {("united_states", "ease")}),
    ("zh-speaker-clause", "澳大利亚政府表示，将为稀土精炼项目提供贷款。", {("australia", "counter")}, set()),
    # grouped actors
    ("g7-partners", "The G7 partners launched a critical minerals action plan to cut dependence on China.",
     {("g7", "counter")}, set()),
    ("eu-chamber", "The EU Chamber of Commerce in China urged Beijing to speed up rare earth licence approvals.",
     {("european_union_chamber_of_commerce_in_china", "press")}, {("european_union", "press")}),
    ("drc-ban", "The Democratic Republic of Congo extended its ban on cobalt exports by three months.",
     {("drc", "tighten")}, set()),
    ("zh-drc", "刚果（金）宣布暂停钴出口四个月。", {("drc", "tighten")}, set()),
    # the subject of an infinitive, a title between two names
    ("prompted-to", "The shortage has prompted Tokyo to subsidise rare earth recycling.",
     {("japan", "counter")}, set()),
    ("title-between-names", "U.S. Trade Representative Jamieson Greer and Chinese Vice Premier He Lifeng held talks "
     "on export controls.", {("united_states", "negotiate"), ("china", "negotiate")}, set()),
]


# a sentence naming no mineral may speak of the one named just before (round 6: e061, e080, e085, and
# the same pattern in Chinese reporting): a definite supply noun, a pronoun or definite subject going
# on with the sentence before, or an organisation named again; a state named again is no continuation
REFERRING = [
    ("the-facility", "Neo Performance Materials opened a rare earth magnet plant in Estonia. Backed by EU "
     "funding, the facility will make 2,000 tonnes a year.", {("european_union", "counter")}, set()),
    ("facility-alone", "The EU funded the facility.", set(), {("european_union", "counter")}),
    ("it-includes", "Washington passed a package that gives more money for critical minerals. It includes a "
     "Pentagon loan program offering financing to private projects.", {("pentagon", "counter")}, set()),
    ("organisation-again", "Vulcan Elements will build a rare earth magnet plant. To finance Vulcan Elements' "
     "growth, the company will draw on a $620 million loan from the Pentagon.", {("pentagon", "counter")}, set()),
    ("state-again", "The United States imports most of its rare earths. The United States restricted exports "
     "of chips to China.", set(), {("united_states", "tighten")}),
    ("zh-the-plant", "莱纳斯公司计划在马来西亚建设稀土分离厂。该工厂获得日本政府的资金支持。",
     {("japan", "counter")}, set()),
    ("zh-the-project", "莱纳斯公司计划在马来西亚建设稀土分离厂。日本政府为该项目提供贷款。",
     {("japan", "counter")}, set()),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), REFERRING, ids=[c[0] for c in REFERRING])
def test_a_sentence_refers_to_the_mineral_before(name: str, text: str, expected: set[tuple[str, str]],
                                                 absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


@pytest.mark.parametrize(("name", "text", "expected", "absent"), ROLES, ids=[c[0] for c in ROLES])
def test_roles(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


# ----------------------------------------------------------------------------- polarity

POLARITY: list[Case] = [
    # a conditional clause states no stance
    ("if-reimposes", "If China reimposes the gallium curbs, Korean chipmakers will run short.",
     set(), {("china", "tighten")}),
    ("whenever", "Buyers suffer whenever licences are issued late.", set(), {("china", "ease")}),
    ("zh-if", "倘若中方重新收紧稀土出口，欧洲车企将被迫减产。", set(), {("china", "tighten")}),
    # a conditional relaxation is ease; a norm inside a condition stands
    ("conditional-relaxation", "China will lift the ban on gallium exports if the United States drops its chip rules.",
     {("china", "ease")}, set()),
    ("norm-in-condition", "If a product contains Chinese rare earths, the exporter must obtain a licence from MOFCOM.",
     {("china", "tighten")}, set()),
    ("zh-norm-in-condition", "企业如需出口上述物项，须向商务部申请许可。", {("china", "tighten")}, set()),
    # "despite": the main clause keeps its stance; an event inside is a fact, a bare noun background
    ("despite-main-clause", "Despite the curbs, Japan expanded its stockpiles of dysprosium.",
     {("japan", "counter")}, set()),
    ("despite-event", "Exporters still wait for licences, despite a deal reached between Washington and Beijing "
     "in June.", {("united_states", "negotiate"), ("china", "negotiate")}, set()),
    ("despite-bare-noun", "Beijing kept its curbs on antimony despite the trade truce.", {("china", "maintain")},
     {("china", "negotiate")}),
    ("zh-despite", "尽管中美达成休战协议，中方仍维持对镓的出口管制。", {("china", "maintain")}, set()),
    # hypothetical or future is not fact
    ("would-hypothetical", "Beijing would relax the rules on graphite only in exchange for chip concessions.",
     set(), {("china", "ease")}),
    ("could", "China could suspend the tungsten controls next year.", set(), {("china", "ease")}),
    ("analysts-expect", "Analysts expect Beijing to keep the curbs until a broader deal is reached.",
     set(), {("china", "maintain"), ("china", "negotiate")}),
    ("plan-to", "The European Commission will present its plan to stockpile critical raw materials.",
     set(), {("european_union", "counter")}),
    ("bare-name-subject", "Indonesia banned exports of nickel ore to build a domestic smelting industry.",
     {("indonesia", "tighten")}, set()),
    ("expected-to", "The EU is expected to announce subsidies for magnet plants.",
     set(), {("european_union", "counter")}),
    ("reported-would-stands", "The ministry said it would require licences for exports of samarium.",
     {("china", "tighten")}, set()),
    ("zh-expected", "市场预计中方将放宽稀土出口限制。", set(), {("china", "ease")}),
    ("zh-may", "中方或将暂停部分稀土出口管制。", set(), {("china", "ease")}),
    # background or time mentions
    ("since-the-curbs", "Prices of dysprosium have doubled since the curbs, analysts said.", set(),
     {("china", "tighten")}),
    ("earlier-agreements", "Officials argued that the new rules violate earlier agreements between the two countries.",
     set(), {("china", "negotiate")}),
    ("zh-since", "自去年稀土管制以来，钕价格上涨了三成。", set(), {("china", "tighten")}),
    # negation, refusal, "stops short of"
    ("stops-short", "The new licensing regime stops short of removing the restrictions on rare earths, Beijing said.",
     {("china", "maintain")}, {("china", "ease")}),
    ("zh-refuse", "中方拒绝取消对日本的两用物项出口禁令。", {("china", "maintain")}, {("china", "ease")}),
    ("grant-or-refuse", "The ministry will grant or refuse each licence application within 45 days.",
     set(), {("china", "ease")}),
    ("zh-grant-or-refuse", "商务部将在法定期限内作出准予或不予许可的决定。", set(), {("china", "ease")}),
    # the aim of a deal and the content of a demand are not acts
    ("aim-of-deal", "Negotiators from China and the U.S. agreed on a framework to restore rare earth shipments.",
     {("china", "negotiate"), ("united_states", "negotiate")}, {("china", "ease")}),
    ("zh-demand-content", "欧盟敦促中方放宽出口限制，加快审批欧洲企业的许可申请。",
     {("european_union", "press")}, {("china", "ease")}),
    # an offer: the agent offers talks, the other side has not taken part
    ("offer-to-negotiate", "Washington has tried to negotiate with Beijing over the gallium ban.",
     {("united_states", "negotiate")}, {("china", "negotiate")}),
    ("zh-offer", "欧盟表示愿与中方就稀土出口许可加强对话。",
     {("european_union", "negotiate")}, {("china", "negotiate")}),
    # the consequent of a condition is a threat that stands; the condition's continuation is not
    ("zh-consequent", "日本政府表示，若中方继续限制出口，将对中国商品加征关税。", {("japan", "counter")},
     {("china", "tighten")}),
    ("zh-condition-continues", "倘若中方再度收紧管控，重新限制稀土出口，欧洲车企将减产。",
     set(), {("china", "tighten")}),
    # hedges do not reach across a clause opener
    ("opener-now-that", "Production may stop now that China has imposed export curbs on rare earth magnets.",
     {("china", "tighten")}, set()),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), POLARITY, ids=[c[0] for c in POLARITY])
def test_polarity(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)


# ----------------------------------------------------------------------------- confidence

def _conf(text: str, actor: str, position: str) -> float:
    found = [s.confidence for s in extract_stances(text) if (s.actor, s.position) == (actor, position)]
    assert found, f"no {(actor, position)} in {text!r}"
    return found[0]


CONFIDENCE: list[tuple[str, str, str, str, str, str]] = [
    # (name, strong text, weak text, actor, position, why the second is weaker)
    ("default-actor", "China imposed export controls on graphite.",
     "Export controls on graphite took effect in December, China's state media said.", "china", "tighten",
     "the actor of the second is the default controller, not a subject"),
    ("headline", "Beijing lifts ban on gallium exports, ministry says.\nThe ban was lifted on Sunday.",
     "Beijing lifts ban on gallium exports\nThe announcement came on Sunday.", "china", "ease",
     "the second is read only from a headline line"),
    ("hedged", "China suspended the new rare earth rules, the commerce ministry said.",
     "China has reportedly suspended the new rare earth rules, people familiar with the matter said.",
     "china", "ease", "the second is a hedged report"),
    ("zh-hedged", "商务部宣布暂停实施新的稀土出口管制。", "据悉，商务部将暂停实施新的稀土出口管制。", "china", "ease",
     "the second is hearsay"),
    ("pronoun", "The EU urged China to lift the curbs on rare earths.",
     "Brussels is worried. It urged China to lift the curbs on rare earths.", "european_union", "press",
     "the second's actor is a pronoun's antecedent"),
]


@pytest.mark.parametrize(("name", "strong", "weak", "actor", "position", "why"), CONFIDENCE,
                         ids=[c[0] for c in CONFIDENCE])
def test_confidence_orders(name: str, strong: str, weak: str, actor: str, position: str, why: str) -> None:
    assert _conf(weak, actor, position) < _conf(strong, actor, position), why


def test_confidence_bounds_and_threshold() -> None:
    for s in extract_stances("China imposed export controls on gallium. 中方尚未解除对稀土的出口限制。"
                             "Export controls on graphite took effect in December."):
        assert 0.0 <= s.confidence <= 1.0
    assert _conf("China imposed export controls on gallium and germanium.", "china", "tighten") >= 0.8
    weak = "China produces most of the world's gallium. Export licences are now required for gallium exports."
    assert _conf(weak, "china", "tighten") < 0.8  # the default controller is a guess


# ----------------------------------------------------------------------------- the machinery


@pytest.mark.parametrize(("lemma", "forms"), [
    ("threaten", {"threaten", "threatens", "threatened", "threatening"}),
    ("slap", {"slap", "slaps", "slapped", "slapping"}),
    ("levy", {"levy", "levies", "levied", "levying"}),
    ("impose", {"impose", "imposes", "imposed", "imposing"}),
    ("step up", {"step up", "steps up", "stepped up", "stepping up"}),
    ("agree", {"agree", "agrees", "agreed", "agreeing"}),
    ("relax", {"relax", "relaxes", "relaxed", "relaxing"}),
])
def test_verb_forms(lemma: str, forms: set[str]) -> None:
    assert set(verb_forms(lemma)) == forms


def test_irregular_and_kinds() -> None:
    assert "held off on" in verb_forms("hold off on", {"hold": ["held"]})
    assert set(verb_forms("suspend", kinds="pp")) == {"suspended"}
    assert set(verb_forms("ease", kinds="ing")) == {"easing"}


@pytest.mark.parametrize(("noun", "forms"), [
    ("tariff", {"tariff", "tariffs"}), ("embargo", {"embargo", "embargoes"}), ("subsidy", {"subsidy", "subsidies"}),
    ("export ban", {"export ban", "export bans"}), ("talks", {"talks"}),
])
def test_noun_forms(noun: str, forms: set[str]) -> None:
    assert set(noun_forms(noun)) == forms


def test_pattern_language() -> None:
    import re

    classes = _Classes(read_data("stances/cues.yaml"))
    en = re.compile(compile_pattern("@impose:verb ~6 (?:new)? #controls", classes, zh=False), re.I)
    assert en.search("Beijing has slapped sweeping new export licences requirements and export curbs")
    assert en.search("it introduced curbs")
    assert not en.search("imposed, after talks, the curbs")  # no clause punctuation inside a gap
    zh = re.compile(compile_pattern("@lift~20#controls", classes, zh=True))
    assert zh.search("中方决定暂停实施上述出口管制措施")
    assert not zh.search("暂停，出口管制")


def test_watch_file_words_extend_the_tables() -> None:
    text = "Ottawa beseeched Beijing to lift the curbs on rare earths."
    assert ("canada", "press") not in {(s.actor, s.position) for s in extract_stances(text)}
    extra = {"stance_cues": {"verbs": {"urge": {"en": ["beseech"]}}}}
    assert stance_model(extra) is stance_model(extra)  # cached per distinct extension
    got = {(s.actor, s.position) for s in extract_stances(text, extra=extra)}
    assert ("canada", "press") in got
    assert stance_model(None) is stance_model({"actors": {"lynas": {"en": ["Lynas Corp"]}}})


def test_unknown_extension_section_is_an_error() -> None:
    from worker.errors import ConfigError

    with pytest.raises(ConfigError):
        stance_model({"stance_cues": {"no_such_table": {"en": ["x"]}}})
