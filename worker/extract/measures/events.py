"""The events one sentence states: ``sentence_events``.

For each action cue that stands (``action.find_actions``) the sentence gives the event its
materials (every SCHEMA material the sentence names; none named: the nearest sentence before it
that names one, else the headline's, else the passage's main material — "the restrictions it
had imposed"), its issuer, targets, items, thresholds, identifiers and dates. Where a sentence
holds several cues, each date and identifier belongs to the nearest cue ("unveiled restrictions
in July and enforced them from August": announced July, effective August). A date's kind comes
from the words around it (``from``/``自…起`` effective, ``until``/``至`` until, else announced).

A measure of a foreign government on chips, software or entity lists is none of ours: an event
of a ``mineral_only`` issuer, or in an off-topic sentence, needs a mineral in its own sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from worker.extract.measures import scope
from worker.extract.measures.action import Hit, find_actions
from worker.extract.measures.dates import Published, RawDate, find_dates, resolve
from worker.extract.measures.draft import Draft
from worker.extract.measures.identifier import Identifier, complete, find_identifiers
from worker.extract.measures.lexicon import Lexicon
from worker.extract.vocab import Vocabulary

__all__ = ["Context", "sentence_events"]

_CLAUSE_BREAK = re.compile(r"[,;:，；：!?！？。]|\s[-–—]\s|—")
# in English a subordinate clause has its own dates ("exports jumped in August before the
# new limits took effect") and its own objects ("… controls over minerals, while the prices of
# rare earths …"); "such as" and "as well as" subordinate nothing
_SUB_WORDS = r"(?<!such )(?<!well )\b(?:before|after|as|while|when|because|whereas|although|but)\b(?! well\b)"
_SUBORDINATE = re.compile(_SUB_WORDS, re.IGNORECASE)
_SEGMENT_BREAK = {
    "en": re.compile(r"[;:]|\s[-–—]\s|—|" + _SUB_WORDS
                     + r"|,\s+(?=(?:both|which|who|a|an|used|vital|crucial|essential|key|critical)\b)", re.IGNORECASE),
    "zh": re.compile(r"[;:；：]|[,，](?=(?:此后|随后|之后|其后|但|而|因此|导致|使得?|令|让|同时"
                     r"|此外|另外|不过|然而|可见))"),
}
_MARKED_CLAUSE = re.compile(
    r"[\s,，]*(?:effective|from|starting|until|through|till|as of|with effect from|expiring|自|从|至|于)",
    re.IGNORECASE)
# "…, the ministry said in an April 4th announcement": the reporting clause dates the report
_ATTRIBUTION = re.compile(r",\s*[^,;]{0,90}?\b(?:said|says|announced|stated|declared|confirmed)\b[^,;]{0,30}$",
                          re.IGNORECASE)
# "flared on Oct. 9, when China unveiled new curbs": the when-clause happens on the date
_WHEN = re.compile(r"^[\s,]*when\b[^,;]*$", re.IGNORECASE)
# "8月15日，…中国正式宣布，自9月15日起实施": a date before the announcing verb is the announcement's
_ANNOUNCE_ZH = re.compile(r"宣布|公布|发布|表示|称")
_MARKED_BEFORE = re.compile(
    r"(?:\bfrom|\bsince|\bstarting(?:\s+(?:on|from))?|\bas\s+of|\beffective(?:\s+(?:from|on))?|\bbeginning(?:\s+on)?|自|从)\s*(?:the\s+)?$",
    re.IGNORECASE)
_GERUND = re.compile(r"\w+ing\b", re.IGNORECASE)
# a cause is not the measure's object: "imposed in retaliation for US tariffs", "针对美方…的反制"
_CAUSE = re.compile(r"\b(?:in (?:retaliation|response|return) (?:for|to)|answer(?:s|ed|ing)?|retaliat\w+ against|"
                    r"hitting back at|a reply to|countermeasure against)\b[^,;]*|(?:针对|回应|反制|报复)[^，。；,;]*",
                    re.IGNORECASE)
_LEAD_EXTRA = 16  # characters a sentence's opening clause may hold beside its date ("On", "回到", a subject)
_COORDINATED = re.compile(r"^[\s,]*(?:and|or|as well as|和|与|及|、|或)[\s,]*$", re.IGNORECASE)


@dataclass
class Context:
    """What one sentence needs from its passage."""

    lex: Lexicon
    vocab: Vocabulary
    published: Published | None
    fallback_materials: Sequence[str]  # for a sentence that names none
    passage: str  # the prepared passage
    _issuer: list[str | None] = field(default_factory=list)

    @property
    def fallback_issuer(self) -> str | None:
        """The passage's most named issuer that controls minerals (looked up once, when needed)."""
        if not self._issuer:
            named = Counter(m.key for m in self.lex.issuers.find(self.passage, prepared=True)
                            if m.key not in self.lex.mineral_only)
            self._issuer.append(named.most_common(1)[0][0] if named else None)
        return self._issuer[0]


