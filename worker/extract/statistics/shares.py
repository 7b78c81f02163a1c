"""Shares and dependence: whose part of which whole a percentage is.

A share of the world's production, refining, reserves or magnet output is held by the one who
supplies it; a dependence is held by the one whose supply it is ("Japan relies on China for 60%").
The governing phrase decides first (``phrase.py``): its activity ("refined output" is refining),
whether it is the world's, and whether it names a dependent ("of Japan's demand", "占中国稀土进口量的").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import pairwise

from worker.common.cjk import has_han
from worker.extract.numbers import Quantity
from worker.extract.statistics.changes import nearest_direction
from worker.extract.statistics.document import (
    SHARE_MEASURES,
    Document,
    Span,
    has_cue,
    has_measure_cue,
    has_role,
    match_start,
    measure_cues_in,
    strong_actors,
)
from worker.extract.statistics.phrase import governing_phrase
from worker.extract.text import Sentence
from worker.extract.vocab import Match


def possessor(ctx: Document, clause: Span, q: Quantity) -> Match | None:
    """The actor whose supply a share is of: "China supplies 98% of the EU's magnets"."""
    m = re.match(r"\s*of\s+(?:the\s+)?", ctx.prep[q.end : q.end + 12])
    if not m:
        return None
    at = q.end + m.end()
    i = bisect_left(ctx.actors, at, key=match_start)
    actor = ctx.actors[i] if i < len(ctx.actors) and ctx.actors[i].start == at and not ctx.actors[i].weak else None
    if actor is None or not ctx.prep.startswith("'s", actor.end):
        return None
    if not has_cue(ctx, "supply_verb", clause.start, q.start):
        return None
    return actor


def is_dependence(ctx: Document, sent: Sentence, clause: Span, q: Quantity) -> bool:
    """A dependence cue in the clause and an actor in the *source* role ("on China", 仰赖中国)."""
    cues = measure_cues_in(ctx, "import_dependence", clause.start, clause.end)
    own = re.match(r"\s*of\s+(?:its|their|the country's|the nation's)\b", ctx.prep[q.end : q.end + 24])
    if own and any(
        has_role(ctx, a, "source_marker") and a.start > q.end
        for a in strong_actors(ctx, clause.start, clause.end)
    ):
        return True  # "Germany gets 65% of its rare earths from China"
    if not cues:
        # "India imports 90% of its magnets from China": an import verb and a source in the clause;
        # "India imports nearly 100% of its magnets", "buys 90% of its magnets abroad": of its own supply
        imports = has_measure_cue(ctx, "import_volume", clause.start, q.start)
        bought_abroad = has_cue(ctx, "acquire_verb", clause.start, q.start) and has_cue(
            ctx, "abroad", q.end, clause.end)
        if own and (imports or bought_abroad):
            return True
        if not has_measure_cue(ctx, "import_volume", clause.start, clause.end):
            return False
        return any(has_role(ctx, a, "source_marker") for a in strong_actors(ctx, clause.start, clause.end))
    if any("import" in c.alias.lower() or "进口" in c.alias or "对外" in c.alias for c in cues):
        return True  # "100% reliant on imports", "进口依存度": dependence on imports as such
    return any(has_role(ctx, a, "source_marker") for a in strong_actors(ctx, sent.start, sent.end))


def share_frame(ctx: Document, clause: Span, q: Quantity) -> bool:
    """A share of a whole ("70% of global output", "占全球 80%"), not of one country's trade."""
    after = ctx.prep[q.end : min(clause.end, q.end + 30)].lower()
    if re.match(r"\s*of\s+(?:its|their|his|her)\b", after) and not re.match(
        r"\s*of\s+its\s+processing", after
    ):
        possessive_of_other = True
    else:
        possessive_of_other = bool(re.match(r"\s*of\s+(?!the world)[a-z\-]+'s\b", after))
    if possessive_of_other and not re.search(r"processing|refin|production|mining|supply", after):
        return False
    if has_cue(ctx, "share_frame", clause.start, clause.end):
        return True
    # "90% of rare earth refining takes place in China": the "of ..." phrase names an activity
    if not possessive_of_other and re.match(r"\s*of\b", after):
        hi = min(clause.end, q.end + 45)
        return any(has_measure_cue(ctx, m, q.end, hi) for m in SHARE_MEASURES[:3])
    return False


