"""Actor mentions and their roles; who may hold which position; the parties of talks.

A mention is a vocabulary actor ("Beijing", "MOFCOM", "中方"), a two-actor name ("中美",
"Trump-Xi"), "both sides", or an implicit actor ("the ministry" → china). Its role decides
whether it can be an agent (``data/stances/roles.yaml``):

- a place ("in Geneva", "在日内瓦", "customers in Japan", and names listed with it) is never
  an agent or a party, nor is an alias carrying an object marker ("对美"), nor a name inside
  title marks ("《韩国先驱报》");
- a modifier of a company or a thing ("Japanese carmakers", "American farmers", "中国的稀土
  垄断") is not the agent: the companies are, or nobody;
- two names of one actor around a title are one mention ("U.S. President Donald Trump").

Objects of prepositions, addressees and clause subjects are decided per cue in ``agent``.
``permitted`` applies SCHEMA's conventions (firms only press; China answering with its own
controls is tighten; another government's own mineral controls are counter); ``parties``
finds the other side of talks ("talks with Beijing", "与中方举行会谈").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from worker.common.cjk import is_han
from worker.extract.stances.clauses import clause_end, clause_start
from worker.extract.stances.cues import Hit
from worker.extract.stances.polarity_words import by_lang, union
from worker.extract.vocab import Match, Vocabulary, prepare

__all__ = ["DocumentActors", "Mention", "Resolved", "Roles", "build_roles", "coordinated", "parties", "permitted",
           "sentence_mentions", "top_two", "with_controller"]

_WORD = re.compile(r"[\w'’.-]+")


@dataclass(frozen=True)
class Mention:
    actors: tuple[str, ...]
    start: int
    end: int
    implicit: bool = False


@dataclass(frozen=True)
class Resolved:
    actors: tuple[str, ...]
    source: str  # inner | passive | before | pronoun | after | implicit | default | licensor | party


@dataclass(frozen=True)
class Roles:
    object_en: re.Pattern[str]
    object_en_list: re.Pattern[str]
    object_zh: re.Pattern[str]
    control_object: re.Pattern[str]
    locative: re.Pattern[str]
    party_before: re.Pattern[str]
    cue_ends_with: re.Pattern[str]
    with_before: re.Pattern[str]
    conjunction: re.Pattern[str]
    by_after: re.Pattern[str]
    participle_after: re.Pattern[str]
    predicate_after: re.Pattern[str]
    relative: re.Pattern[str]
    subordinate: re.Pattern[str]
    speaker_zh: re.Pattern[str]
    condition_zh: re.Pattern[str]
    deal_on_controls: re.Pattern[str]
    funder_before: re.Pattern[str]
    reporter_after: re.Pattern[str]
    answered: re.Pattern[str]
    own_subject: re.Pattern[str]
    possessive: re.Pattern[str]
    heads_en: frozenset[str]
    heads_zh: re.Pattern[str]
    possessed_en: frozenset[str]
    possessed_zh: re.Pattern[str]
    agent_heads_en: frozenset[str]
    agent_heads_zh: re.Pattern[str]
    ignore_aliases: frozenset[str]
    object_alias: re.Pattern[str]
    title_gap: re.Pattern[str]
    party_marker_zh: re.Pattern[str]
    temporal_frame: re.Pattern[str]
    frame_zh: re.Pattern[str]
    object_after_verb: re.Pattern[str]
    addressee: re.Pattern[str]
    deal_with: re.Pattern[str]
    pairs: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]
    both_sides: re.Pattern[str]
    pronoun: re.Pattern[str]
    implicit: tuple[tuple[str, re.Pattern[str]], ...]
    anaphora: tuple[tuple[str, re.Pattern[str]], ...]
    controllers: frozenset[str]
    default_controller: str
    governments: frozenset[str]
    never: frozenset[str]
    controller_excluded: frozenset[str]


def _one(raw: Mapping[str, Any], key: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    entry = raw.get(key)
    parts = by_lang(entry)
    return re.compile("|".join(f"(?:{prepare(p)})" for p in parts) or r"(?!x)x", flags)


def build_roles(raw: Mapping[str, Any], shared: Mapping[str, Any]) -> Roles:
    """``roles.yaml`` plus the pronouns and implicit actors shared with claims (``stance_cues.yaml``)."""
    heads = raw.get("non_agent_heads") or {}
    agent_heads = raw.get("agent_heads") or {}
    possessed = raw.get("possessed_heads") or {}
    return Roles(
        object_en=re.compile(str((raw.get("object_before") or {}).get("en") or r"(?!x)x"), re.IGNORECASE),
        object_en_list=re.compile(str((raw.get("object_before") or {}).get("en_list") or r"(?!x)x"), re.IGNORECASE),
        object_zh=re.compile(prepare(str((raw.get("object_before") or {}).get("zh") or r"(?!x)x"))),
        control_object=_one(raw, "control_object_before"),
        locative=_one(raw, "locative_before"),
        party_before=_one(raw, "party_before"),
        cue_ends_with=_one(raw, "cue_ends_with"),
        with_before=_one(raw, "with_before"),
        conjunction=_one(raw, "conjunction"),
        by_after=_one(raw, "by_after"),
        participle_after=_one(raw, "participle_after", 0),
        predicate_after=_one(raw, "predicate_after", 0),
        relative=_one(raw, "relative"),
        subordinate=_one(raw, "subordinate"),
        speaker_zh=_one(raw, "speaker_zh"),
        condition_zh=_one(raw, "condition_zh"),
        deal_on_controls=_one(raw, "deal_on_controls"),
        funder_before=_one(raw, "funder_before"),
        reporter_after=_one(raw, "reporter_after"),
        answered=_one(raw, "answered_before"),
        own_subject=re.compile(str(raw.get("own_subject_en") or r"(?!x)x")),
        possessive=_one(raw, "possessive"),
        heads_en=frozenset(str(h).lower() for h in heads.get("en") or ()),
        heads_zh=union(sorted((str(h) for h in heads.get("zh") or ()), key=len, reverse=True)),
        possessed_en=frozenset(str(h).lower() for h in possessed.get("en") or ()),
        possessed_zh=union(sorted((str(h) for h in possessed.get("zh") or ()), key=len, reverse=True)),
        agent_heads_en=frozenset(str(h).lower() for h in agent_heads.get("en") or ()),
        agent_heads_zh=union(sorted((str(h) for h in agent_heads.get("zh") or ()), key=len, reverse=True)),
        ignore_aliases=frozenset(prepare(str(a)).lower() for a in raw.get("ignore_aliases") or ()),
        object_alias=_one(raw, "object_alias"),
        party_marker_zh=re.compile(prepare(str(raw.get("party_marker_zh") or r"(?!x)x"))),
        title_gap=re.compile("|".join(f"(?:{p})" for p in by_lang(raw.get("title_gap"))) or r"(?!x)x"),
        temporal_frame=_one(raw, "temporal_frame"),
        frame_zh=_one(raw, "frame_zh"),
        object_after_verb=re.compile(str(raw.get("object_after_verb") or r"(?!x)x")),
        addressee=re.compile(str(raw.get("addressee") or r"(?!x)x")),
        deal_with=re.compile(str(raw.get("deal_with") or r"(?!x)x")),
        pairs=tuple((tuple(str(a) for a in p["actors"]), union(by_lang(p))) for p in raw.get("pairs") or ()),
        both_sides=union(by_lang(raw.get("both_sides"))),
        pronoun=union(by_lang(shared.get("pronouns"))),
        implicit=tuple((str(actor), union(by_lang(pats)))
                       for actor, pats in (shared.get("implicit_actors") or {}).items()),
        anaphora=tuple((str(kind), union(by_lang(pats))) for kind, pats in (raw.get("anaphora") or {}).items()),
        controllers=frozenset(raw.get("controllers") or ()),
        default_controller=str(raw.get("default_controller") or "china"),
        governments=frozenset(raw.get("governments") or ()),
        never=frozenset(raw.get("never") or ()),
        controller_excluded=frozenset(raw.get("controller_excluded") or ()),
    )


class DocumentActors:
    """The vocabulary's actor matches of a whole prepared document, handed out per sentence.

    Scanning the document once and slicing gives, for each sentence, what
    ``vocab.find_actors(sentence, prepared=True)`` gives; a sentence that a document match
    crosses (a name over a line break) is scanned on its own, so the result is the same.
    """

    def __init__(self, vocab: Vocabulary, prepared: str) -> None:
        self.vocab = vocab
        self.actors = vocab.find_actors(prepared, prepared=True)
        self.matches = vocab.actor_matcher.find(prepared, prepared=True)  # also names ignored as actors
        self.ignored = {m.key for m in self.matches} - {m.key for m in self.actors}
        self.ends = [m.end for m in self.matches]

    def antecedent(self, kind: str, start: int, end: int, roles: Roles, sentences: Sequence[int]) -> str | None:
        """What a definite description ("the country", "the chamber", "该商会") at the document's
        ``[start, end)`` refers to: the first actor of its kind (the subject, as a rule) of the
        nearest earlier sentence naming one (``sentences``: the documents' sentence starts); an
        organisation may also be named only after it (a lede that identifies "the business lobby"
        later). Names earlier in its own sentence are left out ("accused the UK of meddling in
        the country's affairs": the country is not the UK)."""
        def fits(m: Match) -> bool:
            if m.weak or m.key in roles.never or m.key in self.ignored:
                return False
            return (m.key in roles.governments) == (kind == "government")
        own = sentences[bisect_right(sentences, start) - 1] if sentences else 0
        before = [m for m in self.actors if m.end <= own and fits(m)]
        if before:
            first = sentences[bisect_right(sentences, before[-1].start) - 1]
            return next(m.key for m in before if m.start >= first)
        if kind == "government":
            return None
        return next((m.key for m in self.actors if m.start >= end and fits(m)), None)

    def in_sentence(self, start: int, end: int, sent: str) -> list[Match]:
        """The actor matches of ``sent`` = the document's ``[start, end)``, offsets into ``sent``."""
        out: list[Match] = []
        for m in self.matches[bisect_right(self.ends, start):]:  # the first match ending after start
            if m.start >= end:
                break
            if m.start < start or m.end > end:
                return self.vocab.find_actors(sent, prepared=True)
            if m.key not in self.ignored:
                out.append(Match(m.key, m.start - start, m.end - start, m.alias, m.weak))
        return out


# ----------------------------------------------------------------------------- roles


def _is_place(sent: str, start: int, end: int, roles: Roles) -> bool:
    """"in Geneva", "在日内瓦", but not the subject of a time frame ("在我国限制出口之后")."""
    marker = roles.locative.search(sent, max(0, start - 16), start)
    if marker is None:
        return False
    return not (marker.group().endswith("在") and roles.temporal_frame.match(sent, end))


def _in_title(sent: str, start: int, end: int) -> bool:
    """Inside Chinese title marks (《韩国先驱报》, 〈…〉): the name of a publication or a law."""
    for left, right in (("《", "》"), ("〈", "〉")):
        opened = sent.rfind(left, 0, start)
        if opened >= 0 and sent.rfind(right, 0, start) < opened and sent.find(right, end) >= 0:
            return True
    return False


def _modifies_non_agent(sent: str, end: int, roles: Roles) -> bool:
    """"Japanese carmakers", "China's dominance", "日本企业", "中国的稀土垄断": a modifier of a
    company or a thing, unless an agent head follows ("South Korea's industry ministry")."""
    rest = sent[end:end + 40]
    if is_han(rest[:1]):
        if rest.startswith("的"):
            near = rest[1:8]
            hit = roles.heads_zh.search(near) or roles.possessed_zh.search(near)
        else:
            near = rest[:6]
            hit = roles.heads_zh.match(near)
        return bool(hit) and not roles.agent_heads_zh.search(near)
    possessed = roles.possessive.match(rest)
    words = [w.lower().strip(".") for w in _WORD.findall(rest[possessed.end() if possessed else 0:])[:3]]
    if not words or words[0] in ("and", "or"):
        return False
    heads = words[:3 if possessed else 2]
    if any(w in roles.agent_heads_en for w in heads):
        return False
    return any(w in roles.heads_en or (possessed and w in roles.possessed_en) for w in heads)


def sentence_mentions(sent: str, actor_matches: Sequence[Match], roles: Roles, both: tuple[str, ...],
                      live: frozenset[int], first_pair: int,
                      refer: Callable[[str, int, int], str | None] | None = None) -> list[Mention]:
    """Agent-capable mentions of ``sent``: named actors, two-actor names, "both sides", implicit actors.

    Places and modifiers of companies or things are left out. ``live`` holds the indices of
    the sentence filter's regexes that can match (pairs from ``first_pair``, then "both
    sides", then the implicit actors, then the definite descriptions); the others are not
    run. ``refer(kind, start, end)`` names what a definite description refers to.
    """
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    place_end = -1

    def agentive(s: int, e: int) -> bool:
        """Not a place (nor a name listed with a place: "in Australia, Canada and the U.S."),
        not a modifier of a company or a thing."""
        nonlocal place_end
        if _in_title(sent, s, e):
            return False  # "据《韩国先驱报》分析": a name inside a title is no actor
        if _is_place(sent, s, e, roles) or (place_end >= 0 and roles.conjunction.match(sent[place_end:s])
                                         and sent[place_end:s].strip()):
            place_end = e
            return False
        place_end = -1
        return not _modifies_non_agent(sent, e, roles)

    for k, (actors, regex) in enumerate(roles.pairs):
        if first_pair + k in live:
            for m in regex.finditer(sent):
                taken.append((m.start(), m.end()))
                if agentive(m.start(), m.end()):
                    found.append(Mention(actors, m.start(), m.end()))
    last_company_end = -2
    for match in actor_matches:
        if match.key not in roles.governments:
            last_company_end = match.end
        elif match.start - last_company_end in (0, 1):
            continue  # "特斯拉中国", "Tesla China": a company's arm, not the country
        if match.weak or match.key in roles.never or not free(match.start, match.end):
            continue
        if match.alias.lower() in roles.ignore_aliases or roles.object_alias.match(match.alias):
            continue  # too loose for a stance, or an object by its own marker ("对美")
        taken.append((match.start, match.end))
        if agentive(match.start, match.end):
            found.append(Mention((match.key,), match.start, match.end))
    both_idx = first_pair + len(roles.pairs)
    if len(both) == 2 and both_idx in live:
        for m in roles.both_sides.finditer(sent):
            if free(m.start(), m.end()):
                found.append(Mention(both, m.start(), m.end(), implicit=True))
                taken.append((m.start(), m.end()))
    for k, (actor, regex) in enumerate(roles.implicit):
        if both_idx + 1 + k not in live:
            continue
        for m in regex.finditer(sent):
            if free(m.start(), m.end()):
                found.append(Mention((actor,), m.start(), m.end(), implicit=True))
                taken.append((m.start(), m.end()))
    if refer is not None:
        first_anaphor = both_idx + 1 + len(roles.implicit)
        for k, (kind, regex) in enumerate(roles.anaphora):
            if first_anaphor + k not in live:
                continue
            for m in regex.finditer(sent):
                key = refer(kind, m.start(), m.end()) if free(m.start(), m.end()) else None
                if key is not None:
                    found.append(Mention((key,), m.start(), m.end(), implicit=True))
                    taken.append((m.start(), m.end()))
    found.sort(key=lambda x: x.start)
    return _merge_titles(sent, found, roles)


def _merge_titles(sent: str, mentions: list[Mention], roles: Roles) -> list[Mention]:
    """"U.S. President Donald Trump": two names of one actor around a title are one mention."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None and prev.actors == m.actors and not prev.implicit and not m.implicit and \
                roles.title_gap.match(sent[prev.end:m.start]):
            out[-1] = Mention(m.actors, prev.start, m.end)
        else:
            out.append(m)
    return out


def top_two(prepared: str, matches: Iterable[Match], roles: Roles, live_pairs: Iterable[int] = ()) -> tuple[str, ...]:
    """The two governments a document names most, places left out and two-actor names
    ("中美", "US-China") counted for both: who "both sides" are. ``live_pairs``: the indices
    of the pairs the document can contain (the others are not searched)."""
    counts: Counter[str] = Counter()
    for m in matches:
        if m.key in roles.governments and not m.weak and not _is_place(prepared, m.start, m.end, roles):
            counts[m.key] += 1
    for k in live_pairs:
        actors, regex = roles.pairs[k]
        n = sum(1 for _ in regex.finditer(prepared))
        for a in actors:
            counts[a] += n
    return tuple(a for a, _ in counts.most_common(2))


def permitted(actor: str, position: str, clause_mineral: bool, roles: Roles) -> str | None:
    """The position ``actor`` can hold here (possibly remapped), or None (SCHEMA conventions)."""
    if actor in roles.never:
        return None
    if actor not in roles.governments:
        return "press" if position in ("press", "negotiate") else None
    if actor in roles.controllers:
        return None if position in roles.controller_excluded else position
    if position in ("tighten", "maintain", "ease"):
        if not clause_mineral:
            return None  # another government's chip rules are no stance on minerals
        return "counter" if position == "tighten" else position
    return position


def coordinated(mentions: Sequence[Mention], idx: int, sent: str, roles: Roles) -> list[Mention]:
    """The mention at ``idx`` plus those joined to it by "and", "、", "与" to its left."""
    group = [mentions[idx]]
    j = idx
    while j > 0:
        gap = sent[mentions[j - 1].end:mentions[j].start]
        if not roles.conjunction.match(gap) or not gap.strip(" ,").strip():
            break  # bare adjacency is a modifier ("U.S. Defense Department"), not a list
        j -= 1
        group.append(mentions[j])
    return group


def parties(sent: str, hit: Hit, mentions: Sequence[Mention], roles: Roles) -> list[Mention]:
    """Actors joined to a deal or talks cue by "with" / "between" / "与" (and their conjuncts);
    in Chinese the other side comes before the verb too ("与中方举行会谈")."""
    end = clause_end(sent, hit.end)
    start = clause_start(sent, hit.start)
    before = [m for m in mentions if start <= m.start and m.end <= hit.start
              and roles.party_marker_zh.search(sent, max(0, m.start - 2), m.start)]
    out: list[Mention] = []
    last = hit.end
    for m in mentions:
        if not hit.end <= m.start < end or m.start - hit.end > 80:
            continue
        gap = sent[last:m.start]
        cue_ends_with = not out and roles.cue_ends_with.search(sent, hit.start, hit.end) and len(gap.split()) <= 3
        if roles.party_before.search(gap) or (out and not gap.strip()) or cue_ends_with:
            out.append(m)
            last = m.end
    return before + out


def with_controller(sent: str, hit: Hit, mentions: Sequence[Mention], roles: Roles) -> bool:
    """A controller named as the other side of talks in the cue's clause ("talks with Beijing",
    "与中方…磋商"), not in another clause ("… so that it can compete with China")."""
    start, end = clause_start(sent, hit.start), clause_end(sent, hit.end)
    return any(set(m.actors) & roles.controllers and start <= m.start < end
               and roles.with_before.search(sent[max(0, m.start - 12):m.start]) for m in mentions)
