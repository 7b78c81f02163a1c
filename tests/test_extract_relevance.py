"""Relevance: on-topic passages about mineral export controls vs look-alikes, both languages.

The rows are written for these tests (not taken from the gold sets): each negative borrows the
vocabulary of the topic (export controls, licences, magnets, tariffs, 出口管制) about other goods.
"""

from __future__ import annotations

import pytest

from worker.extract.relevance import RELEVANCE_THRESHOLD, is_relevant, score_relevance

CASES: list[tuple[str, str, bool]] = [
    ("en-controls", "Beijing tightened export controls on gallium and germanium, requiring licences for "
     "every shipment; Western chipmakers rely on China for most of their supply.", True),
    ("en-dependence", "The United States depends on China for about 70% of its rare earth imports, and "
     "the Pentagon is funding domestic magnet production to cut that reliance.", True),
    ("en-bulletin", "Rare earth magnet exports resumed after China granted the first licences.", True),
    ("en-chips", "The Commerce Department expanded export controls on advanced AI chips and "
     "chipmaking tools, requiring licences for sales to Chinese customers.", False),
    ("en-solar", "Solar module exports rose 9% as prices slid to record lows; Europe kept its "
     "anti-dumping duties suspended and installers warned of supply gluts.", False),
    ("en-rare-disease", "Regulators approved a gene therapy for a rare disease under strict manufacturing "
     "controls; the company said supply would be limited to 150 patients a year.", False),
    ("en-battery", "The recycler recovers lithium, nickel and cobalt from spent batteries and removes "
     "steel casings with magnets before leaching.", False),
    ("zh-controls", "商务部宣布对稀土相关技术实施出口管制，出口经营者须申请两用物项出口许可。", True),
    ("zh-dependence", "日本电动车马达所用的镝、铽几乎全部仰赖中国供应。", True),
    ("zh-chips", "美方再次扩大半导体出口管制，限制先进芯片对华出口，中方表示坚决反对。", False),
    ("zh-soy", "海关数据显示，8月大豆进口同比增长，巴西大豆占比超过九成，美豆关税仍然偏高。", False),
    ("zht-controls", "中國商務部公告，對鎵、鍺相關物項實施出口管制，未經許可不得出口。", True),
    ("zht-gold", "國際金價再創新高，香港金舖出現沽金人潮，市場憂慮美國關稅政策。", False),
    # a mineral and a control or supply question in one sentence, in the wording of the news:
    # curbs, bans and reliance without the word "export"; the minerals SCHEMA added
    ("en-cobalt-ban", "Congo extended its ban on cobalt exports by three months to prop up prices.", True),
    ("en-curbs", "Beijing's curbs on rare earth magnets have left European carmakers scrambling for supply.", True),
    ("en-reliance", "Japan relies on China for nearly all of its dysprosium.", True),
    ("en-domestic", "The Pentagon is funding a domestic lithium refinery to reduce dependence on Chinese processing.",
     True),
    ("en-control-list", "Tellurium and bismuth were added to the export control list on Tuesday.", True),
    ("en-licence", "Chinese exporters of antimony need a licence for every cargo since September, and shipments "
     "have slumped.", True),
    # a mineral named, however often, with no control or supply question: science, textbooks,
    # recycling, share prices; and a chip-controls story that names gallium two sentences away
    ("en-geology", "Neodymium isotopes in the basalt samples suggest the magma source was enriched in rare earth "
     "elements; the neodymium signal is strongest in the rare earth-rich layers.", False),
    ("en-recycler", "The start-up recovers lithium, nickel and cobalt from old batteries and sells the metals to "
     "cathode makers.", False),
    ("en-textbook", "Cerium oxide is used to polish glass lenses, the textbook explains, and lanthanum improves "
     "camera optics.", False),
    ("en-chips-far", "The new rules restrict exports of advanced chips and chipmaking tools to China. Separately, the "
     "company reported record revenue. Analysts noted that gallium nitride chargers sold well during the holidays.",
     False),
    ("en-shares", "Shares of the magnet maker jumped 8% after it reported higher neodymium magnet output for the "
     "quarter.", False),
    ("zh-cobalt-ban", "刚果（金）将钴出口禁令延长三个月。", True),
    ("zh-imports", "日本所需的重稀土几乎全部依赖从中国进口。", True),
    ("zh-control-list", "商务部宣布对碲、铋、钼相关物项实施出口管制。", True),
    ("zh-domestic", "美国国防部投资本土稀土磁体生产，以减少对中国供应链的依赖。", True),
    ("zh-suspend", "中方暂停对美出口镓、锗，美方随即表示将寻求替代来源。", True),
    ("zh-encyclopedia", "稀土元素是镧系元素与钪、钇的合称，常用于催化剂和玻璃抛光；稀土元素的化学性质相近。", False),
    ("zh-shares", "稀土永磁板块午后走强，多只个股涨停。", False),
    ("zh-lab", "实验室用萃取法分离镧和铈，再测量其纯度。", False),
    ("zht-recycler", "這家回收公司從廢舊電池中回收鋰、鎳和鈷，年處理量達兩萬噸。", False),
]


