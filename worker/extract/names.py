"""Organisations and programmes the vocabulary does not know, named in English text.

SCHEMA.md keys companies and programmes by their name in lower_snake_case (``mp_materials``,
``vulcan_elements``); no word list can hold every company in the news, so a name is recognised
by its form: a run of capitalised words ("Vulcan Elements", "Bajaj Auto", "Iluka Resources") that
is used as a name — it heads a clause followed by a verb ("Vulcan Elements said", "Bajaj has
cut") or possesses something ("Neo's plant"). A single capitalised word opening a sentence
counts only when the document also writes it capitalised mid-sentence (so it is a proper noun,
not "Production fell"). A short form takes the longest name the document gives it ("Bajaj" →
``bajaj_auto`` after "Bajaj Auto"). The words live in ``data/cues.yaml``: ``not_names`` (words
that open sentences or dates), ``person_titles``, ``name_verbs``, ``corporate_suffixes``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

__all__ = ["Name", "NameFinder", "NameWords", "find_names", "name_key"]

_WORD = r"(?:[A-Z][a-z]+(?:[A-Z][a-z]+)*|[A-Z]{2,}[a-z]?)"
_RUN = re.compile(rf"(?<![\w'’.-])({_WORD}(?:[ -](?:{_WORD}|&)){{0,5}})(?![\w-])")
@dataclass(frozen=True)
class Name:
    """An unknown organisation named in the text: its key and its span."""

    key: str
    start: int
    end: int
    text: str


def name_key(text: str) -> str:
    """ "Vulcan Elements" → ``vulcan_elements`` (SCHEMA: companies and programmes in lower_snake_case)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@dataclass(frozen=True)
class NameWords:
    """The words names are told by (``data/cues.yaml``): what never opens a name, what makes it a
    person's, the verbs that show a run is used as a name, the corporate suffixes to drop."""

    not_names: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    verbs: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()

    @cached_property
    def used_as_name(self) -> re.Pattern[str]:
        verbs = "|".join(re.escape(v) for v in sorted(self.verbs, key=len, reverse=True)) or "(?!)"
        # possessor, clause subject ("Vulcan Elements said"), agent of an infinitive ("forced X to cut")
        # "Vulcan Elements' growth": a name ending in s takes the bare apostrophe
        return re.compile(rf"\s*(?:'s\b|’s\b|(?<=s)['’](?!\w)|,?\s*(?:{verbs}|to\s+(?!the\b|a\b|an\b)[a-z]+)\b)")

    @cached_property
    def corporate_tail(self) -> re.Pattern[str]:
        tails = "|".join(re.escape(t) for t in self.suffixes) or "(?!)"
        return re.compile(rf"(?:\s+(?:{tails}))+$")


class NameFinder:
    """The names of one text: what the whole text says (which words are capitalised mid-sentence, the
    longest name each first word starts) is read once; ``find`` then looks in any span of it."""

    def __init__(self, text: str, words: NameWords) -> None:
        self.text = text
        self.words = words
        self.not_names = words.not_names
        self.titles = words.titles
        titles = words.titles
        runs = list(_RUN.finditer(text))
        self.capitalised_inside = {m.group(1) for m in runs if not _opens_sentence(text, m.start())}
        self.longest: dict[str, str] = {}
        for m in runs:
            words_ = words.corporate_tail.sub("", m.group(1)).split()
            if len(words_) > 1 and not any(w in titles for w in words_):
                self.longest.setdefault(words_[0], " ".join(words_))

    def find(self, known: Iterable[tuple[int, int]], start: int = 0, end: int | None = None) -> list[Name]:
        """Unknown organisation names in ``text[start:end]`` (spans in ``known`` are actors already)."""
        text = self.text
        stop = len(text) if end is None else end
        taken = sorted(known)
        out: list[Name] = []
        for m in _RUN.finditer(text, start, stop):
            raw = self.words.corporate_tail.sub("", m.group(1))
            words = raw.split()
            if not words or words[0] in self.not_names or any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if self.titles and any(w in self.titles for w in words):
                continue
            if not self.words.used_as_name.match(text, m.end()):
                continue
            if len(words) == 1 and _opens_sentence(text, m.start()) and raw not in self.capitalised_inside and (
                    raw not in self.longest):
                continue  # "Production fell": a capitalised opener; "Bajaj has cut" after "Bajaj Auto" is a name
            full = self.longest.get(words[0], raw) if len(words) == 1 else raw
            out.append(Name(name_key(full), m.start(), m.start() + len(raw), raw))
        return out


def find_names(text: str, known: Iterable[tuple[int, int]], words: NameWords,
               start: int = 0, end: int | None = None) -> list[Name]:
    """Unknown organisation names in ``text[start:end]`` (one-off; ``NameFinder`` reads a text once).

    A run holding a person's title ("IEA Executive Director Fatih Birol") names a person, not an
    organisation."""
    return NameFinder(text, words).find(known, start, end)


def _opens_sentence(text: str, at: int) -> bool:
    j = at - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] in ".!?:\n\"“‘'-•–—("
