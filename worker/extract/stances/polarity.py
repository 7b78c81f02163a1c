"""Does a cue state its stance as a fact? Negation, condition, concession, modality, intent.

The checks are an ordered table of named rules (``RULES``; their order and words are in
``data/stances/polarity.yaml``, which documents each). A check looks at the cue's sentence
and decides, or passes to the next one:

- it may drop the cue (``Verdict(None, why)``): a conditional clause, a hedge, a plan, a bare
  noun inside "despite …" or a time adverbial;
- it may change the position: a negated ease ("has not lifted") is maintain;
- it may keep the cue with a confidence penalty: a "would" in reported speech, an event
  inside a concessive phrase.

Every decision is made by the structure around the cue (its clause, the words just before
it, the clause it continues), never by the words of one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from worker.errors import ConfigError
from worker.extract.stances.clauses import clause_bounds, clause_end, clause_start, clause_text, window
from worker.extract.stances.cues import Hit
from worker.extract.stances.polarity_words import Polarity, by_lang, union

__all__ = ["Polarity", "SentenceFacts", "Verdict", "build_polarity", "judge"]


@dataclass(frozen=True)
class SentenceFacts:
    """What the checks need to know about the cue's sentence."""

    sent: str
    zh: bool
    has_control: bool
    has_mineral: bool
    mention_starts: Sequence[int]
    hits: Sequence[Hit]
    mineral: re.Pattern[str]


@dataclass(frozen=True)
class Verdict:
    """The position a cue still supports (None: dropped), why, and flags for its confidence
    (``confidence.yaml``'s ``context`` amounts: "reported", "concessive", "negated")."""

    position: str | None
    reason: str = ""
    flags: frozenset[str] = frozenset()


_Check = Callable[[Polarity, SentenceFacts, Hit, str], "Verdict | None"]


