"""Who takes which position on export controls: ``extract_stances``.

A stance is an (actor, position) pair with the sentence that states it, position one of
``tighten maintain ease press counter negotiate`` (SCHEMA.md "Stances"). The extractor is a
small, explainable rule system, because the conventions are legalistic ("promising licences
for compliant applications is maintain, granting them is ease") and the labelled data is tiny:

1. Cue phrases per position (``data/stance_cues.yaml``) are searched in each sentence of the
   prepared text (full-width folded, Traditional folded to Simplified, offsets unchanged).
2. Overlapping cues resolve by the position's ``suppress`` list: "urged China to *ease*" is
   press, "*suspended* its export controls" is ease, not tighten.
3. A cue inside a conditional clause, after a hedge ("may", "hopes", "可能") or after a
   negation is dropped; a negated ease ("has not lifted", "refused to ease") becomes
   maintain. Plans and considerations count only for tighten ("China is weighing curbs").
4. The actor is found the way a reader would: the passive agent ("imposed by Beijing"), else
   the nearest actor before the cue that is not the object of a preposition ("talks *with*
   China", "对中国商品") — coordinated subjects ("MEMA and the Alliance") all count — else the
   previous sentence's actor for a pronoun ("he warned"), else the first actor after the cue
   (", MOFCOM said"), else, for control positions only, the document's controlling actor.
   Implicit actors ("the ministry", "发言人" → china) count as mentions. In Chinese a clause
   without a subject belongs to the sentence's speaker ("日本经济产业省表示，将扩大储备").
   Deals and talks also take the parties named after "with" / "between" / "与".
5. Actor/position permissions from the data file: China taking "counter" is really tighten and
   is dropped; companies only press; other governments ease/tighten only where a mineral is
   named (the US relaxing chip rules is not a stance here).

Everything is compiled once (``_model``); a call is a few regex scans per sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from worker.extract.resources import read_data
from worker.extract.text import Prefilter, detect_language, split_sentences
from worker.extract.vocab import Match, Vocabulary, load_vocabulary, prepare
from worker.types import Stance

__all__ = ["POSITIONS", "extract_stances"]

POSITIONS: tuple[str, ...] = ("tighten", "maintain", "ease", "press", "counter", "negotiate")

_MACRO = re.compile(r"\{([A-Z0-9_]+)\}")
_CLAUSE_BREAK = re.compile(r"[,;:，；：!?！？]|\s[-–—]\s|—")
_CONJ = re.compile(
    r"^[\s,]*(?:and|&|or|as well as|along with|plus|与|和|及|以及|同|跟|、|/)?[\s,]*(?:the\s+)?$", re.I)
_CUE_WITH = re.compile(r"(?:\bwith|\bbetween|与|和|同)\s*$", re.I)
_PARTICIPLE = re.compile(r"\s*(?:and\s+)?[a-z]+ing\b")
_ZH_PREP_BEFORE = re.compile(
    r"(?:(?<!参)与|(?<![缓温])和|(?<![共协不如认赞])同|跟|(?<![方面转导倾])向|(?<![应面针反绝相核])对|就)$")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_ANY_PREP_BEFORE = re.compile(
    r"(?:\b(?:to|for|with|against|at|between|among|in|from|on|of|over|by|into|than)\s+(?:the\s+|its\s+)?"
    r"(?:[\w'.-]+\s+){0,2}"
    r"|(?<!参)与|(?<![缓温])和|跟|(?<![方面转导倾])向|(?<![应面针反绝相核])对|从|自|给|为)$", re.I)
_ZH_SPEAKER = re.compile(r"^[^,;:，；：。]{1,40}?(?:表示|指出|称|说|强调|宣布|警告|透露|认为)[,，:：]")
_PREDICATE = re.compile(
    r"\s*(?:has|have|had|was|were|is|are|also|then|later|urged|said|called|warned|asked|[a-z]+ed)\b")
_RELATIVE = re.compile(r"[,，]\s*(?:which|who|whose|that|a|an|the|its|their)\b[^,，]*$", re.I)


def _in_relative(sent: str, pos: int, clause_start: int) -> bool:
    """Is ``pos`` inside an appositive / relative clause that ends right before ``clause_start``?"""
    return bool(_RELATIVE.search(sent, 0, max(0, clause_start - 1))) and (
        sent.rfind(",", 0, max(0, clause_start - 1)) < pos)


_BY_AFTER = re.compile(r"^\s*(?:by|from)\s+(?:the\s+)?", re.I)


# ----------------------------------------------------------------------------- model


@dataclass(frozen=True)
class _Cue:
    position: str
    regex: re.Pattern[str]
    weight: float
    negation_ok: bool
    passive_by: bool
    parties: bool
    inner: bool
    plain: bool
    nominal: bool
    need: str | None


@dataclass(frozen=True)
class _Model:
    cues: tuple[_Cue, ...]
    suppress: Mapping[str, frozenset[str]]
    allow_intent: frozenset[str]
    blockers: Mapping[str, re.Pattern[str]]
    negated: Mapping[str, str]
    conditional: re.Pattern[str]
    modality: re.Pattern[str]
    intent: re.Pattern[str]
    negation: re.Pattern[str]
    negation_after: re.Pattern[str]
    negation_after_positions: frozenset[str]
    off_topic: re.Pattern[str]
    off_topic_positions: frozenset[str]
    ignore_aliases: frozenset[str]
    pronoun: re.Pattern[str]
    nominal_topic: re.Pattern[str]
    implicit: tuple[tuple[str, re.Pattern[str]], ...]
    pairs: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]
    both_sides: re.Pattern[str]
    controllers: frozenset[str]
    governments: frozenset[str]
    never: frozenset[str]
    controller_excluded: frozenset[str]
    topic: Mapping[str, re.Pattern[str]]
    cue_filter: Prefilter
    # the per-sentence regexes other than cues, in this order: topic mineral, topic control,
    # both_sides, pairs…, implicit…
    sentence_filter: Prefilter


def _expand(pattern: str, macros: Mapping[str, str]) -> str:
    for _ in range(3):  # macros may use macros
        pattern = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)
    return pattern


def _union(patterns: Iterable[str], macros: Mapping[str, str]) -> re.Pattern[str]:
    """One case-insensitive alternation; Chinese patterns are folded to Simplified first."""
    parts = [f"(?:{prepare(_expand(str(p), macros))})" for p in patterns]
    return re.compile("|".join(parts) if parts else r"(?!x)x", re.IGNORECASE)


def _by_lang(entry: Any) -> list[str]:
    if isinstance(entry, Mapping):
        return [str(p) for lang in ("en", "zh") for p in (entry.get(lang) or [])]
    return [str(p) for p in (entry or [])]


@lru_cache(maxsize=1)
def _model() -> _Model:
    raw = read_data("stance_cues.yaml")
    macros = {str(k): str(v) for k, v in raw["macros"].items()}
    cues: list[_Cue] = []
    suppress: dict[str, frozenset[str]] = {}
    negated: dict[str, str] = {}
    allow_intent: set[str] = set()
    blockers: dict[str, re.Pattern[str]] = {}
    for position, spec in raw["positions"].items():
        suppress[position] = frozenset(spec.get("suppress") or [])
        if spec.get("negated"):
            negated[position] = str(spec["negated"])
        if spec.get("allow_intent"):
            allow_intent.add(position)
        if spec.get("blockers"):
            blockers[position] = _union(spec["blockers"], macros)
        for item in [c for lang in ("en", "zh") for c in (spec["cues"].get(lang) or [])]:
            opts: Mapping[str, Any] = item if isinstance(item, Mapping) else {"p": item}
            cues.append(_Cue(
                position=position,
                regex=_union([opts["p"]], macros),
                weight=float(opts.get("w", spec.get("w", 0.7))),
                negation_ok=bool(opts.get("negation_ok")),
                passive_by=bool(opts.get("passive_by")),
                parties=bool(opts.get("parties")),
                inner=bool(opts.get("inner")),
                plain=bool(opts.get("plain")),
                nominal=bool(opts.get("nominal")),
                need=opts.get("need", spec.get("need")),
            ))
    implicit = tuple((str(actor), _union(_by_lang(pats), macros))
                     for actor, pats in (raw.get("implicit_actors") or {}).items())
    pairs = tuple((tuple(str(a) for a in p["actors"]), _union(_by_lang(p), macros))
                  for p in raw.get("pairs") or [])
    topic = {k: _union(_by_lang(v), macros) for k, v in raw["topic"].items()}
    both_sides = _union(_by_lang(raw["both_sides"]), macros)
    return _Model(
        cues=tuple(cues),
        suppress=suppress,
        allow_intent=frozenset(allow_intent),
        blockers=blockers,
        negated=negated,
        conditional=_union(_by_lang(raw["conditional"]), macros),
        modality=_union(_by_lang(raw["modality"]), macros),
        intent=_union(_by_lang(raw["intent"]), macros),
        negation=_union(_by_lang(raw["negation"]), macros),
        negation_after=_union(_by_lang(raw["negation_after"]), macros),
        negation_after_positions=frozenset(raw.get("negation_after_positions") or []),
        off_topic=_union(_by_lang(raw["off_topic"]), macros),
        off_topic_positions=frozenset(raw["off_topic"].get("positions") or []),
        ignore_aliases=frozenset(prepare(str(a)).lower() for a in raw.get("ignore_aliases") or []),
        pronoun=_union(_by_lang(raw["pronouns"]), macros),
        nominal_topic=_union(_by_lang(raw["nominal_topic"]), macros),
        implicit=implicit,
        pairs=pairs,
        both_sides=both_sides,
        controllers=frozenset(raw["controllers"]),
        governments=frozenset(raw["governments"]),
        never=frozenset(raw["never"]),
        controller_excluded=frozenset(raw["controller_excluded"]),
        topic=topic,
        cue_filter=Prefilter([c.regex for c in cues]),
        sentence_filter=Prefilter([topic["mineral"], topic["control"], both_sides,
                                   *(r for _, r in pairs), *(r for _, r in implicit)]),
    )


# ----------------------------------------------------------------------------- mentions


@dataclass(frozen=True)
class _Mention:
    actors: tuple[str, ...]
    start: int
    end: int
    implicit: bool = False


@dataclass(frozen=True)
class _Hit:
    cue: _Cue
    start: int
    end: int


_MINERAL, _CONTROL, _BOTH, _FIRST_PAIR = 0, 1, 2, 3


def _sentence_mentions(sent: str, actor_matches: Sequence[Match], model: _Model, both: tuple[str, ...],
                       live: frozenset[int]) -> list[_Mention]:
    """Named actors, two-actor names ("中美", "Trump-Xi"), "both sides" and implicit actors.

    ``actor_matches`` are the vocabulary's actor matches in ``sent``; ``live`` the indices of
    ``model.sentence_filter`` that can match it (the others are not run)."""
    found: list[_Mention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    first_implicit = _FIRST_PAIR + len(model.pairs)
    for k, (actors, regex) in enumerate(model.pairs):
        if _FIRST_PAIR + k not in live:
            continue
        for m in regex.finditer(sent):
            found.append(_Mention(actors, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    last_company_end = -2
    for match in actor_matches:
        if match.key not in model.governments:
            last_company_end = match.end
        elif match.start - last_company_end in (0, 1):
            continue  # "特斯拉中国", "Tesla China": a company's arm, not the country
        if match.weak or match.key in model.never or not free(match.start, match.end):
            continue
        if match.alias.lower() in model.ignore_aliases:
            continue
        found.append(_Mention((match.key,), match.start, match.end))
        taken.append((match.start, match.end))
    if len(both) == 2 and _BOTH in live:
        for m in model.both_sides.finditer(sent):
            if free(m.start(), m.end()):
                found.append(_Mention(both, m.start(), m.end(), implicit=True))
                taken.append((m.start(), m.end()))
    for k, (actor, regex) in enumerate(model.implicit):
        if first_implicit + k not in live:
            continue
        for m in regex.finditer(sent):
            if free(m.start(), m.end()):
                found.append(_Mention((actor,), m.start(), m.end(), implicit=True))
                taken.append((m.start(), m.end()))
    found.sort(key=lambda x: x.start)
    return found


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


def _hits(sent: str, model: _Model, candidates: Sequence[int]) -> list[_Hit]:
    cues = model.cues
    hits = [_Hit(cues[i], m.start(), m.end()) for i in candidates for m in cues[i].regex.finditer(sent)
            if m.end() > m.start()]
    kept: list[_Hit] = []
    for h in hits:
        suppressed = any(
            h.cue.position in model.suppress[o.cue.position] and o.cue.position != h.cue.position
            and o.start < h.end and h.start < o.end
            for o in hits
        )
        if not suppressed:
            kept.append(h)
    return kept


# ----------------------------------------------------------------------------- clauses


def _clause_start(sent: str, pos: int) -> int:
    start = 0
    for m in _CLAUSE_BREAK.finditer(sent, 0, pos):
        start = m.end()
    return start


def _clause_bounds(sent: str, pos: int) -> list[tuple[int, int]]:
    """``(start, end)`` of every clause up to the one containing ``pos``."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE_BREAK.finditer(sent):
        bounds.append((start, m.start()))
        start = m.end()
        if start > pos:
            return bounds
    bounds.append((start, len(sent)))
    return bounds