# In a governing phrase, the more specific activity wins: "production of processed rare earths" and
# "精炼产量" are refining (SCHEMA: refined supply is refining), "magnet output" is magnets.
PHRASE_SHARES = (
    "share_of_global_refining",
    "share_of_magnet_production",
    "share_of_global_reserves",
    "share_of_global_production",
    "share_of_global_exports",
)


CONJUNCTION = re.compile(r"\s*(?:and|or|&|,|和|及|与|、)\s*")


def phrase_share(ctx: Document, clause: Span, q: Quantity) -> str | None:
    """The share measure named by the number's governing phrase, or None.

    Two activities joined by a conjunction ("70-90% of mining and processing") name no one share.
    """
    phrase = governing_phrase(ctx, clause, q)
    if phrase is None:
        return None
    named = [(m, measure_cues_in(ctx, m, phrase.start, phrase.end)) for m in PHRASE_SHARES]
    named = [(m, c) for m, c in named if c]
    if not named:
        return None
    spans = sorted((c.start, c.end, m) for m, cues in named for c in cues)
    for (_, end_a, m_a), (start_b, _, m_b) in pairwise(spans):
        if m_a != m_b and start_b >= end_a and CONJUNCTION.fullmatch(ctx.prep[end_a:start_b]):
            return None
    return named[0][0]


def whole_is_own(ctx: Document, sent: Sentence | Span, clause: Span, q: Quantity) -> bool:
    """A Chinese share of a whole named after 占 without the world: a part of the holder's own total.

    "占出口总量的26%" is 26% of China's own exports; "在开采上占70%" and "占全球产量的70%" are
    shares of the world's activity (the activity named before 占, or the world named after it).
    """
    phrase = governing_phrase(ctx, clause, q)
    if phrase is None or not has_han(phrase.text) or has_cue(ctx, "global_marker", sent.start, sent.end):
        return False
    at = phrase.text.find("占")
    return at >= 0 and any(has_measure_cue(ctx, m, phrase.start + at, phrase.end) for m in PHRASE_SHARES)


def whole_of_one_owner(ctx: Document, clause: Span, q: Quantity) -> bool:
    """An English share of one state's whole ("15% of the EU's demand", "7% of Chinese NdPr production"),
    not of the world's: measure ``other``, as "占出口总量的26%" is in Chinese."""
    m = _OF.match(ctx.prep, q.end, clause.end)
    if m is None:
        return False
    owner = [a for a in strong_actors(ctx, m.end(), clause.end) if a.start == m.end() and a.key in ctx.vocab.states]
    if not owner or has_cue(ctx, "global_marker", m.end(), min(clause.end, m.end() + 60)):
        return False
    return _MODIFIES.match(ctx.prep, owner[0].end) is not None


_OF = re.compile(r"\s*of\s+(?:the\s+)?")
_MODIFIES = re.compile(r"(?:'s|’s)\s|\s+(?!and\b|or\b|to\b|in\b|by\b|for\b|from\b)[A-Za-z][\w-]*")


def no_dependent(ctx: Document, sent: Sentence, clause: Span, q: Quantity) -> bool:
    """ "N% of <activity> comes from China" with nobody who depends: no possessor in the phrase ("of its",
    "of Japan's"), no actor before the number but the source, and the phrase names an activity."""
    phrase = governing_phrase(ctx, clause, q)
    if phrase is None or phrase_share(ctx, clause, q) is None:
        return False
    if re.search(r"\b(?:its|their|our|his|her)\b|'s\b|’s\b", phrase.text) or strong_actors(
            ctx, phrase.start, phrase.end):
        return False
    return not any(not has_role(ctx, a, "source_marker") and a.end <= q.start
                   for a in strong_actors(ctx, sent.start, sent.end))


def phrase_is_global(ctx: Document, clause: Span, q: Quantity) -> bool:
    """The governing phrase is about the world ("of the globe's output", "全球…产量")."""
    phrase = governing_phrase(ctx, clause, q)
    return phrase is not None and has_cue(ctx, "global_marker", phrase.start, phrase.end)