def _gap(a0: int, a1: int, b0: int, b1: int) -> int:
    return 0 if a0 < b1 and b0 < a1 else min(abs(a0 - b1), abs(b0 - a1))


def _nearest(hits: Sequence[Hit], start: int, end: int) -> int:
    return min(range(len(hits)), key=lambda i: (_gap(hits[i].start, hits[i].end, start, end), i))


def _clause_start(sent: str, pos: int) -> int:
    start = 0
    for m in _CLAUSE_BREAK.finditer(sent, 0, pos):
        start = m.end()
    return start


_LIST_ITEM = re.compile(r"\s*(?:[\w'-]+\s+){0,3}?[\w'-]+\s*(?:,|\band\b|\bor\b)", re.IGNORECASE)


def _breaks(sent: str, lo: int, hi: int, *, chinese: bool) -> list[re.Match[str]]:
    """The clause breaks between ``lo`` and ``hi``; in English a comma inside a list ("gallium,
    germanium and antimony") is none."""
    found = list(_CLAUSE_BREAK.finditer(sent, lo, hi))
    if chinese:
        return found
    return [m for m in found if not (m.group() == "," and _LIST_ITEM.match(sent, m.end()))]


def _broken(sent: str, lo: int, hi: int, *, chinese: bool) -> bool:
    """Does a clause (or, in English, a subordinate clause) begin between ``lo`` and ``hi``?"""
    if lo >= hi:
        return False
    return bool(_breaks(sent, lo, hi, chinese=chinese) or (not chinese and _SUBORDINATE.search(sent, lo, hi)))


def _reaches(sent: str, d: RawDate, hit: Hit, *, chinese: bool) -> bool:
    """May ``d`` date the action of ``hit``: in its clause, or in a clause marked as its date
    right after it (", effective August 1", "，自下月（8月1日）起")?"""
    if hit.start <= d.start and d.end <= hit.end:
        return True
    lo, hi = (d.end, hit.anchor) if d.end <= hit.anchor else (hit.end if d.start >= hit.end else d.start, d.start)
    if not _broken(sent, lo, hi, chinese=chinese):
        return True
    if d.end <= hit.anchor:
        between = sent[d.end : hit.anchor]
        if not chinese and re.fullmatch(r"[^,;:]*,\s*", between) and _GERUND.match(sent, hit.anchor):
            return True  # "MOFCOM on 9 October 2025 issued Announcement No 61, placing export controls"
        if not chinese and _WHEN.match(between):
            return True
        marked = bool(_MARKED_BEFORE.search(sent, _clause_start(sent, d.start), d.start)) or (
            chinese and bool(_kind_after_zh.match(sent, d.end)))
        return marked and len(_CLAUSE_BREAK.findall(between)) <= 1  # "从11月开始，…将被列入…"
    if d.start >= hit.end:
        between = sent[hit.end : d.start]
        breaks = _breaks(sent, hit.end, d.start, chinese=chinese)
        if not chinese and len(breaks) <= 1 and _ATTRIBUTION.search(between):
            return True
        last = breaks[-1].start() if breaks else hit.end
        return len(breaks) <= 1 and bool(_MARKED_CLAUSE.match(sent, last, d.start))  # ", effective September 15"
    return False