def _topic(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """The cue's ``need``; talks without a topic word still count between two governments one of
    which controls the minerals ("Trump and Xi held talks in Busan" in an article on the
    controls): flagged, the caller checks the parties."""
    need = hit.cue.need
    if need == "control_or_object" and (f.has_control or any(hit.end <= s <= hit.end + 12 for s in f.mention_starts)):
        return None  # "hitting out at China": criticism of an actor, in an article on the controls
    if (need in ("control", "control_or_object") and not f.has_control) or (need == "mineral" and not f.has_mineral):
        return Verdict(None, f"needs {need}")
    if need == "topic" and not (f.has_control or f.has_mineral):
        if position == "negotiate":
            return Verdict(position, "off topic", frozenset({"off topic"}))
        return Verdict(None, f"needs {need}")
    return None


def _context(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """A cue that counts only in a context: a tariff is a countermeasure as a response to a
    move ("threatened", "in response", "扬言") or when it targets the minerals themselves."""
    if hit.cue.context == "response_or_mineral":
        end = clause_end(f.sent, hit.end)
        clause = f.sent[clause_start(f.sent, hit.start):end]
        # up to the cue's clause, or early in the next if it has no subject of its own ("…加征关税，以回应…");
        # "…加征关税，中国随即宣布…" answers with the second clause, not the first
        later = pol.response.search(f.sent, end, min(len(f.sent), end + 14))
        answer = (pol.response.search(f.sent, 0, end) or pol.conditional.search(f.sent)  # "if China …, X will …"
                  or (later and not any(end < s < later.start() for s in f.mention_starts)))
        if not answer and not f.mineral.search(clause):
            return Verdict(None, "no response")
    return None


def _other_goods(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    # the cue's span and the words right after it ("restricting exports OF CHIP technology")
    end = min(hit.end + 30, clause_end(f.sent, hit.end))  # the goods a cue is about are in its clause
    if f.mineral.search(f.sent, hit.start, hit.end):
        return None  # the cue names its goods itself ("relax the rare earth controls if … chip curbs")
    if position in pol.other_goods_positions and pol.other_goods.search(f.sent, hit.start, end):
        return Verdict(None, "other goods")
    return None


def _plain(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """A plain cue (a name-like cue, a warning that already is a hedge) is not checked further."""
    if hit.cue.plain:
        return Verdict(position, "plain")
    return None


def _conditional(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """Inside an if-clause, or in the subject-less clause that continues one; a norm
    ("exporters must obtain a licence if …") is the content of a rule and stands."""
    if hit.cue.norm:
        return None
    clauses = clause_bounds(f.sent, hit.start)
    cur_s, _ = clauses[-1]
    if pol.conditional.search(f.sent, cur_s, hit.start):
        return Verdict(None, "conditional")
    if len(clauses) >= 2:
        prev_s, prev_e = clauses[-2]
        own_actor = any(cur_s <= s < hit.start for s in f.mention_starts)
        consequent = pol.consequent.match(f.sent[cur_s:hit.start])
        if not own_actor and not consequent and pol.conditional.search(f.sent, prev_s, prev_e):
            return Verdict(None, "conditional")
    return None


def _concessive(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """Inside "despite …" up to the clause break: a bare noun is background, an event stands."""
    if pol.concessive.search(f.sent, clause_start(f.sent, hit.start), hit.start) is None:
        return None
    if hit.cue.bare:
        return Verdict(None, "concessive background")
    return Verdict(position, "concessive event", frozenset({"concessive"}))


def _background(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """A bare noun in a time adverbial ("since the curbs", "自…管制以来") is a date."""
    if not hit.cue.bare:
        return None
    before = f.sent[clause_start(f.sent, hit.start):hit.start]
    after = f.sent[hit.end:clause_end(f.sent, hit.end)]
    if pol.background.search(before) or pol.background_after.search(after):
        return Verdict(None, "time mention")
    if pol.background_before.search(before):
        return Verdict(None, "earlier one")
    return None


def _purpose(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """The aim of a deal or a plan ("a framework to restore the flow") is not an act."""
    if position in pol.demand_positions and pol.purpose.search(_win(pol, f, hit)):
        return Verdict(None, "aim of a deal")
    return None


def _demand(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """A control cue after a press cue, with no subject of its own in between, is what was asked;
    a press cue after a demand in its clause is what was asked too ("lobbied Brussels to press
    China", "游说欧盟向中方施压")."""
    if position == "press":
        start = clause_start(f.sent, hit.start)
        if pol.demand_press and any(o is not hit and o.cue.directive and start <= o.start and o.end <= hit.start
                                    for o in f.hits):
            return Verdict(None, "content of a demand")
        return None
    if position not in pol.demand_positions:
        return None
    for o in f.hits:
        if o.cue.directive and o.end <= hit.start and not any(
                o.end <= s < hit.start and not pol.demand_object_before.search(f.sent, max(0, s - 12), s)
                for s in f.mention_starts):
            # a name in between that is an object ("呼吁政府与中国磋商", "urged talks with China") is
            # no subject of its own: the cue is still what was asked
            return Verdict(None, "content of a demand")
    return None


def _masked(f: SentenceFacts, hit: Hit) -> list[tuple[int, int]]:
    return [(o.start, o.end) for o in f.hits if o.cue.position != hit.cue.position]


def _win(pol: Polarity, f: SentenceFacts, hit: Hit) -> str:
    return window(f.sent, hit.start, f.zh, _masked(f, hit), pol.openers)


def _negation(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    if pol.alternative.search(f.sent[hit.start:hit.end + 12]):
        return Verdict(None, "alternative")  # "准予或不予许可": a procedure, not a decision
    if hit.cue.negation_ok:
        return None
    win = _win(pol, f, hit)
    inside = not f.zh and position in ("ease", "tighten") and pol.negation.search(f.sent, hit.start + 1, hit.end)
    if not pol.negation.search(win) and not inside:  # "the curbs have NOT been lifted": inside the cue
        return None
    if position in pol.negated:  # "has not lifted", "is not planning to ease"
        return Verdict(pol.negated[position], "negated", frozenset({"negated"}))
    return Verdict(None, "negated")


def _hypothetical(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    win = _win(pol, f, hit)
    span = f.sent[hit.start:hit.end]
    if pol.modality.search(win) or (position != "press" and pol.modality.search(span)):
        return Verdict(None, "hypothetical")
    if position in pol.obligation_positions and not hit.cue.norm and (
            pol.obligation.search(win) or pol.obligation.search(_continued_clause(f, hit))):
        return Verdict(None, "recommendation")  # "Seoul must diversify", "韩国必须实施…，推动多元化"
    would = pol.would.search(win)
    if would is None:
        return None
    # "said it would require licences": the reported future of "will"
    if pol.reported.search(f.sent, 0, hit.start - len(win) + would.start()):
        return Verdict(position, "reported future", frozenset({"reported"}))
    return Verdict(None, "hypothetical")


def _continued_clause(f: SentenceFacts, hit: Hit) -> str:
    """The clause before the cue's when the cue's clause has no subject of its own ("韩国必须实施
    三法，推动供应链多元化": the second clause continues the first and shares its modality)."""
    clauses = clause_bounds(f.sent, hit.start)
    cur_s = clauses[-1][0]
    if len(clauses) < 2 or any(cur_s <= s < hit.start for s in f.mention_starts):
        return ""
    prev_s, prev_e = clauses[-2]
    return f.sent[prev_s:prev_e]


def _offer(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """"attempted to negotiate with China": the agent offers talks; the other side is no party."""
    if position == "negotiate" and pol.offer.search(f.sent, clause_start(f.sent, hit.start), hit.start):
        return Verdict(position, "offer", frozenset({"offer"}))
    return None


def _intent(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    if position in pol.allow_intent:
        return None
    win = _win(pol, f, hit)
    rest = f.sent[hit.end:clause_end(f.sent, hit.end)]
    span = f.sent[hit.start:hit.end]
    if pol.intent.search(win + span) or pol.intent.search(rest) or pol.plan_content.search(win):
        return Verdict(None, "intent")  # "its plan TO STOCKPILE": the content of a plan, not an act
    return None


def _generic(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """A bare mention of controls as a worldwide trend ("export controls multiply around the
    world", "a growing number of export restrictions", "各国纷纷出台出口限制") is nobody's stance."""
    if hit.cue.nominal and pol.generic.search(clause_text(f.sent, hit.start, hit.end)):
        return Verdict(None, "generic")
    return None


def _topic_of_talks(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    if hit.cue.nominal and (pol.nominal_topic.search(f.sent[clause_start(f.sent, hit.start):hit.start])
                            or pol.nominal_topic_after.match(f.sent, hit.end)):
        return Verdict(None, "topic of talks")
    return None


def _continued(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """A control said to go on ("still requires licences", "continues to ban", "仍限制出口") is
    kept, not new: maintain; going on strengthening it ("continues to tighten", "继续加强") is
    still tighten."""
    if position != "tighten" or pol.intensify.search(f.sent, hit.start, hit.end):
        return None
    win = _win(pol, f, hit)
    marks = list(pol.continued.finditer(win))
    if marks and not pol.intensify.search(win, marks[-1].end()):  # "continues to TIGHTEN its controls"
        return Verdict("maintain", "continued", frozenset({"continued"}))
    return None


def _threat(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """A warning whose content is a countermeasure ("warned that Washington would respond with
    tariffs", "警告…美国握有许多报复手段") is a threat: the counter cue states it, not press."""
    if hit.cue.warning and any(o.cue.position == "counter" and o.start >= hit.end for o in f.hits):
        return Verdict(None, "threat")
    return None


def _other_topic(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """Talks or a deal named for another topic ("trade talks", "a tariff truce", "talks on air
    routes", "经贸谈判"), or in a sentence about another topic ("agreed to cut tariffs"), when
    the sentence names neither the controls nor a mineral, are about that topic, not the controls."""
    if position != "negotiate" or f.has_control or f.has_mineral:
        return None
    before = f.sent[clause_start(f.sent, hit.start):hit.start]
    if pol.other_topic_before.search(before) or pol.other_topic_after.match(f.sent, hit.end) \
            or pol.other_topic_anywhere.search(f.sent):
        return Verdict(None, "other topic")
    return None


def _talks_ended(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    """Breaking off, suspending or walking out of talks ("broke off talks", "谈判破裂") is no
    negotiating."""
    if position != "negotiate":
        return None
    before = f.sent[clause_start(f.sent, hit.start):hit.start]
    after = f.sent[hit.end:clause_end(f.sent, hit.end)]
    if pol.talks_ended_before.search(before) or pol.talks_ended_after.match(after):
        return Verdict(None, "talks ended")
    return None


def _negation_after(pol: Polarity, f: SentenceFacts, hit: Hit, position: str) -> Verdict | None:
    if position in pol.negation_after_positions and pol.negation_after.search(f.sent, hit.end):
        return Verdict(None, "negated after")
    return None


RULES: dict[str, _Check] = {
    "topic": _topic,
    "context": _context,
    "other_goods": _other_goods,
    "plain": _plain,
    "conditional": _conditional,
    "concessive": _concessive,
    "background": _background,
    "purpose": _purpose,
    "demand": _demand,
    "negation": _negation,
    "hypothetical": _hypothetical,
    "offer": _offer,
    "intent": _intent,
    "topic_of_talks": _topic_of_talks,
    "generic": _generic,
    "negation_after": _negation_after,
    "other_topic": _other_topic,
    "threat": _threat,
    "continued": _continued,
    "talks_ended": _talks_ended,
}
"""The checks by name; ``polarity.yaml``'s ``order`` says in which order they run."""


def judge(pol: Polarity, facts: SentenceFacts, hit: Hit) -> Verdict:
    """Run the checks in order; a check that changes the position lets the rest look at the new one.

    The flags of checks that keep the cue add up.
    """
    position = hit.cue.position
    flags: frozenset[str] = frozenset()
    for name in pol.order:
        verdict = RULES[name](pol, facts, hit, position)
        if verdict is None:
            continue
        if verdict.position is None:
            return verdict
        flags |= verdict.flags
        if verdict.reason == "plain":
            break
        if verdict.position != position:
            position = verdict.position
            if verdict.reason == "negated":
                break  # a negated cue is read as its negation; its hedges were the negation
    return Verdict(position, "", flags)


def build_polarity(raw: Mapping[str, Any]) -> Polarity:
    order = tuple(str(x) for x in raw.get("order") or ())
    unknown = [name for name in order if name not in RULES]
    if unknown:
        raise ConfigError(f"stances/polarity.yaml: unknown checks {unknown}", resource="stances/polarity.yaml")
    return Polarity(
        order=order,
        conditional=union(by_lang(raw.get("conditional"))),
        modality=union(by_lang(raw.get("modality"))),
        would=union(by_lang(raw.get("would"))),
        reported=union(by_lang(raw.get("reported_before_would"))),
        intent=union(by_lang(raw.get("intent"))),
        allow_intent=frozenset(raw.get("allow_intent") or ()),
        plan_content=union(by_lang(raw.get("plan_content"))),
        nominal_topic=union(by_lang(raw.get("nominal_topic"))),
        negation=union(by_lang(raw.get("negation"))),
        negated={str(k): str(v) for k, v in (raw.get("negated") or {}).items()},
        negation_after=union(by_lang(raw.get("negation_after"))),
        negation_after_positions=frozenset(raw.get("negation_after_positions") or ()),
        concessive=union(by_lang(raw.get("concessive"))),
        background=union(by_lang(raw.get("background"))),
        background_after=union(by_lang(raw.get("background_after"))),
        background_before=union(by_lang(raw.get("background_before"))),
        other_goods=union(by_lang(raw.get("other_goods"))),
        other_goods_positions=frozenset((raw.get("other_goods") or {}).get("positions") or ()),
        response=union(by_lang(raw.get("response"))),
        purpose=union(by_lang(raw.get("purpose"))),
        openers=union(by_lang(raw.get("clause_openers"))),
        consequent=union(by_lang(raw.get("consequent"))),
        offer=union(by_lang(raw.get("offer"))),
        alternative=union(by_lang(raw.get("alternative"))),
        demand_positions=frozenset(raw.get("demand_positions") or ()),
        demand_press=bool(raw.get("demand_press")),
        demand_object_before=union(by_lang(raw.get("demand_object_before"))),
        nominal_topic_after=union(by_lang(raw.get("nominal_topic_after"))),
        generic=union(by_lang(raw.get("generic"))),
        other_topic_before=union(by_lang((raw.get("other_topic") or {}).get("before"))),
        other_topic_after=union(by_lang((raw.get("other_topic") or {}).get("after"))),
        other_topic_anywhere=union(by_lang((raw.get("other_topic") or {}).get("anywhere"))),
        talks_ended_before=union(by_lang((raw.get("talks_ended") or {}).get("before"))),
        talks_ended_after=union(by_lang((raw.get("talks_ended") or {}).get("after"))),
        continued=union(by_lang((raw.get("continued") or {}).get("before"))),
        obligation=union(by_lang(raw.get("obligation"))),
        obligation_positions=frozenset((raw.get("obligation") or {}).get("positions") or ()),
        intensify=union(by_lang((raw.get("continued") or {}).get("not_in"))),
    )