def _window(sent: str, start: int, zh: bool, others: Sequence[_Hit] = ()) -> str:
    """The few words / characters before a cue within its clause: where hedges bind.

    Words inside another cue that overlaps this one are masked: in "refused U.S. requests to
    relax", "refused" negates Beijing's answer, not the US request.
    """
    begin = _clause_start(sent, start)
    chars = list(sent[begin:start])
    for o in others:
        if o.start < start < o.end or (o.start < start and o.end > start):
            for i in range(max(o.start, begin), min(o.end, start)):
                chars[i - begin] = " "
    prefix = "".join(chars)
    if zh:
        return prefix[-12:]
    words = prefix.split()
    return " ".join(words[-10:]) + (" " if words else "")


def _conditional(sent: str, hit: _Hit, mentions: Sequence[_Mention], model: _Model) -> bool:
    """Inside an if-clause, or in the actor-less clause that continues one."""
    clauses = _clause_bounds(sent, hit.start)
    cur_s, _ = clauses[-1]
    if model.conditional.search(sent, cur_s, hit.start):
        return True
    if len(clauses) >= 2:
        prev_s, prev_e = clauses[-2]
        own_actor = any(cur_s <= m.start < hit.start for m in mentions)
        if not own_actor and model.conditional.search(sent, prev_s, prev_e):
            return True
    return False


