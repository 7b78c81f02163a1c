"""A literal prefilter for the stance cues: which cue regexes can match a document, a sentence.

Running every cue's regex on every sentence would be most of the stance pass's time; most
cues cannot match most sentences, and ``text.Prefilter`` knows from each regex the literal
strings a match needs. The cue tables are large word families, so this version looks for
word stems (exactly as safe: a stem occurs wherever a form does) and for each cue's most
selective group first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from worker.common.cjk import has_han
from worker.extract.text import Prefilter, PrefilterScope

__all__ = ["StemPrefilter"]

_SMALL_GROUP = 16


class StemPrefilter(Prefilter):
    """:class:`Prefilter` over word stems, looking for each cue's smallest group first.

    A cue table lists every inflection ("intensify", "intensified", "intensifies"); the stem
    ("intens") occurs wherever a form does, so stems keep the filter exact (a cue left out
    cannot match) with fewer, shorter strings. A document is first screened on each cue's
    smallest required group (its object, usually: few strings); only the cues that pass have
    their other groups (the verb families) looked for, and per sentence every group must be
    present before the cue's regex runs.
    """

    def __init__(self, regexes: Sequence[re.Pattern[str]], stem: int = 6) -> None:
        super().__init__(regexes)
        full: list[tuple[frozenset[str], ...]] = []
        for need in self.needs:
            groups = []
            for group in need:
                cut = {lit if has_han(lit) else lit[:stem] for lit in group}
                groups.append(frozenset(x for x in cut if not any(y != x and y in x for y in cut)))
            groups.sort(key=len)
            # a large group (a whole verb family) filters little and costs much: only the
            # smallest group and the other small ones are looked for
            full.append((groups[0], *(g for g in groups[1:] if len(g) <= _SMALL_GROUP)) if groups else ())
        self.full = tuple(full)
        self.needs = tuple(need[:1] for need in full)
        literals = {lit for need in self.needs for group in need for lit in group}
        self.latin = sorted(lit for lit in literals if not has_han(lit))
        self.cjk = sorted(lit for lit in literals if has_han(lit))

    def scope(self, document: str) -> PrefilterScope:
        base = super().scope(document)
        low = base.low
        first = {i: kept for i, kept in base.live}
        others = set().union(*(g for i in first for g in self.full[i][1:]))
        present = frozenset(lit for lit in others if lit in low)
        live = []
        for i, kept in first.items():
            rest = [tuple(g & present) for g in self.full[i][1:]]
            if all(rest):
                live.append((i, (*kept, *rest)))
        return _StemScope(tuple(live), low)


class _StemScope(PrefilterScope):
    """Per sentence, each literal the document holds is looked for once; an inverted index
    from literal to the (cue, group) pairs it satisfies then counts each cue's groups."""

    def __init__(self, live: tuple[tuple[int, tuple[tuple[str, ...], ...]], ...], low: str) -> None:
        super().__init__(live, low)
        index: dict[str, list[tuple[int, int]]] = {}
        self.groups: dict[int, int] = {}
        for i, need in live:
            self.groups[i] = len(need)
            for j, group in enumerate(need):
                for lit in group:
                    index.setdefault(lit, []).append((i, j))
        self.index = index

    def candidates(self, start: int, end: int) -> list[int]:
        low = self.low[start:end]
        satisfied: set[tuple[int, int]] = set()
        for lit, pairs in self.index.items():
            if lit in low:
                satisfied.update(pairs)
        if not satisfied:
            return []
        counts: dict[int, int] = {}
        for i, _ in satisfied:
            counts[i] = counts.get(i, 0) + 1
        return sorted(i for i, n in counts.items() if n == self.groups[i])
