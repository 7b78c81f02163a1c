"""Who takes which position on export controls: ``extract_stances``.

A stance is an (actor, position) pair with the sentence that states it, position one of
``tighten maintain ease press counter negotiate`` (SCHEMA.md "Stances"). The extractor is a
small, explainable rule system in four decisions, each a module with an ordered table of named
rules whose words live in ``data/stances/``:

1. ``cues``: verb families joined to their objects find what a sentence says ("threatened a
   100% tariff" → counter, "agreed to suspend the curbs" → ease, "urged Beijing to lift" →
   press), in English (every inflection) and Chinese; overlapping cues resolve by suppression.
2. ``polarity``: is it said as a fact? Conditions, concessions, negation, hypotheticals,
   intentions and time mentions drop or change a cue.
3. ``actors`` / ``agent``: who is the agent? Places, modifiers and objects of prepositions are
   not; the nearest agent-role mention decides, else a passive agent, a pronoun's antecedent, a
   subject after a fronted clause, or for control positions the default controller. Who may
   hold which position follows SCHEMA's conventions (companies only press; China answering
   with its own controls is tighten; another government's own mineral controls are counter).
4. ``confidence``: a number that means "right this often", from the cue and the weaknesses of
   the reading (headline, hedged report, weak actor).

The model is compiled once (``stance_model``; a watch file's ``vocab: {stance_cues: …}``
extends its tables); a call is a few regex scans per sentence, narrowed by a literal prefilter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from worker.extract.stances.actors import (
    DocumentActors,
    Mention,
    Resolved,
    parties,
    permitted,
    sentence_mentions,
    top_two,
    with_controller,
)
from worker.extract.stances.agent import resolve
from worker.extract.stances.clauses import clause_text
from worker.extract.stances.cues import Hit, find_hits
from worker.extract.stances.model import StanceModel, stance_model
from worker.extract.stances.polarity import SentenceFacts, judge
from worker.extract.text import Sentence, detect_language, split_sentences
from worker.extract.vocab import Match, Vocabulary, load_vocabulary, prepare
from worker.types import Stance

__all__ = ["POSITIONS", "DocumentActors", "StanceModel", "extract_stances", "stance_model"]

POSITIONS: tuple[str, ...] = ("tighten", "maintain", "ease", "press", "counter", "negotiate")

_MINERAL, _CONTROL = 0, 1

Trace = list[tuple[str, str, str, str]]


def extract_stances(text: str, *, language: str | None = None, vocab: Vocabulary | None = None,
                    extra: Mapping[str, Any] | None = None) -> list[Stance]:
    """Actors' positions on export controls stated in ``text``, one per (actor, position).

    The highest-confidence evidence sentence is kept for each pair; pairs come in order of
    first mention. ``language`` only decides how wide a hedge window is (words vs characters);
    English and Chinese cues are both searched, so mixed-language passages work. ``extra`` is a
    watch file's ``vocab:`` section (its ``stance_cues`` extend the tables).
    """
    return extract_with_trace(text, language=language, vocab=vocab, model=stance_model(extra), trace=None)


def _whole_line(text: str, start: int, end: int) -> bool:
    return (start == 0 or text[start - 1] in "\r\n") and (end >= len(text) or text[end] in "\r\n")


@dataclass
class _Reading:
    """What one document's sentences said so far: the best evidence per pair, and where."""

    best: dict[tuple[str, str], Stance] = field(default_factory=dict)
    seen_in: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    # control stances whose holder the text leaves implicit: (position, value, sentence, n),
    # given to the document's controller once every sentence is read
    implicit: list[tuple[str, float, str, int]] = field(default_factory=list)

    def add(self, actor: str, position: str, value: float, sentence: str, n: int) -> None:
        key = (actor, position)
        self.seen_in.setdefault(key, set()).add(n)
        if key not in self.best or value > self.best[key].confidence:
            self.best[key] = Stance(actor=actor, position=position, confidence=value, sentence=sentence)


def _negotiation(model: StanceModel, sent: str, hit: Hit, actors: list[str], found: list[Mention],
                 mentions: list[Mention], flags: set[str], clause_mineral: bool) -> str | None:
    """The position talks or a deal state, by who takes part (SCHEMA: talks about the controls).

    With the controller involved (or named as the other side in the clause): negotiate, but
    talks with no topic word in the sentence only between two governments. Without it: a supply
    deal in a clause naming a mineral (and not exports or controls) is an answer (counter);
    other governments' talks count when their clause names the controls, or when two of them
    are parties in a sentence naming the controls and a mineral ("exports of magnets jumped on
    the agreements struck with Washington and Brussels"); anything else (firms' talks with
    customers) is none.
    """
    roles = model.roles
    involved = set(actors) | {a for m in found for a in m.actors}
    if involved & roles.controllers or with_controller(sent, hit, mentions, roles):
        if "off topic" in flags and len(involved & roles.governments) < 2:
            return None
        return "negotiate"
    clause = clause_text(sent, hit.start, hit.end)
    if clause_mineral and hit.cue.supply_deal and not roles.deal_on_controls.search(clause):
        flags.add("remapped")
        return "counter"
    if involved & roles.governments and (model.topic_control.search(clause)
                                         or (len(involved & roles.governments) >= 2 and hit.cue.parties
                                             and model.topic_mineral.search(sent)
                                             and model.topic_control.search(sent))):
        return "negotiate"
    return None