# ----------------------------------------------------------------------------- actors


def _permitted(actor: str, position: str, has_mineral: bool, model: _Model) -> str | None:
    """The position ``actor`` can hold here (possibly remapped), or None."""
    if actor in model.never:
        return None
    if actor not in model.governments:
        return "press" if position in ("press", "negotiate") else None
    if actor in model.controllers:
        return None if position in model.controller_excluded else position
    if position in ("tighten", "maintain", "ease"):
        if not has_mineral:
            return None
        return "counter" if position == "tighten" else position
    return position


def _coordinated(mentions: Sequence[_Mention], idx: int, sent: str) -> list[_Mention]:
    """The mention at ``idx`` plus those joined to it by "and", "、", "与" to its left."""
    group = [mentions[idx]]
    j = idx
    while j > 0 and _CONJ.match(sent[mentions[j - 1].end:mentions[j].start]):
        if not sent[mentions[j - 1].end:mentions[j].start].strip(" ,").strip():
            break  # bare adjacency is a modifier ("U.S. Defense Department"), not a list
        j -= 1
        group.append(mentions[j])
    return group


def _parties(sent: str, hit: _Hit, mentions: Sequence[_Mention]) -> list[_Mention]:
    """Actors joined to a deal or talks cue by "with" / "between" / "与" (and their conjuncts)."""
    end = len(sent)
    nxt = _CLAUSE_BREAK.search(sent, hit.end)
    if nxt:
        end = nxt.start()
    out: list[_Mention] = []
    last = hit.end
    for m in mentions:
        if not hit.end <= m.start < end or m.start - hit.end > 80:
            continue
        gap = sent[last:m.start]
        cue_ends_with = not out and _CUE_WITH.search(sent, hit.start, hit.end) and len(gap.split()) <= 3
        if _PARTY_BEFORE.search(gap) or (out and not gap.strip()) or cue_ends_with:
            out.append(m)
            last = m.end
    return out


