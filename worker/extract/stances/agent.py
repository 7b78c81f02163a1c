"""The agent of one cue: an ordered table of resolvers over the sentence's agent-role mentions.

``RESOLVERS`` runs in order; the first that answers decides (an empty answer means "this cue
has no actor here", and stops the search: a farther actor never takes a stance from a nearer
one that may not hold it):

1. ``inner``: the owner named inside the cue ("the lifting of China's controls").
2. ``passive``: the agent right after the cue ("imposed by Beijing", "a loan from the Pentagon").
2b. ``possessor``: the owner right before it ("Beijing's new controls", "the EU's funding").
2c. ``funder``: for funding, a government named after "with", "from" or "by" in the clause
   ("MP's partnership with the Pentagon brings $400m of equity").
3. ``licensor``: for a licence received ("Ford received licences") the licensor, not the receiver.
4. ``before``: the nearest agent-role mention before the cue, with its coordinated mentions
   ("MEMA and the Alliance"). English press/counter keep to the cue's clause (a participle or a
   predicate after a relative clause shares the sentence subject); a Chinese clause without its
   own subject belongs to the sentence's speaker ("日本经济产业省表示，将扩大储备").
5. ``pronoun``: "he warned", "其": the previous sentence's first named actor.
6. ``after``: a subject right after the cue's clause (", MOFCOM said"; "To cut reliance on
   China, the Pentagon …"), never the object of a preposition ("halted exports to Japan"); for
   a control cue, beyond its clause only a reporter (", MOFCOM said"), not the subject of the
   main clause after a fronted phrase ("In retaliation for the curbs, Washington imposed …").
7. ``default``: control positions whose actor the text leaves implicit belong to the default
   controller ("Export licences are now required for gallium").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from worker.common.cjk import has_han
from worker.extract.stances.actors import Mention, Resolved, Roles, coordinated, permitted
from worker.extract.stances.clauses import clause_bounds, clause_end, clause_start, in_parens
from worker.extract.stances.cues import Hit

__all__ = ["RESOLVERS", "resolve"]

_CONTROL = ("tighten", "maintain", "ease")
_DASHES = ("—", "–", "-")
_TO_INFINITIVE = re.compile(r"^\s+to\s+$", re.I)
_LIST_GOES_ON = re.compile(r"\s*(?:,|and\b|or\b|&)", re.I)
_LEAD_IN = re.compile(r"^[\s,，:：]*(?:(?:the|a|an|its|their|said|says)\s+){0,2}$", re.I)


@dataclass(frozen=True)
class _Ask:
    """One resolution problem: a cue in a sentence, with its mentions."""

    sent: str
    hit: Hit
    mentions: Sequence[Mention]
    outside: Sequence[Mention]
    prev_actor: str | None
    roles: Roles
    position: str
    clause_mineral: bool

    def ok(self, m: Mention) -> bool:
        return any(permitted(a, self.position, self.clause_mineral, self.roles) for a in m.actors)

    def object_of_preposition(self, group: Sequence[Mention]) -> bool:
        first = min(group, key=lambda m: m.start)
        before = self.sent[max(0, first.start - 60):first.start]
        if self.roles.object_zh.search(before):  # "对中国商品", "与中方": an object in Chinese
            return True
        if self.roles.addressee.search(before):
            return True  # "told their US counterparts that …": the one told, not the speaker
        if self.position not in ("press", "counter", "negotiate"):
            # "exports to Japan", "for Beijing": an object, unless it is the actor's own implicit name
            return not all(m.implicit for m in group) and bool(self.roles.control_object.search(before[-30:]))
        last = max(group, key=lambda m: m.end)
        if self.roles.participle_after.match(self.sent, last.end):  # "with the Pentagon taking a stake"
            return False
        between = self.sent[last.end:self.hit.start]
        if not between.strip():  # "refused U.S. requests to relax": the name modifies the cue's
            return False  # noun: its owner, whatever governs the phrase
        if _TO_INFINITIVE.match(between):  # "prompted Washington to subsidize": the infinitive's subject
            return False
        if self.roles.object_en.search(before) or self.roles.object_after_verb.search(before):
            return True
        return bool(_LIST_GOES_ON.match(self.sent, last.end) and self.roles.object_en_list.search(before))


_Resolver = Callable[[_Ask], "list[Resolved] | None"]


def _inner(q: _Ask) -> list[Resolved] | None:
    if not q.hit.cue.inner:
        return None
    for m in q.mentions:
        if q.hit.start <= m.start < q.hit.end and q.ok(m):
            return [Resolved(m.actors, "inner")]
    return None


def _passive(q: _Ask) -> list[Resolved] | None:
    after = q.sent[q.hit.end:]
    by = q.roles.by_after.match(after)
    if by is None and q.hit.cue.passive_by:
        by = re.match(r"^\s*(?:the\s+)?", after)
    if by is None:
        return None
    for m in q.outside:
        if m.start >= q.hit.end and m.start - q.hit.end <= by.end() + 2:
            # the agent after "by" decides, whether or not it may hold the position
            return [Resolved(m.actors, "passive")] if q.ok(m) else []
    return None


_POSSESSIVE_GAP = re.compile(r"^(?:(?:'s|’s|s'|’)\s*(?:[\w-]+\s+){0,2}|的[^\s，。；,;的]{0,6})$")


def _possessor(q: _Ask) -> list[Resolved] | None:
    """"Beijing's new controls", "the EU's funding", "中国的出口管制": the possessor owns the cue."""
    for m in q.outside:
        if m.end <= q.hit.start and _POSSESSIVE_GAP.match(q.sent[m.end:q.hit.start]) and q.ok(m):
            return [Resolved(m.actors, "before")]
    return None


def _funder(q: _Ask) -> list[Resolved] | None:
    """Funding a company receives is the funder's: a government named after "with", "from" or
    "by" in the cue's clause ("MP's partnership with the Pentagon brings equity and a price
    floor", "Iluka won a loan from Canberra"), whoever the subject is."""
    if q.hit.cue.agent != "funder":
        return None
    start, end = clause_start(q.sent, q.hit.start), clause_end(q.sent, q.hit.end)
    for m in q.outside:
        if start <= m.start < end and q.roles.funder_before.search(q.sent, max(0, m.start - 24), m.start) \
                and any(a in q.roles.governments for a in m.actors) and q.ok(m):
            return [Resolved(m.actors, "passive")]
    return None


