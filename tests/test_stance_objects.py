"""Stance classes of round 7, table-driven (sentences written for these tests, English).

- A mention of the controls that is what talks are about is nobody's move, also when a compound
  noun stands between the preposition and the controls ("talks … on rare earth export controls");
  a date after "on" is not a topic ("announced on Thursday new export controls").
- A cue that names its goods itself is about them, whatever other goods the rest of the sentence
  names ("relax the rare earth controls if the US removed its chip restrictions").
- The one told or assured ("told their US counterparts that …") is the addressee, not the holder.
- "agreed with Xi to pause the controls": the controls a deal eases are the controlling partner's,
  and "agreed with" a named party is talks (the English form of 与…同意).
"""

from __future__ import annotations

import pytest

from worker.extract.stances import extract_stances

Case = tuple[str, str, set[tuple[str, str]], set[tuple[str, str]]]

CASES: list[Case] = [
    ("talks-on-compound", "US and Chinese officials held talks in Kuala Lumpur on rare earth export controls.",
     {("china", "negotiate"), ("united_states", "negotiate")}, {("china", "tighten")}),
    ("discussed-possessive", "Ministers discussed China's rare earth export controls at length in Brussels.",
     set(), {("china", "tighten")}),
    ("on-a-weekday", "Beijing announced on Thursday new export controls on rare earths.",
     {("china", "tighten")}, set()),
    ("on-a-month", "China imposed on October 9 sweeping export controls on rare earth technologies.",
     {("china", "tighten")}, set()),
    ("cue-names-its-goods",
     "China said it would relax the rare earth controls if the US removed its chip restrictions.",
     {("china", "ease")}, set()),
    # the one told or assured holds no position of what is said
    ("told-possessive", "Chinese officials told their US counterparts that the rare earth curbs would stay.",
     {("china", "maintain")}, {("united_states", "maintain")}),
    ("told-to-press", "The US told China to lift its rare earth curbs.", {("united_states", "press")}, set()),
    # a deal's controls are the controlling partner's; both sides of "agreed with X" negotiate
    ("agreed-with-controller", "Trump said he had agreed with Xi to pause the rare earth controls for a year.",
     {("china", "ease"), ("china", "negotiate"), ("united_states", "negotiate")}, {("united_states", "ease")}),
    ("agreed-alone", "Beijing agreed to suspend its new rare earth export controls for one year.",
     {("china", "ease")}, set()),
    ("agreed-with-a-view", "Analysts agreed with the assessment that China's rare earth curbs will last.",
     set(), {("china", "negotiate")}),
    # the rule must not fire: a cue on other goods stays other goods
    ("other-goods-still", "The US lifted its restrictions on chip design software exports to China.",
     set(), {("united_states", "ease")}),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), CASES, ids=[c[0] for c in CASES])
def test_round7(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    got = {(s.actor, s.position) for s in extract_stances(text)}
    assert expected <= got, f"{name}: missing {expected - got}, got {got}"
    assert not (absent & got), f"{name}: should not find {absent & got}"