@dataclass(frozen=True)
class _Resolved:
    actors: tuple[str, ...]
    source: str  # passive | before | pronoun | after | implicit | default


_PREP_BEFORE = re.compile(
    r"(?:\b(?:with|to|for|against|at|between|among)\s+(?:[\w'.-]+[\s,]+){0,4}|\bin\s+(?:the\s+)?)$", re.I)
_PARTY_BEFORE = re.compile(
    r"(?:\b(?:with|between)\s+(?:the\s+)?(?:[\w'.-]+\s+){0,3}|^\s*(?:,|and|&|、|与|和|同|跟)\s*(?:the\s+)?(?:[\w'.-]+\s+){0,3}"
    r"|(?:与|和|同|跟)\S{0,6})$", re.I)


def _in_parens(sent: str, pos: int, end: int | None = None) -> bool:
    """Inside a parenthetical list ("the G7 (the United States, Canada, …)"); an acronym gloss
    that is nothing but the mention ("the German association (VDA)") does not count."""
    depth = 0
    opened = -1
    for i, ch in enumerate(sent[:pos]):
        if ch in "(（":
            depth += 1
            opened = i
        elif ch in ")）" and depth:
            depth -= 1
    if depth <= 0:
        return False
    if end is not None and opened >= 0:
        close = re.match(r"\s*[)）]", sent[end:])
        if close and not sent[opened + 1:pos].strip():
            return False
    return True


