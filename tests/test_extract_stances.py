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
