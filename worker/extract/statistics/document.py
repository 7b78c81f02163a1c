"""Per-document state of the statistics extractor and the span helpers every decision uses.

``Document`` holds the text in matcher form (``vocab.prepare``), its sentences and the actor,
material and cue matches, each found once per text; ``clause_of`` cuts the clause around a
number; ``has_role`` tells whether an actor is introduced by a role marker ("to Germany",
"on China", "输往德国"). Matches are kept in text order and looked up by binary search: a
scan per number made long pages quadratic.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

from worker.common.cjk import has_han
from worker.extract.names import Name, NameFinder, NameWords
from worker.extract.numbers import Quantity
from worker.extract.text import Sentence
from worker.extract.vocab import Match, Vocabulary, prepare

SHARE_MEASURES = (
    "share_of_global_production",
    "share_of_global_refining",
    "share_of_global_reserves",
    "share_of_magnet_production",
    "share_of_global_exports",
)


GENERIC_MATERIALS = frozenset({"rare_earths", "critical_minerals"})


MONEY = frozenset({"usd", "cny", "eur"})


PRICES = frozenset({"usd_per_kg", "usd_per_tonne", "cny_per_kg", "cny_per_tonne"})


CLAUSE_SPLIT = re.compile(r",(?!\d)|;|:|\u2014| - |\bwhereas\b|\bwhile\b|、(?=[^、]{0,3}(?:同比|环比))")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str = ""


@dataclass
class Document:
    """Per-document state: matches and sentences in the matcher form of the text."""

    text: str
    prep: str
    vocab: Vocabulary
    sentences: list[Sentence]
    actors: list[Match]
    materials: list[Match]
    cache: dict[str, list[Match]] = field(default_factory=dict)
    quantities: list[Quantity] = field(default_factory=list)
    _names: NameFinder | None = None
    controller: str | None = None  # the state whose controls the text is about (``subject.default_subject``)
    _known: list[tuple[int, int]] = field(default_factory=list)

    def names(self, start: int, end: int) -> list[Name]:
        """Organisations the vocabulary does not know, named in ``[start, end)`` (``worker.extract.names``)."""
        if self._names is None:
            self._names = NameFinder(self.prep, name_words(self.vocab))
            self._known = [(a.start, a.end) for a in self.actors]
        return self._names.find(self._known, start, end)

    def matches(self, kind: str, name: str) -> list[Match]:
        """Matches of one cue list (``kind`` "cue") or measure (``kind`` "measure"), found once per text."""
        key = f"{kind}:{name}"
        found = self.cache.get(key)
        if found is None:
            if kind == "cue":
                found = self.vocab.find_cues(name, self.prep, prepared=True)
            else:
                found = self.vocab.find_measure_cues(name, self.prep, prepared=True)
            self.cache[key] = found
        return found


def clause_of(prep: str, sent: Sentence, q: Quantity) -> Span:
    """The clause of ``sent`` that holds the number (between , ; : and "whereas")."""
    start = sent.start
    end = sent.end
    for m in CLAUSE_SPLIT.finditer(prep, sent.start, sent.end):
        if m.end() <= q.start:
            start = m.end()
        elif m.start() >= q.end:
            end = m.start()
            break
    return Span(start, end, prep[start:end])


def in_span(matches: Sequence[Match], start: int, end: int) -> list[Match]:
    """The matches inside ``[start, end)``; ``matches`` are in text order (as the matcher gives them).

    A binary search, not a scan: a scan per number made long pages quadratic (a 1 MB page of
    figures took minutes).
    """
    i = bisect_left(matches, start, key=match_start)
    out: list[Match] = []
    while i < len(matches) and matches[i].start < end:
        if matches[i].end <= end:
            out.append(matches[i])
        i += 1
    return out


def match_start(m: Match) -> int:
    return m.start


def cues_in(ctx: Document, name: str, start: int, end: int) -> list[Match]:
    return in_span(ctx.matches("cue", name), start, end)


def measure_cues_in(ctx: Document, measure: str, start: int, end: int) -> list[Match]:
    found = in_span(ctx.matches("measure", measure), start, end)
    if measure in _FLOWS and found:
        # "export restrictions", "出口管制", "import licences": a control of the flow, not the flow
        controls = ctx.matches("cue", "control")
        found = [m for m in found if not any(
            c.start == m.end + (ctx.prep[m.end : m.end + 1] == " ") or (c.start <= m.start and m.end < c.end)
            for c in controls)]
    return found


_FLOWS = frozenset({"export_volume", "import_volume"})


def has_cue(ctx: Document, name: str, start: int, end: int) -> bool:
    return bool(cues_in(ctx, name, start, end))


def has_measure_cue(ctx: Document, measure: str, start: int, end: int) -> bool:
    return bool(measure_cues_in(ctx, measure, start, end))


def strong_actors(ctx: Document, start: int, end: int) -> list[Match]:
    return [a for a in in_span(ctx.actors, start, end) if not a.weak]


def context_of(ctx: Document, si: int) -> tuple[Sentence, list[Match]]:
    """The span whose cues count for a number, and the materials in reach.

    "Over the first eight months, exports totalled 29,379 tons": when the sentence names no
    material, the sentence before (which named it) is read together with it. A row of a table is
    read alone, with the materials of the lines above the table.
    """
    sent = ctx.sentences[si]
    here = in_span(ctx.materials, sent.start, sent.end)
    if here or si == 0:
        return sent, here
    if is_row(ctx, sent):
        # a row of a table: its own words give the measure; the material is the table's, named in a
        # line above the rows ("Rare earths" over "Apparent consumption (tonnes): 600 in 2021")
        for prev_si in range(si - 1, max(-1, si - 60), -1):
            ps = ctx.sentences[prev_si]
            if not is_row(ctx, ps) and (found := in_span(ctx.materials, ps.start, ps.end)):
                return sent, found
        return sent, here
    prev = ctx.sentences[si - 1]
    before = in_span(ctx.materials, prev.start, prev.end)
    if not before:
        return sent, here
    return Sentence(ctx.text[prev.start : sent.end], prev.start, sent.end), before


def topic_nearby(ctx: Document, sent: Sentence) -> bool:
    """A material in the two sentences before or the one after (a bullet list, a lead paragraph)."""
    idx = ctx.sentences.index(sent)
    lo = ctx.sentences[max(0, idx - 2)].start
    hi = ctx.sentences[min(len(ctx.sentences) - 1, idx + 1)].end
    return bool(in_span(ctx.materials, lo, hi))


ROLE_PATTERNS: dict[tuple[int, str], re.Pattern[str]] = {}


def level_pattern(vocab: Vocabulary) -> re.Pattern[str]:
    """A level marker ending the gap between a change verb and its number ("rose to", "降至"),
    optionally followed by a hedge ("fell to about")."""
    key = (id(vocab), "level_marker")
    pat = ROLE_PATTERNS.get(key)
    if pat is None:
        words = sorted((prepare(w) for w in vocab.cues.get("level_marker", [])), key=len, reverse=True)
        alts = [re.escape(w) if has_han(w) else r"\b" + re.escape(w) for w in words]
        hedges = sorted((prepare(w) for w in vocab.cues.get("hedge_before", [])), key=len, reverse=True)
        pat = re.compile(
            r"(?:"
            + "|".join(alts or ["(?!)"])
            + r")\s*(?:(?:"
            + "|".join(re.escape(h) for h in hedges)
            + r")\s*)?"
            r"(?:US\$|\$|€)?\s*$",
            re.IGNORECASE,
        )
        ROLE_PATTERNS[key] = pat
    return pat


def role_pattern(vocab: Vocabulary, marker_list: str) -> re.Pattern[str]:
    key = (id(vocab), marker_list)
    pat = ROLE_PATTERNS.get(key)
    if pat is None:
        words = sorted((prepare(w) for w in vocab.cues.get(marker_list, [])), key=len, reverse=True)
        alts = [re.escape(w) if has_han(w) else r"(?<![A-Za-z])" + re.escape(w) for w in words]
        # a marker right before the actor, allowing "the"/"its" in between ("imports from the US")
        pat = re.compile(
            r"(?:" + "|".join(alts or ["(?!)"]) + r")\s*(?:(?:the|its|their)\s+)?$", re.IGNORECASE
        )
        if len(ROLE_PATTERNS) > 64:
            ROLE_PATTERNS.clear()
        ROLE_PATTERNS[key] = pat
    return pat


def has_role(ctx: Document, actor: Match, marker_list: str) -> bool:
    """True when ``actor`` is introduced by one of the ``marker_list`` words ("on China", "输往德国")."""
    before = ctx.prep[max(0, actor.start - 20) : actor.start]
    if role_pattern(ctx.vocab, marker_list).search(before) is not None:
        return True
    # Chinese abbreviations carry their marker: "对美出口" (to the US), "对华关税" (on China)
    marker = role_pattern(ctx.vocab, marker_list)
    return has_han(actor.alias) and marker.search(actor.alias[:1]) is not None


# A clause that opens with a predicate ("，为18.38亿元", "，达5000吨", ", estimated at over 90%") has no
# topic of its own: it comments on the clause before it ("第三季度稀土出口额环比减少7.5%，为18.38亿元").
_ZH_PREDICATE_START = re.compile(
    r"\s*(?:为|达到|达|是|约为|约|共计|合计|计|至|占"
    r"|(?:estimated|put|seen|pegged|valued|reckoned|forecast)\s+at\b|(?:up|down)\s+from\b|at\s+(?:over|about|around|"
    r"nearly|almost|some|roughly|more than|less than|\d))"
    # English continuations of a change or a total: ", to 1,200 kilograms", ", or 40% of the total",
    # ", reaching 3,000 tonnes", ", worth $2 billion"
    r"|\s*(?:to|or)\s+(?:about|around|nearly|almost|some|roughly|just|over|under|more than|less than)?\s*[\d$€¥£]"
    r"|\s*(?:reaching|totall?ing|worth|valued at|amounting to)\b", re.IGNORECASE)


def with_apposition(ctx: Document, sent: Sentence, clause: Span, q: Quantity) -> Span:
    """``clause``, widened over the clauses on both sides when it holds nothing but the number, set
    off by commas as an apposition ("Most of the world's graphite supply, about 90%, is processed
    in China"): the number restates the phrase before it and the verb after it governs both."""
    rest = (ctx.prep[clause.start : q.start] + ctx.prep[q.end : clause.end]).strip(" ,")
    if clause.start <= sent.start or clause.end >= sent.end or not _HEDGE_ONLY.fullmatch(rest):
        return clause
    if ctx.prep[clause.start - 1 : clause.start] != "," or ctx.prep[clause.end : clause.end + 1] != ",":
        return clause
    start, end = sent.start, sent.end
    for m in CLAUSE_SPLIT.finditer(ctx.prep, sent.start, clause.start - 1):
        start = m.end()
    nxt = CLAUSE_SPLIT.search(ctx.prep, clause.end + 1, sent.end)
    if nxt is not None:
        end = nxt.start()
    return Span(start, end, ctx.prep[start:end])


_HEDGE_ONLY = re.compile(r"(?:(?:about|around|roughly|nearly|almost|some|over|more than|less than|up to|"
                         r"or|just|well)\s*)*", re.IGNORECASE)


def with_topic(ctx: Document, sent: Sentence, clause: Span) -> Span:
    """``clause``, extended back over the clause before it when it is a comment without a topic of its
    own (Chinese "，为18.38亿元"; English ", estimated at over 90%", ", up from $137 million", ", to 1,200
    kilograms", ", or 40% of the total")."""
    if clause.start <= sent.start or not _ZH_PREDICATE_START.match(clause.text):
        return clause
    start = sent.start
    for m in CLAUSE_SPLIT.finditer(ctx.prep, sent.start, clause.start - 1):
        start = m.end()
    return Span(start, clause.end, ctx.prep[start : clause.end])


def with_row_label(ctx: Document, sent: Sentence, clause: Span) -> Span:
    """``clause``, extended back to the start of its line when the line is a row of a statistical
    table: a label, a colon, then values by year ("Net import reliance as a percentage of apparent
    consumption: 56% in 2014, 38% in 2015 and 100% in 2016"; "进口量（吨）：2014年12300，2015年9160").
    The label governs every value of the row (its measure, material and holder), as a column head
    does; the values between carry no words of their own."""
    row = _ROW.match(ctx.prep, sent.start, sent.end)
    if (row is None or clause.start < row.end(1) or clause.start <= sent.start or not is_row(ctx, sent)
            or re.search(r"\d", row.group(1))):
        return clause  # a label with a figure of its own ("minimum purity 99.5%") is read as it stands
    return Span(sent.start, clause.end, ctx.prep[sent.start : clause.end])


def is_row(ctx: Document, sent: Sentence) -> bool:
    """A line of a statistical table: a label, a colon, then values by year (``with_row_label``)."""
    row = _ROW.match(ctx.prep, sent.start, sent.end)
    return row is not None and bool(_ROW_VALUES.fullmatch(ctx.prep[row.end() : sent.end].rstrip(" .。\n")))


# a row label: no sentence inside it (no full stop), ended by the first colon of the line
_ROW = re.compile(r"\s*([^:：。\n]{3,160}?)\s*[:：]\s*")
# its values: "VALUE in YEAR" (English) or "YEAR年VALUE" (Chinese), separated by commas or "and";
# a value may be "none" or "none reported"
_ROW_VALUES = re.compile(
    r"(?:(?:,\s*|;\s*|\s+)?(?:and\s+)?(?:[^,;:\n]|,(?=\d{3})){1,24}?\s+in\s+(?:19|20)\d\d)+"
    r"|(?:[，,；;、]?\s*(?:19|20)\d\d\s*年[^，,；;、\n]{1,16})+")


_NAME_WORDS: dict[int, NameWords] = {}


def name_words(vocab: Vocabulary) -> NameWords:
    """The vocabulary's name words, built once per vocabulary."""
    words = _NAME_WORDS.get(id(vocab))
    if words is None:
        cues = vocab.cues
        words = NameWords(frozenset(cues.get("not_names", [])), frozenset(cues.get("person_titles", [])),
                          tuple(cues.get("name_verbs", [])), tuple(cues.get("corporate_suffixes", [])))
        if len(_NAME_WORDS) > 16:
            _NAME_WORDS.clear()
        _NAME_WORDS[id(vocab)] = words
    return words