def _resolve(sent: str, hit: _Hit, mentions: Sequence[_Mention], prev_actor: str | None,
             model: _Model, position: str, has_mineral: bool) -> list[_Resolved]:
    if hit.cue.inner:
        for m in mentions:
            if hit.start <= m.start < hit.end and any(
                    _permitted(a, position, has_mineral, model) for a in m.actors):
                return [_Resolved(m.actors, "before")]
    cue_in_parens = _in_parens(sent, hit.start)
    outside = [m for m in mentions if (m.end <= hit.start or m.start >= hit.end)
               and (cue_in_parens or not _in_parens(sent, m.start, m.end))]

    def ok(m: _Mention) -> bool:
        return any(_permitted(a, position, has_mineral, model) for a in m.actors)

    def object_of_preposition(group: Sequence[_Mention]) -> bool:
        first = min(group, key=lambda m: m.start)
        before_text = sent[max(0, first.start - 60):first.start]
        if _ZH_PREP_BEFORE.search(before_text):  # "对中国商品", "与中方": an object in Chinese
            return True
        if position not in ("press", "counter", "negotiate"):
            return False
        last = max(group, key=lambda m: m.end)
        if _PARTICIPLE.match(sent, last.end):  # "with the Pentagon taking a stake": a subject
            return False
        return bool(_PREP_BEFORE.search(before_text))

    # passive agent / source right after the cue: "suspended by China", "licensing from China"
    after_text = sent[hit.end:]
    by = _BY_AFTER.match(after_text)
    if by is None and hit.cue.passive_by:
        by = re.match(r"^\s*(?:the\s+)?", after_text)
    if by and (hit.cue.passive_by or position in ("tighten", "ease", "maintain", "counter", "press")):
        for m in outside:
            if m.start >= hit.end and m.start - hit.end <= by.end() + 2 and ok(m):
                return [_Resolved(m.actors, "passive")]
    before = [m for m in outside if m.end <= hit.start]
    # the agent of an answer is in the answering clause (Chinese drops repeated subjects, so
    # there the sentence's earlier subject carries over)
    clause_start = _clause_start(sent, hit.start)
    in_clause = [m for m in before if m.start >= clause_start]
    cjk = bool(_CJK_RE.search(sent[:hit.start]))
    if position in ("press", "counter") and not cjk:
        # a participle clause (", threatening Beijing with tariffs") or a predicate after a
        # relative clause ("MEMA, which represents suppliers, urged …") shares the subject
        if not in_clause and _PREDICATE.match(sent, clause_start):
            before = [m for m in before if not _in_relative(sent, m.start, clause_start)]
        elif in_clause or not _PARTICIPLE.match(sent, clause_start):
            before = in_clause
    elif position in ("press", "counter", "negotiate") and cjk and not any(
            ok(m) and not object_of_preposition([m]) for m in in_clause):
        # "日本经济产业省表示，将扩大储备": a subject-less clause belongs to the speaker
        speaker = _ZH_SPEAKER.match(sent)
        if speaker and speaker.end() <= hit.start:
            before = [m for m in before if m.end <= speaker.end()]
    for idx in range(len(before) - 1, -1, -1):
        if ok(before[idx]):
            group = _coordinated(before, idx, sent)
            if object_of_preposition(group):
                continue
            actors = tuple(a for m in reversed(group) for a in m.actors)
            src = "implicit" if all(m.implicit for m in group) else "before"
            return [_Resolved(actors, src)]
    if prev_actor and model.pronoun.search(sent, _clause_start(sent, hit.start) if before else 0, hit.start):
        return [_Resolved((prev_actor,), "pronoun")]
    if position in ("tighten", "maintain", "ease"):
        if any(not m.implicit and not _ANY_PREP_BEFORE.search(sent[max(0, m.start - 40):m.start])
               for m in before):
            return []  # the subject is named and is not a controller: not the controls' owner
        for m in outside:  # ", MOFCOM said": the subject comes after
            if m.start >= hit.end and ok(m):
                return [_Resolved(m.actors, "implicit" if m.implicit else "after")]
    if position in ("tighten", "maintain", "ease"):
        return [_Resolved(tuple(sorted(model.controllers)), "default")]
    return []