def _licensor(q: _Ask) -> list[Resolved] | None:
    if q.hit.cue.agent != "licensor":
        return None
    for m in q.outside:  # "licences from China", "获得中方许可"
        if any(a in q.roles.controllers for a in m.actors):
            return [Resolved(tuple(a for a in m.actors if a in q.roles.controllers), "licensor")]
    return [Resolved((q.roles.default_controller,), "default")]


def _deal_partner(q: _Ask) -> list[Resolved] | None:
    """ "Trump said he had agreed with Xi to pause the rare earth controls": the controls a deal
    eases or keeps are the controlling partner's, named after "with" right after an agreement
    word ("agreed with", "a deal with", "reached an understanding with") before the cue."""
    if q.position not in _CONTROL:
        return None
    for m in q.outside:
        if (m.end <= q.hit.start and any(a in q.roles.controllers for a in m.actors)
                and q.roles.deal_with.search(q.sent, max(0, m.start - 40), m.start)):
            return [Resolved(tuple(a for a in m.actors if a in q.roles.controllers), "deal partner")]
    return None


def _candidates(q: _Ask) -> list[Mention]:
    """Mentions before the cue that may be its subject (clause rules by language and position)."""
    sent, hit = q.sent, q.hit
    before = [m for m in q.outside if m.end <= hit.start]
    start = clause_start(sent, hit.start)
    in_clause = [m for m in before if m.start >= start]
    cjk = has_han(sent[:hit.start])
    if cjk:  # the subject of "在…之后" frames the framed event, not the main clause
        frames = [f.span() for f in q.roles.frame_zh.finditer(sent, 0, hit.start)]
        before = [m for m in before if not any(s <= m.start and m.end <= e for s, e in frames)]
        in_clause = [m for m in before if m.start >= start]
    if q.position in ("press", "counter") and not cjk:
        # a participle clause (", threatening Beijing with tariffs") or a predicate after a
        # relative clause ("MEMA, which represents suppliers, urged …") shares the subject;
        # names after the predicate are its objects
        if q.roles.predicate_after.match(sent, start):
            rel = q.roles.relative.search(sent, 0, max(0, start - 1))
            return [m for m in before
                    if not (rel and sent.rfind(",", 0, max(0, start - 1)) < m.start)]
        if in_clause or not q.roles.participle_after.match(sent, start):
            return in_clause
        if q.roles.subordinate.search(sent[clause_start(sent, max(0, start - 2)):max(0, start - 1)]):
            return []  # "although India has deposits, extracting them takes investment": a main clause
        return before
    if q.position in ("press", "counter", "negotiate") and cjk and not any(
            not q.object_of_preposition([m]) for m in in_clause):
        # a Chinese clause without its own subject shares the sentence's: the speaker of
        # "日本经济产业省表示，将扩大储备", else the subject of the nearest clause before it
        # that has one ("五角大厦宣布入股…，还设定价格下限", "大陆宣布管制，美国大表不满，并扬言…
        # 反制"), a pronoun's antecedent for "他随即扬言，…加征关税"
        speaker = q.roles.speaker_zh.match(sent)
        if speaker and speaker.end() <= hit.start:
            return [m for m in before if m.end <= speaker.end()]
        return _topic_zh(q, [m for m in before if not q.object_of_preposition([m])])
    if not cjk and not in_clause and q.roles.own_subject.match(sent, start):
        return []  # "With talks between Xi and Trump approaching, the government announced …"
    return before


