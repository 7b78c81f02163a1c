"""The regex prefilter of the extractors: a regex it leaves out can never match (exactness)."""

from __future__ import annotations

import re

import pytest

from worker.extract.claims import _model as claims_model
from worker.extract.stances import stance_model
from worker.extract.stances.prefilter import StemPrefilter
from worker.extract.text import Prefilter, fold, required_literals
from worker.extract.vocab import prepare


@pytest.mark.parametrize(("pattern", "flags", "expected"), [
    (r"\bexports?\b", re.I, ({"export"},)),
    (r"(?:tighten|curb)\w*\s+exports", re.I, ({"exports"}, {"tighten", "curb"})),
    (r"\b(?:new|tighter)\s+controls?\b", 0, ({"control"}, {"new", "tighter"})),
    (r"licen[cs]es?", re.I, ({"licence", "license"},)),
    (r"(?:the\s+)?ministry", re.I, ({"ministry"},)),
    (r"稀土(?:出口)?管制", 0, ({"稀土管制", "稀土出口管制"},)),
    (r"\w+", 0, ()),
    (r"a?b?", 0, ()),
])
def test_required_literals(pattern: str, flags: int, expected: tuple[set[str], ...]) -> None:
    found = required_literals(re.compile(pattern, flags))
    assert {frozenset(s) for s in found} == {frozenset(s) for s in expected}


def test_fold_is_length_stable_and_folds_like_ignorecase() -> None:
    text = "İstanbul ſanctions KELVIN ΣΑΣ Straße"
    assert len(fold(text)) == len(text)
    assert "sanctions" in fold(text)  # re.IGNORECASE matches "ſ" to "s"
    assert re.search("sanctions", text, re.I)
    assert "istanbul" in fold(text)


SENTENCES = [
    "China imposed new export controls on gallium and germanium, the ministry said.",
    "Beijing has not lifted its ban on exports of rare earth processing technology.",
    "The United States urged China to ease the restrictions; talks with Beijing continue.",
    "MOFCOM said licences will be issued for compliant applications.",
    "商务部表示，将对稀土实施出口管制。",
    "中美双方同意暂停部分出口管制措施。",
    "Washington threatened tariffs of 100% on Chinese goods after Beijing tightened curbs.",
    "The EU and Japan will build stockpiles of critical minerals, officials said.",
    "ſanctions and İmports: China reſtricts graphite exports, a spokesman said.",
    "According to analysts, China supplies 90% of refined rare earths.",
]


@pytest.mark.parametrize("model", ["stances", "stances-stems", "claims"])
def test_a_regex_left_out_never_matches(model: str) -> None:
    if model.startswith("stances"):
        regexes = [c.regex for c in stance_model().cues.cues]
    else:
        mc = claims_model()
        regexes = [mc.verb, mc.according, mc.topic]
    prefilter = StemPrefilter(regexes) if model == "stances-stems" else Prefilter(regexes)
    document = prepare(" ".join(SENTENCES))
    scope = prefilter.scope(document)
    start = 0
    for sentence in SENTENCES:
        sent = prepare(sentence)
        start = document.index(sent, start)
        live = set(scope.candidates(start, start + len(sent)))
        for i, regex in enumerate(regexes):
            if regex.search(sent):
                assert i in live, (regex.pattern[:80], sentence)
        start += len(sent)


def test_document_actors_per_sentence_equal_a_scan_of_each_sentence() -> None:
    from worker.extract.stances import DocumentActors
    from worker.extract.text import split_sentences
    from worker.extract.vocab import load_vocabulary

    vocab = load_vocabulary()
    text = " ".join(SENTENCES) + "\nTalks with the United\nStates Commerce Department. 美方\n表示。"
    prepared = prepare(text)
    actors = DocumentActors(vocab, prepared)
    for s in split_sentences(text):
        sent = prepared[s.start:s.end]
        assert actors.in_sentence(s.start, s.end, sent) == vocab.find_actors(sent, prepared=True), sent