_SOURCE_PENALTY = {"passive": 0.0, "before": 0.0, "pronoun": 0.1, "after": 0.1, "implicit": 0.15,
                   "default": 0.25}


# ----------------------------------------------------------------------------- main


_WITH_BEFORE = re.compile(r"(?:\bwith\s+(?:the\s+)?|与|和|同|跟)$", re.I)


def _with_controller(sent: str, mentions: Sequence[_Mention], model: _Model) -> bool:
    """A controller named as the other side of talks ("talks with Beijing", "与中方…磋商")."""
    return any(set(m.actors) & model.controllers and _WITH_BEFORE.search(sent[max(0, m.start - 12):m.start])
               for m in mentions)


def _top_two(mentions: Iterable[_Mention], model: _Model) -> tuple[str, ...]:
    counts = Counter(a for m in mentions for a in m.actors if a in model.governments)
    return tuple(a for a, _ in counts.most_common(2))


def extract_stances(text: str, *, language: str | None = None,
                    vocab: Vocabulary | None = None) -> list[Stance]:
    """Actors' positions on export controls stated in ``text``, one per (actor, position).

    The highest-confidence evidence sentence is kept for each pair; pairs come in order of
    first mention. ``language`` only decides how wide a hedge window is (words vs characters);
    English and Chinese cues are both searched, so mixed-language passages work.
    """
    return _extract(text, language=language, vocab=vocab, trace=None)


def _blocked(sent: str, hit: _Hit, mentions: Sequence[_Mention], model: _Model, zh: bool,
             has_control: bool, has_mineral: bool, others: Sequence[_Hit]) -> tuple[str | None, str]:
    """The position the cue still supports after topic, hedge and negation checks (or None, why)."""
    position = hit.cue.position
    need = hit.cue.need
    if (need == "control" and not has_control) or (need == "mineral" and not has_mineral) or (
            need == "topic" and not (has_control or has_mineral)):
        return None, f"needs {need}"
    if position in model.off_topic_positions and model.off_topic.search(sent, hit.start, hit.end):
        return None, "other goods"
    if hit.cue.plain:
        return position, ""
    if _conditional(sent, hit, mentions, model):
        return None, "conditional"
    window = _window(sent, hit.start, zh, [o for o in others if o.cue.position != hit.cue.position])
    span = sent[hit.start:hit.end]
    negated = not hit.cue.negation_ok and bool(model.negation.search(window))
    if negated and position in model.negated:  # "has not lifted", "is not planning to ease"
        return model.negated[position], "negated"
    blocker = model.blockers.get(position)
    if blocker is not None and blocker.search(window):
        return None, "background"
    if model.modality.search(window) or (position != "press" and model.modality.search(span)):
        return None, "modality"
    if position not in model.allow_intent:
        nxt = _CLAUSE_BREAK.search(sent, hit.end)
        rest = sent[hit.end:nxt.start() if nxt else len(sent)]
        if model.intent.search(window) or model.intent.search(span) or model.intent.search(rest):
            return None, "intent"
    if hit.cue.nominal and model.nominal_topic.search(sent[_clause_start(sent, hit.start):hit.start]):
        return None, "topic of talks"
    if position in model.negation_after_positions and model.negation_after.search(sent, hit.end):
        return None, "negated after"
    if negated:
        return None, "negated"
    return position, ""


