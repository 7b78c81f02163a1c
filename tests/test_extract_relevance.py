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