def _topic_zh(q: _Ask, subjects: list[Mention]) -> list[Mention]:
    """The subject a Chinese clause without its own continues: that of the nearest clause before
    it with one (the first name there that is no object, with the names joined to it: "欧美和日本"),
    or none when a pronoun comes first (the pronoun resolver decides)."""
    for start, end in reversed(clause_bounds(q.sent, q.hit.start)[:-1]):
        if q.sent[start - 1:start] in _DASHES and q.sent[end:end + 1] in _DASHES and start > 0:
            continue  # "——也就是韩国APEC峰会第二天——": an aside between dashes has no say
        if q.roles.condition_zh.match(q.sent, start):
            continue  # "若北京不撤回管制，将…加征关税": the condition's subject is not the threat's
        own = [m for m in subjects if start <= m.start < end]
        pronoun = q.roles.pronoun.search(q.sent, start, end)
        if pronoun and (not own or pronoun.start() < own[0].start):
            return []
        if own:
            group = [own[0]]
            for m in own[1:]:
                gap = q.sent[group[-1].end:m.start]
                if not (q.roles.conjunction.match(gap) and gap.strip()):
                    break
                group.append(m)
            return group
    return []


def _before(q: _Ask) -> list[Resolved] | None:
    if q.hit.cue.nominal and q.roles.answered.search(q.sent, max(0, q.hit.start - 60), q.hit.start):
        return None  # "Washington imposed … in response to the curbs": the curbs are not Washington's
    before = _candidates(q)
    for idx in range(len(before) - 1, -1, -1):
        group = coordinated(before, idx, q.sent, q.roles)
        if q.object_of_preposition(group):
            continue
        allowed = [m for m in group if q.ok(m)]
        if not allowed:
            if q.position in _CONTROL and all(m.implicit for m in group):
                continue  # an implicit mention that may not hold it is no subject
            return []  # the subject may not hold this position: no actor, not a farther one
        actors = tuple(a for m in reversed(allowed) for a in m.actors)
        src = "implicit" if all(m.implicit for m in allowed) else "before"
        return [Resolved(actors, src)]
    return None


def _pronoun(q: _Ask) -> list[Resolved] | None:
    """"he warned": the sentence's first subject before the pronoun, else the previous sentence's."""
    before = [m for m in q.outside if m.end <= q.hit.start]
    subject_before = [m for m in before if not q.object_of_preposition([m])]  # "将对中国…加征关税": an object
    found = q.roles.pronoun.search(q.sent, clause_start(q.sent, q.hit.start) if subject_before else 0, q.hit.start)
    if found is None:
        return None
    subjects = [m for m in before if m.end <= found.start() and not q.object_of_preposition([m])]
    if subjects:
        return [Resolved(subjects[0].actors, "pronoun")] if q.ok(subjects[0]) else []
    return [Resolved((q.prev_actor,), "pronoun")] if q.prev_actor else None


def _after(q: _Ask) -> list[Resolved] | None:
    """", MOFCOM said" after a control cue; a subject right after a fronted clause for any cue."""
    end = clause_end(q.sent, q.hit.end)
    for m in q.outside:
        if m.start < q.hit.end or not q.ok(m):
            continue
        if q.position in _CONTROL:
            if q.roles.control_object.search(q.sent[max(0, m.start - 30):m.start]):
                continue  # "halted exports to Japan": the object of a preposition owns nothing
            if m.start > end and not q.roles.reporter_after.match(q.sent, m.end):
                break  # "In retaliation for the curbs, Washington imposed …": another clause's subject
            return [Resolved(m.actors, "implicit" if m.implicit else "after")]
        if m.start > end and _LEAD_IN.match(q.sent[end + 1:m.start]):
            return [Resolved(m.actors, "after")]
        break
    return None


def _default(q: _Ask) -> list[Resolved] | None:
    if q.position in _CONTROL:
        return [Resolved((q.roles.default_controller,), "default")]
    return []


RESOLVERS: tuple[tuple[str, _Resolver], ...] = (
    ("inner", _inner), ("passive", _passive), ("possessor", _possessor), ("funder", _funder), ("licensor", _licensor),
    ("deal partner", _deal_partner), ("before", _before),
    ("pronoun", _pronoun), ("after", _after), ("default", _default),
)


def resolve(sent: str, hit: Hit, mentions: Sequence[Mention], prev_actor: str | None, roles: Roles,
            position: str, clause_mineral: bool) -> list[Resolved]:
    """The cue's agent(s) by the first resolver that answers (see the module doc)."""
    cue_in_parens = in_parens(sent, hit.start)
    outside = [m for m in mentions if (m.end <= hit.start or m.start >= hit.end)
               and (cue_in_parens or not in_parens(sent, m.start, m.end))]
    q = _Ask(sent, hit, mentions, outside, prev_actor, roles, position, clause_mineral)
    for _name, resolver in RESOLVERS:
        answer = resolver(q)
        if answer is not None:
            return answer
    return []
