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
    ("trade-talks-on-rare-earths", "Rare earth export licences topped the agenda of the trade talks between Washington and Beijing.",
     {("china", "negotiate"), ("united_states", "negotiate")}, set()),
    ("zh-talks-on-controls", "中美双方就稀土出口管制问题举行磋商。",
     {("china", "negotiate"), ("united_states", "negotiate")}, set()),
    # unnamed talks between two governments in an article on the controls still count
    ("plain-talks", "China imposed new rare earth curbs in October. Trump and Xi held talks in Busan on Thursday.",
     {("china", "negotiate"), ("united_states", "negotiate")}, set()),
    # ending talks is no negotiating
    ("broke-off-talks", "Beijing broke off talks with Tokyo over the rare earth embargo.",
     set(), {("china", "negotiate"), ("japan", "negotiate")}),
    ("zh-talks-broke-down", "中日两国关于稀土出口的谈判破裂。",
     set(), {("china", "negotiate"), ("japan", "negotiate")}),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), NEGOTIATE, ids=_ids(NEGOTIATE))
def test_negotiate(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)