_kind_after_zh = re.compile(r"\s*(?:初|底|中旬|上旬|下旬)?\s*[)）]?\s*(?:起|开始)")


def _kind(sent: str, d: RawDate, hit: Hit, lex: Lexicon, chinese: bool) -> str:
    lang = "zh" if chinese else "en"
    lo = max(_clause_start(sent, d.start), d.start - 48)
    before = sent[lo : d.start]
    if lex.until_before[lang].search(before):
        return "until"
    if not chinese and hit.action in ("extend", "suspend") and lex.until_after_extend.search(before):
        return "until"
    if not chinese and lex.effective_before["en"].search(before):
        return "effective"
    if chinese and lex.effective_after.match(sent, d.end):
        return "effective"
    if hit.effect and chinese and d.end <= hit.anchor and not _ANNOUNCE_ZH.search(sent, d.end, hit.anchor):
        return "effective"  # "今年8月，中国开始对镓、锗实行出口许可"
    if hit.effect and d.start >= hit.anchor and not _broken(sent, hit.anchor, d.start, chinese=chinese):
        return "effective"  # "the curbs came into force at the beginning of August"
    return "announced"


def _assign_dates(sent: str, dates: Sequence[RawDate], hits: Sequence[Hit], ctx: Context,
                  *, chinese: bool) -> list[dict[str, list[str]]]:
    """Each date to the nearest cue it may date that has no date of its kind yet ("在10月30日宣布，
    10月9日公布的…限制将暂停实施": the 9th is the imposition's, the 30th the suspension's). English
    puts a date after its verb ("imposed in July"), Chinese before it ("4月4日公布"): the other
    side costs a little more. A second date joined to the first by "and" is a second event
    ("the controls it imposed in October 2022 and April 2025")."""
    slots: list[dict[str, list[str]]] = [{"announced": [], "effective": [], "until": []} for _ in hits]
    last: dict[tuple[int, str], RawDate] = {}

    def cost(d: RawDate, h: Hit) -> int:
        gap = _gap(h.start, h.end, d.start, d.end)
        if gap == 0:
            return 0
        after = d.start >= h.end  # the date follows the cue
        return gap + (0 if after != chinese else 6)

    pairs = sorted((cost(d, h), di, hi) for di, d in enumerate(dates) for hi, h in enumerate(hits)
                   if _reaches(sent, d, h, chinese=chinese))
    done: set[int] = set()
    for _, di, hi in pairs:
        if di in done:
            continue
        d, hit = dates[di], hits[hi]
        kind = _kind(sent, d, hit, ctx.lex, chinese)
        prev = last.get((hi, kind))
        if prev is not None:
            lo, hi_ = (prev.end, d.start) if prev.end <= d.start else (d.end, prev.start)
            if kind != "announced" or not _COORDINATED.match(sent[lo:hi_]):
                continue
        resolved = resolve(d, ctx.published, past=kind == "announced")
        done.add(di)
        if resolved is not None:
            slots[hi][kind].append(resolved[0])
            last[(hi, kind)] = d
    # a date heading the sentence dates all its actions ("10月9日，商务部发布两份公告：第61号…，第62号…")
    first = min(h.start for h in hits)
    for d in dates:
        if _CLAUSE_BREAK.search(sent, 0, d.start):
            continue  # not in the opening clause
        opening = _CLAUSE_BREAK.search(sent, d.end)
        if opening is not None and opening.start() < first and opening.start() - (d.end - d.start) <= _LEAD_EXTRA:
            for hi, hit in enumerate(hits):
                kind = _kind(sent, d, hit, ctx.lex, chinese)
                resolved = resolve(d, ctx.published, past=kind == "announced")
                if not slots[hi][kind] and resolved is not None:
                    slots[hi][kind].append(resolved[0])
    return slots


