"""Attributed claims and their near-duplicate fingerprints (examples written for these tests)."""

from __future__ import annotations

import pytest

from worker.extract.claims import claim_similarity, extract_claims, fingerprint, same_claim

ATTRIBUTION = [
    # (name, text, speaker, words the claim text must contain, words it must not)
    ("said-that", "Bessent said that China will pause its rare earth export controls for a year.",
     "united_states", ["pause", "rare earth"], ["Bessent said"]),
    ("speaker-after", "Licences will be issued quickly for civilian rare earth trade, the ministry said.",
     "china", ["Licences will be issued"], ["the ministry said"]),
    ("speaker-after-adjunct", "Shipments of gallium need a licence from August, MOFCOM said in a statement.",
     "china", ["gallium need a licence"], ["MOFCOM"]),
    ("according-to", "According to CLEPA, the magnet shortage has already closed several parts lines.",
     "clepa", ["magnet shortage"], ["According"]),
    ("told-that", "Farley told reporters that supply of rare-earth magnets is still day to day.",
     "Farley", ["rare-earth magnets"], ["reporters that"]),
    ("pronoun", "Greer spoke on Wednesday. He said the export controls were a grab for power.",
     "united_states", ["grab for power"], []),
    ("zh-biaoshi", "商务部新闻发言人表示，对合规的稀土出口申请将给予许可。",
     "china", ["稀土出口申请"], ["表示"]),
    ("zht-zhichu", "貝森特指出，中方同意把稀土出口許可制度暫緩實施一年。",
     "united_states", ["暫緩實施"], ["指出"]),
]


@pytest.mark.parametrize(("name", "text", "speaker", "has", "lacks"), ATTRIBUTION,
                         ids=[c[0] for c in ATTRIBUTION])
def test_attribution(name: str, text: str, speaker: str, has: list[str], lacks: list[str]) -> None:
    claims = extract_claims(text)
    assert claims, f"{name}: no claim"
    claim = claims[-1]
    assert claim.speaker == speaker
    for word in has:
        assert word in claim.text
    for word in lacks:
        assert word not in claim.text
    assert claim.sentence and claim.fingerprint and len(claim.fingerprint) == 16


@pytest.mark.parametrize("text", [
    "The company said revenue rose 12% in the third quarter.",  # off topic: no control / mineral term
    "What has Tesla said about the rare earth restriction?",  # a question is not a claim
    "China produces most of the world's rare earths.",  # no attribution
])
def test_not_claims(text: str) -> None:
    assert extract_claims(text) == []


NEAR = [
    ("China will suspend the new export controls on rare earths for one year, the ministry said.",
     "China will suspend its new export controls on rare earth elements for a year, "
     "the ministry said on Friday.",
     True),
    ("中国将暂停实施稀土出口管制措施一年", "中國將暫停實施稀土出口管制措施一年", True),
    ("China will suspend the new export controls on rare earths for one year.",
     "Tesla said the curbs are restricting access to crucial parts for its robots.", False),
    ("美方将对中国商品加征关税", "中方同意暂缓实施稀土出口许可制度", False),
]


@pytest.mark.parametrize(("a", "b", "same"), NEAR)
def test_near_duplicates(a: str, b: str, same: bool) -> None:
    assert same_claim(fingerprint(a), fingerprint(b)) is same
    if same:
        assert claim_similarity(a, b) >= 0.5
    else:
        assert claim_similarity(a, b) < 0.3


def test_fingerprint_stable_and_safe() -> None:
    assert fingerprint("Export controls stay.") == fingerprint("export controls stay")
    assert fingerprint("") == "0" * 16
    assert not same_claim("zz", "00")


def test_duplicate_claims_in_one_text_kept_once() -> None:
    text = ("MOFCOM said the rare earth controls will stay in force. "
            "MOFCOM said the rare earth controls will stay in force.")
    assert len(extract_claims(text)) == 1