def phrase_owner(ctx: Document, clause: Span, q: Quantity) -> Match | None:
    """The actor who owns the whole the number is a part of ("占中国稀土进口量的38%", "of Japan's imports")."""
    phrase = governing_phrase(ctx, clause, q)
    if phrase is None:
        return None
    # "of Japan's imports", or "imports covered half of U.S. consumption": the whole is a supply
    imports_whole = has_measure_cue(ctx, "import_volume", phrase.start, phrase.end) or (
        has_cue(ctx, "demand_word", phrase.start, phrase.end) and has_measure_cue(
            ctx, "import_volume", clause.start, q.start))
    if not imports_whole:
        return None
    if nearest_direction(ctx, clause, q) is not None:
        return None  # "美国的锗进口将减少五分之一": a change of the imports, not a share of them
    owners = [a for a in strong_actors(ctx, phrase.start, phrase.end) if not has_role(ctx, a, "source_marker")]
    return owners[0] if owners else None


# a verb that governs the number: at most two words between ("processed roughly 90%"), no conjunction
_GOVERNS = re.compile(r"\s+(?:(?!and\b|or\b)[a-z]+\s+){0,2}")


def share_subtype(ctx: Document, sent: Sentence, clause: Span, q: Quantity) -> str | None:
    """The governing phrase's share first (a refining verb right before the number beats a phrase that
    names only supply: "processed roughly 90% of global supply"); else the nearest activity cue."""
    named = phrase_share(ctx, clause, q)
    if named in (None, "share_of_global_production") and any(
            _GOVERNS.fullmatch(ctx.prep[c.end : q.start])
            for c in measure_cues_in(ctx, "share_of_global_refining", max(clause.start, q.start - 25), q.start)):
        return "share_of_global_refining"
    if named is not None:
        return named
    cues: list[tuple[str, Match]] = []
    for measure in SHARE_MEASURES:
        for c in measure_cues_in(ctx, measure, sent.start, sent.end):
            cues.append((measure, c))
    in_clause = [(m, c) for m, c in cues if c.start >= clause.start and c.end <= clause.end]
    phrase = governing_phrase(ctx, clause, q)
    phrase_end = phrase.end if phrase is not None and phrase.start >= q.end else clause.end
    # "mines 50% of the world's lithium and Chile refines 25%": a cue past the number's own phrase
    # belongs to the next clause
    following = sorted((c.start - q.end, m, c) for m, c in in_clause if q.end <= c.start < phrase_end)
    if following:
        # "mines 61% of the world's rare earths and refines 90%": a cue after a conjunction
        # and a new verb belongs to the next number, not to this one
        gap = ctx.prep[q.end : following[0][2].start]
        if (re.search(r"\b(?:and|but|while)\s*$", gap) and not re.search(r"\bof\b", gap[-40:])) or (
            re.search(r"\band\s+$", gap) and re.match(r"[a-z]+s\b", following[0][2].alias)
        ):
            following = []
    if following:
        _, first_measure, first_cue = following[0]
        # "70-90% of rare earth mining and processing": two kinds of share at once
        phrase_end = first_cue.end + 20
        others = {m for d, m, c in following if c.start <= phrase_end and m != first_measure}
        mixing = others - {"share_of_magnet_production", "share_of_global_exports"}
        if (
            mixing
            and first_measure in {"share_of_global_production", "share_of_global_refining"}
            and (mixing & {"share_of_global_production", "share_of_global_refining"})
        ):
            between = ctx.prep[first_cue.end : min(c.start for d, m, c in following if m in mixing)]
            if re.fullmatch(r"\s*(?:and|or|&|,|和|及|与)\s*", between):
                return None
        return first_measure
    preceding = sorted((q.start - c.end, m) for m, c in in_clause if c.end <= q.start)
    if preceding:
        return preceding[0][1]
    near = sorted((min(abs(c.start - q.end), abs(q.start - c.end)), m) for m, c in cues)
    if near:
        return near[0][1]
    return "other"