@dataclass(frozen=True)
class _Here:
    """The sentence a cue is read in, and what the document told us before it."""

    text: str
    n: int
    sent: str
    mentions: list[Mention]
    facts: SentenceFacts
    context: frozenset[str]
    prev_actor: str | None
    controller_present: bool


def _read_hit(model: StanceModel, here: _Here, hit: Hit, reading: _Reading, trace: Trace | None) -> None:
    """One cue: its polarity, its agent(s), who may hold it, its confidence; into ``reading``."""
    roles, conf, sent = model.roles, model.confidence, here.sent
    verdict = judge(model.polarity, here.facts, hit)
    cue_text = sent[hit.start:hit.end]
    if verdict.position is None:
        if trace is not None:
            trace.append((hit.cue.position, cue_text, f"{verdict.reason} [{hit.cue.name}]", here.text))
        return
    position = verdict.position
    # another government's control positions need a mineral in the cue's own clause
    clause_mineral = bool(model.topic_mineral.search(clause_text(sent, hit.start, hit.end)))
    resolved = resolve(sent, hit, here.mentions, here.prev_actor, roles, position, clause_mineral)
    found = parties(sent, hit, here.mentions, roles) if position == "negotiate" else []
    if not resolved and found:  # "talks between Trump and Xi"
        resolved = [Resolved(tuple(a for m in found for a in m.actors), "party")]
    if not resolved and trace is not None:
        trace.append((position, cue_text, "no actor", here.text))
    for res in resolved:
        if res.source == "default":
            if res.actors and permitted(res.actors[0], position, clause_mineral, roles) is not None:
                value = conf.score(hit.cue.weight, res.source, set(verdict.flags) | here.context)
                reading.implicit.append((position, value, here.text, here.n))
                if trace is not None:
                    why = f"(controller)->{position} via default ({value}) [{hit.cue.name}]"
                    trace.append((position, cue_text, why, here.text))
            continue
        subjects = list(res.actors)
        actors = list(subjects)
        if hit.cue.parties and "offer" not in verdict.flags and (
                res.source == "party" or set(actors) & roles.governments):
            # a firm's talks with officials are lobbying (press), not the officials' talks
            actors += [a for m in found for a in m.actors]
        if hit.cue.pair and (len(set(actors)) < 2 or res.source == "implicit"):
            continue  # "China agreed to pause its curbs" is no agreement between two named actors
        flags = set(verdict.flags) | here.context
        stated = position
        if position == "negotiate":
            by_parties = _negotiation(model, sent, hit, actors, found, here.mentions, flags, clause_mineral)
            if by_parties is None:
                if trace is not None:
                    why = f"{actors}: no talks about the controls [{hit.cue.name}]"
                    trace.append((position, cue_text, why, here.text))
                continue
            stated = by_parties
            if stated == "counter" and res.source != "party":
                actors = subjects  # "Trump signed a supply deal with Australia": the partner answers nothing
        value = conf.score(hit.cue.weight, res.source, flags)
        for actor in dict.fromkeys(actors):
            final = permitted(actor, stated, clause_mineral, roles)
            if hit.cue.nominal and actor not in roles.controllers:
                final = None
            if trace is not None:
                why = f"{actor}->{final} via {res.source} ({value}) [{hit.cue.name}]"
                trace.append((position, cue_text, why, here.text))
            if final is not None:
                reading.add(actor, final, value, here.text, here.n)


def _document_controller(reading: _Reading, controllers: frozenset[str], fallback: str | None) -> str | None:
    """Who holds the control stances a text leaves implicit ("Export licences are now required"):
    the controller the text names most often as holding control positions ("Congo extended
    its ban …"), else ``fallback`` (the default controller, when the text names it)."""
    held: dict[str, int] = {}
    for (actor, position), sentences in reading.seen_in.items():
        if actor in controllers and position in ("tighten", "maintain", "ease"):
            held[actor] = held.get(actor, 0) + len(sentences)
    if held:
        return max(held, key=lambda a: (held[a], a == fallback))
    return fallback


_REFER_BACK = 6  # sentences a definite supply noun ("the facility") may refer back over
# A capitalised run repeated from an earlier sentence ("Vulcan Elements", "Office Of …"). Not
# ``worker.extract.names.NameFinder``: that one asks whether a run is *used* as a name here (a verb
# or a possessive after it); this one only asks whether the same words come back, in any role.
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")