def _clause_text(sent: str, hit: _Hit) -> str:
    start = _clause_start(sent, hit.start)
    nxt = _CLAUSE_BREAK.search(sent, hit.end)
    return sent[start:nxt.start() if nxt else len(sent)]


def _extract(text: str, *, language: str | None, vocab: Vocabulary | None,
             trace: list[tuple[str, str, str, str]] | None) -> list[Stance]:
    """``extract_stances`` with an optional ``trace`` of (position, cue text, outcome, sentence)."""
    if not text or not text.strip():
        return []
    vocab = vocab or load_vocabulary()
    model = _model()
    zh = (language or detect_language(text)).startswith("zh")
    prepared = prepare(text)
    sentences = split_sentences(text)
    doc_actors = DocumentActors(vocab, prepared)
    doc_mentions = [_Mention((m.key,), m.start, m.end) for m in doc_actors.actors if not m.weak]
    both = _top_two(doc_mentions, model)
    controller_present = any(a in model.controllers for m in doc_mentions for a in m.actors)
    scope = model.cue_filter.scope(prepared)  # which cues this document can match at all
    sentence_scope = model.sentence_filter.scope(prepared)

    best: dict[tuple[str, str], Stance] = {}
    order: list[tuple[str, str]] = []
    prev_actor: str | None = None
    for sentence in sentences:
        sent = prepared[sentence.start:sentence.end]
        live = frozenset(sentence_scope.candidates(sentence.start, sentence.end))
        mentions = _sentence_mentions(sent, doc_actors.in_sentence(sentence.start, sentence.end, sent),
                                      model, both, live)
        has_mineral = _MINERAL in live and bool(model.topic["mineral"].search(sent))
        has_control = _CONTROL in live and bool(model.topic["control"].search(sent))
        hits = _hits(sent, model, scope.candidates(sentence.start, sentence.end))
        for hit in hits:
            position, why = _blocked(sent, hit, mentions, model, zh, has_control, has_mineral, hits)
            if position is None:
                if trace is not None:
                    trace.append((hit.cue.position, sent[hit.start:hit.end], why, sentence.text))
                continue
            # another government's control positions need a mineral in the cue's own clause
            clause_mineral = bool(model.topic["mineral"].search(_clause_text(sent, hit)))
            resolved = _resolve(sent, hit, mentions, prev_actor, model, position, clause_mineral)
            if not resolved and position == "negotiate":  # "talks between Trump and Xi"
                found = _parties(sent, hit, mentions)
                if found:
                    resolved = [_Resolved(tuple(a for m in found for a in m.actors), "after")]
            for res in resolved:
                if res.source == "default" and not controller_present:
                    continue
                parties = _parties(sent, hit, mentions) if position == "negotiate" else []
                actors = list(res.actors)
                if hit.cue.parties:
                    actors += [a for m in parties for a in m.actors]
                if position == "negotiate":
                    involved = set(actors) | {a for m in parties for a in m.actors}
                    if not involved & model.controllers and not _with_controller(sent, mentions, model):
                        continue
                conf = max(0.05, min(0.99, hit.cue.weight - _SOURCE_PENALTY[res.source]))
                for actor in dict.fromkeys(actors):
                    final = _permitted(actor, position, clause_mineral, model)
                    if hit.cue.nominal and actor not in model.controllers:
                        final = None
                    if trace is not None:
                        trace.append((position, sent[hit.start:hit.end],
                                      f"{actor}->{final} via {res.source}", sentence.text))
                    if final is None:
                        continue
                    key = (actor, final)
                    stance = Stance(actor=actor, position=final, confidence=round(conf, 3),
                                    sentence=sentence.text)
                    if key not in best:
                        order.append(key)
                        best[key] = stance
                    elif stance.confidence > best[key].confidence:
                        best[key] = stance
            if not resolved and trace is not None:
                trace.append((position, sent[hit.start:hit.end], "no actor", sentence.text))
        named = [m for m in mentions if not m.implicit and len(m.actors) == 1]
        if named:
            prev_actor = named[0].actors[0]
    return [best[k] for k in order]