Slots = list[dict[str, list[str]]]


def _fold_bare(hits: Sequence[Hit], slots: Slots) -> tuple[list[Hit], Slots]:
    """"…纳入出口管制，有关措施定于11月8日起实施": taking effect, beside a cue that names the
    measure, only dates that measure (the nearest cue before it, else after it)."""
    keep = [i for i, h in enumerate(hits) if not h.bare]
    for i, h in enumerate(hits):
        if not h.bare:
            continue
        before = [k for k in keep if hits[k].start < h.start]
        target = before[-1] if before else keep[0]
        for kind, values in slots[i].items():
            if values and not slots[target][kind]:
                slots[target][kind] = list(values)
    return [hits[k] for k in keep], [slots[k] for k in keep]


def _apart(sent: str, hit: Hit, start: int, end: int) -> int:
    """A penalty when a clause break separates a cue from a span: clauses group what belongs together."""
    lo, hi = (end, hit.start) if end <= hit.start else (hit.end, start)
    return 100 if lo < hi and _CLAUSE_BREAK.search(sent, lo, hi) else 0


def _assign_identifiers(sent: str, idents: Sequence[Identifier], hits: Sequence[Hit]) -> list[list[Identifier]]:
    """One identifier per cue, nearest first ("第61号公告决定…实行管制，第62号公告则决定…实行管制");
    identifiers beyond the cues' number go to their nearest cue ("issued Announcements No 61 and
    No 62, placing controls": two events)."""
    out: list[list[Identifier]] = [[] for _ in hits]
    pairs = sorted((_gap(h.start, h.end, i.start, i.end) + _apart(sent, h, i.start, i.end), ii, hi)
                   for ii, i in enumerate(idents) for hi, h in enumerate(hits))
    placed: set[int] = set()
    for _, ii, hi in pairs:
        if ii not in placed and not out[hi]:
            out[hi].append(idents[ii])
            placed.add(ii)
    for ii, ident in enumerate(idents):
        if ii not in placed:
            out[_nearest(hits, ident.start, ident.end)].append(ident)
    return out


def _off_topic(sent: str, hit: Hit, lo: int, hi: int, lex: Lexicon, *, chinese: bool) -> bool:
    """Does the cue's neighbourhood speak of chips, software or tariffs (not as a cause)?"""
    window = sent[max(lo, hit.start - 40) : min(hi, hit.end + 60)]
    shift = max(lo, hit.start - 40)
    for m in _CAUSE.finditer(window):
        if not (m.start() + shift <= hit.start < m.end() + shift):
            window = window[: m.start()] + " " * (m.end() - m.start()) + window[m.end() :]
    return scope.off_topic(window, lex, chinese=chinese)


def _segment(sent: str, pos: int, lang: str) -> tuple[int, int]:
    """The stretch of the sentence around ``pos`` between two segment breaks."""
    lo, hi = 0, len(sent)
    for m in _SEGMENT_BREAK[lang].finditer(sent):
        if m.end() <= pos:
            lo = m.end()
        elif m.start() >= pos:
            hi = m.start()
            break
    return lo, hi