def _refers_to_mineral(model: StanceModel, vocab: Vocabulary, prepared: str, sentences: Sequence[Sentence], n: int,
                       sent: str) -> bool:
    """A sentence that names no mineral may still speak of one named just before: through a definite
    supply noun ("Backed by EU funding, the facility …" after sentences on a magnet plant, up to six
    back), a pronoun or definite subject going on with the sentence before ("It includes billions for
    stockpiling"), or the organisation a sentence with a mineral named up to two sentences before
    ("Vulcan Elements will build a magnet plant. To finance Vulcan Elements' growth, …")."""
    if n == 0:
        return False

    def mineral_in(lo: int) -> list[Sentence]:
        return [s for s in sentences[max(0, lo):n] if model.topic_mineral.search(prepared, s.start, s.end)]

    if model.topic_referring.search(sent) and mineral_in(n - _REFER_BACK):
        return True
    if model.topic_continuing.search(sent) and mineral_in(n - 1):
        return True
    # organisations only: a state named again ("the United States … chips") is no continuation
    names = [m.group(0) for m in _NAME.finditer(sentences[n].text) if not vocab.find_actors(m.group(0))]
    return bool(names) and any(name in s.text for s in mineral_in(n - 2) for name in names)


def extract_with_trace(text: str, *, language: str | None, vocab: Vocabulary | None, model: StanceModel,
                       trace: Trace | None) -> list[Stance]:
    """``extract_stances`` with an optional ``trace`` of (position, cue text, outcome, sentence)."""
    if not text or not text.strip():
        return []
    vocab = vocab or load_vocabulary()
    roles, conf = model.roles, model.confidence
    zh = (language or detect_language(text)).startswith("zh")
    prepared = prepare(text)
    doc_actors = DocumentActors(vocab, prepared)
    scope = model.cues.prefilter.scope(prepared)  # which cues this document can match at all
    sentence_scope = model.sentence_filter.scope(prepared)
    pairs = range(model.first_pair, model.first_pair + len(roles.pairs))
    both_index = model.first_pair + len(roles.pairs)
    both: tuple[str, ...] | None = None  # who "both sides" are: read when a sentence says it
    controller_present = any(m.key == roles.default_controller for m in doc_actors.actors)

    reading = _Reading()
    prev_actor: str | None = None
    pending: tuple[str, list[Match]] | None = None  # the last sentence naming actors, not yet read
    sentences = split_sentences(text)
    starts = [s.start for s in sentences]
    for n, sentence in enumerate(sentences):
        sent = prepared[sentence.start:sentence.end]
        matches = doc_actors.in_sentence(sentence.start, sentence.end, sent)
        hits = find_hits(sent, model.cues, scope.candidates(sentence.start, sentence.end))
        if not hits:
            if matches:
                pending = (sent, matches)  # its first named actor is what "he" may refer to
            continue
        if pending is not None:
            named = [m for m in sentence_mentions(pending[0], pending[1], roles, (), frozenset(), model.first_pair)
                     if not m.implicit and len(m.actors) == 1]
            prev_actor = named[0].actors[0] if named else prev_actor
            pending = None
        live = frozenset(sentence_scope.candidates(sentence.start, sentence.end))
        if both is None and both_index in live:
            live_pairs = [i - model.first_pair for i, _ in sentence_scope.live if i in pairs]
            both = top_two(prepared, doc_actors.actors, roles, live_pairs)
        base = sentence.start

        def refer(kind: str, start: int, end: int, base: int = base) -> str | None:
            return doc_actors.antecedent(kind, base + start, base + end, roles, starts)

        mentions = sentence_mentions(sent, matches, roles, both or (), live, model.first_pair, refer)
        facts = SentenceFacts(
            sent=sent, zh=zh, mention_starts=[m.start for m in mentions], hits=hits,
            has_mineral=(_MINERAL in live and bool(model.topic_mineral.search(sent)))
            or _refers_to_mineral(model, vocab, prepared, sentences, n, sent),
            has_control=_CONTROL in live and bool(model.topic_control.search(sent)),
            mineral=model.topic_mineral,
        )
        context = frozenset(
            ({"headline"} if conf.headline(sentence.text, _whole_line(text, sentence.start, sentence.end)) else set())
            | ({"hedged"} if conf.hedged.search(sent) else set()))
        here = _Here(sentence.text, n, sent, mentions, facts, context, prev_actor, controller_present)
        for hit in hits:
            _read_hit(model, here, hit, reading, trace)
        named = [m for m in mentions if not m.implicit and len(m.actors) == 1]
        if named:
            prev_actor = named[0].actors[0]
    controller = _document_controller(reading, roles.controllers,
                                      roles.default_controller if controller_present else None)
    if controller is not None:
        for position, value, sentence_text, n in reading.implicit:
            reading.add(controller, position, value, sentence_text, n)
    return [Stance(actor=s.actor, position=s.position,
                   confidence=conf.corroborated(s.confidence, len(reading.seen_in[k])), sentence=s.sentence)
            for k, s in reading.best.items()]