@pytest.mark.parametrize(("name", "text", "relevant"), CASES, ids=[c[0] for c in CASES])
def test_relevance(name: str, text: str, relevant: bool) -> None:
    score, terms = score_relevance(text)
    assert 0.0 <= score <= 1.0
    assert is_relevant(score) is relevant, f"{name}: score {score} terms {terms}"
    if relevant:
        assert terms


def test_title_counts() -> None:
    body = "Shipments resumed on Monday after weeks of delays, with licences now flowing again."
    low, _ = score_relevance(body)
    high, terms = score_relevance(body, title="China grants first rare earth export licences")
    assert high > low
    assert "rare earth" in terms  # spelled as the title spells it


def test_threshold_override() -> None:
    score, _ = score_relevance("Rare earth prices rose.")
    assert is_relevant(score, 0.0)
    assert not is_relevant(score, 1.01)
    assert 0.0 < RELEVANCE_THRESHOLD < 1.0


def test_empty() -> None:
    assert score_relevance("") == (0.0, ())


def test_analyze_gates_extractors_on_relevance() -> None:
    """Off-topic text yields no statistics, stances or claims, however many control words it has."""
    from worker.extract.analyze import analyze

    off = analyze("The Commerce Department said it expanded export controls on AI chips, imposing licences "
                  "on 40% of sales.")
    assert not off.relevant and not off.statistics and not off.stances and not off.claims
    on = analyze("China imposed export controls on gallium, the commerce ministry said.",
                 title="Gallium curbs")
    assert on.relevant and on.language == "en"
    assert ("china", "tighten") in {(s.actor, s.position) for s in on.stances}
    forced = analyze("Prices rose.", relevance_min=0.0)
    assert forced.relevant
    zh = analyze("商务部宣布对稀土相关技术实施出口管制。")
    assert zh.language == "zh-Hans" and zh.relevant


def test_a_mineral_alone_is_never_relevant() -> None:
    """SCHEMA: "not merely mentioning a mineral": however often it is named."""
    for text in ("Rare earths. " * 50, "稀土、镓、锗、锑、钨。" * 50, "Gallium, germanium and antimony. " * 40):
        score, _ = score_relevance(text)
        assert 0.0 < score < RELEVANCE_THRESHOLD


def test_control_words_count_only_near_a_mineral() -> None:
    near = "China restricted exports of gallium. Licences are now required for every shipment."
    far = ("China restricted exports of chips. Licences are now required for every shipment. The weather was "
           "mild. Markets were calm. A gallium plant opened in Hunan.")
    assert score_relevance(near)[0] > RELEVANCE_THRESHOLD > score_relevance(far)[0]


def test_the_title_counts_double() -> None:
    body = "Licences will be required for shipments from December, the commerce ministry said."
    with_title, _ = score_relevance(body, title="China adds graphite to controlled items")
    in_body, _ = score_relevance("China adds graphite to controlled items. " + body)
    assert with_title > in_body
    assert is_relevant(with_title)
    # a text that repeats the title as its first line is not scored twice, but the line counts as the title
    repeated, _ = score_relevance("China adds graphite to controlled items\n" + body,
                                  title="China adds graphite to controlled items")
    assert repeated == with_title


@pytest.mark.parametrize(("name", "text", "relevant"), CASES, ids=[c[0] for c in CASES])
def test_matched_terms_are_words_of_the_text(name: str, text: str, relevant: bool) -> None:
    _, terms = score_relevance(text)
    low = text.lower()
    for term in terms:
        assert term.lower() in low, (name, term)


def test_matched_terms_keep_the_texts_spelling() -> None:
    _, terms = score_relevance("中國對鎵、鍺實施出口管制，日本業者仰賴中國供應。")
    assert {"鎵", "鍺", "出口管制", "仰賴"} <= set(terms)
    _, terms = score_relevance("CHINA CURBS RARE EARTH EXPORTS; REE buyers rely on Beijing.")
    assert "rare earth" in terms and "REE" in terms


INSERTS = ["export controls", "rare earths", "reliance on China", "licences", "shipments", "supply chains",
           "refining", "prices", "gallium", "出口管制", "稀土", "依赖", "供应链", "价格"]


@pytest.mark.parametrize(("name", "text", "relevant"), CASES, ids=[c[0] for c in CASES])
def test_one_more_term_never_lowers_the_score(name: str, text: str, relevant: bool) -> None:
    """Monotone: a term added inside an existing sentence raises the score or leaves it."""
    before, _ = score_relevance(text)
    for word in INSERTS:
        after, _ = score_relevance(f"{word}, {text}")  # at the head of the first sentence
        assert after >= before, (name, word, before, after)