def sentence_events(text: str, sent: str, offset: int, materials: Sequence[tuple[str, int]], ctx: Context,
                    *, chinese: bool, order: int, in_title: bool = False) -> list[Draft]:
    """The drafts of one sentence: ``text`` as written, ``sent`` prepared; spans shift by ``offset``.

    ``materials``: the SCHEMA materials the sentence names, as (key, offset in the sentence).
    """
    lex = ctx.lex
    lang = "zh" if chinese else "en"
    if lex.domestic[lang].search(sent) and not lex.exports[lang].search(sent):
        return []  # a control of mining or output at home
    hits = find_actions(sent, lex, chinese=chinese)
    idents = find_identifiers(sent)
    if not hits:
        if not idents or not lex.ctrl[lang].search(sent):
            return []
        # a measure named by its number ("(MOFCOM Announcement No. 61)") is reported imposed
        hits = [Hit("impose", i.start, i.end, i.start, 0.6, 1, False, True) for i in idents[:1]]
    own = list(dict.fromkeys(key for key, _ in materials))
    if not own and not ctx.fallback_materials and not scope.dual_use(sent, lex, chinese=chinese):
        return []
    dates = [d for d in find_dates(sent, chinese=chinese)
             if not any(d.start < i.end and i.start < d.end for i in idents)]
    slots = _assign_dates(sent, dates, hits, ctx, chinese=chinese)
    if any(not h.bare for h in hits):
        hits, slots = _fold_bare(hits, slots)
    by_hit_ids = _assign_identifiers(sent, idents, hits)
    targets = list(scope.targets(sent, lex, ctx.vocab, chinese=chinese))
    items = list(scope.items(text, sent, lex, chinese=chinese))
    thresholds = list(scope.thresholds(sent, lex, chinese=chinese))
    immediate = bool(lex.immediate[lang].search(sent))
    out: list[Draft] = []
    for k, hit in enumerate(hits):
        issuer = scope.issuer(sent, hit, lex, chinese=chinese) or ctx.fallback_issuer
        brk = _CLAUSE_BREAK.search(sent, hit.end)
        if issuer in lex.mineral_only and not any(hit.start - 20 <= at < (brk.start() if brk else len(sent))
                                                  for _, at in materials):
            continue  # a foreign measure on chips or software, unless a mineral is its object
        lo, hi = _segment(sent, hit.anchor, lang)
        dual = scope.dual_use(sent[lo:hi], lex, chinese=chinese)
        mats = list(dict.fromkeys(key for key, at in materials if lo <= at < hi)) or ([] if dual else own)
        if not mats and not dual:
            if _off_topic(sent, hit, lo, hi, lex, chinese=chinese):
                continue  # chips, software, tariffs: not a measure on minerals
            mats = list(ctx.fallback_materials)
        if not mats and not dual:
            continue
        slot = slots[k]
        effective = slot["effective"][0] if slot["effective"] else None
        until = slot["until"][0] if slot["until"] else None
        announced_all: list[str | None] = [*slot["announced"]] or [None]
        if immediate and effective is None and announced_all[0]:
            effective = announced_all[0]
        years = [int(v[:4]) for v in (*slot["announced"], effective, until) if v and not v.startswith("--")]
        confidence = hit.weight * (1.0 if own or dual else 0.8) * (1.0 if issuer else 0.9)
        confidence += 0.03 if years or announced_all[0] or effective or until else 0.0
        # a suspension, lifting… names the measure it acts on after its verb ("暂停实施商务部公告
        # 2024年第46号"), and may be stated by an announcement of its own before it
        refers = None
        mine: list[Identifier | None] = [*by_hit_ids[k]]
        if hit.action != "impose":
            after = [i for i in mine if i is not None and i.start >= hit.anchor]
            if after:
                refers = complete(after[0], years).key
                mine = [i for i in mine if i is not after[0]]
        for ident in mine or [None]:
            key = complete(ident, years).key if ident is not None else None
            for announced in announced_all:
                out.append(Draft(
                    action=hit.action, issuer=issuer, materials=list(mats), items=list(items),
                    identifier=key, refers_to=refers, announced=announced, effective=effective, until=until,
                    targets=list(targets), thresholds=list(thresholds),
                    sentence=text, start=offset + hit.start, end=offset + hit.end, in_title=in_title,
                    confidence=confidence + (0.05 if key else 0.0), order=order, guessed_materials=not own,
                    year_hint=list(years), immediate=immediate, descriptive=hit.descriptive,
                ))
    return out
