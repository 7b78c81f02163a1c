"""Stance classes of round 7, table-driven (sentences written for these tests, English and Chinese).

- A mention of the controls that is what talks are about is nobody's move, also when a compound
  noun stands between the preposition and the controls ("talks … on rare earth export controls");
  a date after "on" is not a topic ("announced on Thursday new export controls").
- A cue that names its goods itself is about them, whatever other goods the rest of the sentence
  names ("relax the rare earth controls if the US removed its chip restrictions").
- The one told or assured ("told their US counterparts that …") is the addressee, not the holder.
- "agreed with Xi to pause the controls": the controls a deal eases are the controlling partner's,
  and "agreed with" a named party is talks (the English form of 与…同意).
- What an appeal asks for is its content, also past a name that is only its object ("呼吁政府与中国
  磋商，尽快恢复…供应": India presses; it neither negotiates nor eases).
- Responding to the controls ("respond to China's … controls", "对…管制作出回应") is a countermeasure.
"""

from __future__ import annotations

import pytest

from tests.test_extract_stance_classes import Case, _check, _ids

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
    # what an appeal asks for is the appeal's content, also past a name that is an object of it
    ("appeal-content-zh", "印度汽车制造商协会呼吁政府与中国磋商，尽快恢复稀土磁铁供应。",
     {("india", "press")}, {("india", "ease"), ("india", "negotiate"), ("china", "negotiate")}),
    ("appeal-content-en", "Germany urged the EU to hold talks with Beijing to restore rare earth magnet supplies.",
     {("germany", "press")}, {("european_union", "ease"), ("european_union", "negotiate"), ("china", "negotiate"),
                              ("germany", "negotiate")}),
    # responding to the controls is a countermeasure, in both languages
    ("respond-to-controls", "The EU will respond to China's rare earth export controls, von der Leyen said.",
     {("european_union", "counter")}, set()),
    ("respond-to-controls-zh", "欧盟委员会主席冯德莱恩表示，欧盟将对中国的稀土出口管制作出回应。",
     {("european_union", "counter")}, set()),
    ("answered-a-question-zh", "商务部新闻发言人就稀土出口管制问题作出回应。", set(), {("china", "counter")}),
    # the rule must not fire: a cue on other goods stays other goods
    ("other-goods-still", "The US lifted its restrictions on chip design software exports to China.",
     set(), {("united_states", "ease")}),
]


@pytest.mark.parametrize(("name", "text", "expected", "absent"), CASES, ids=_ids(CASES))
def test_round7(name: str, text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    _check(name, text, expected, absent)
