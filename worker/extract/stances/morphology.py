"""English word forms for the cue tables: a lemma written once matches every inflection.

The cue tables (``data/stances/cues.yaml``) list verbs by lemma ("threaten", "call on") and
nouns in the singular ("tariff", "export licence"), the way a dictionary does; news text uses
"threatened", "threatening", "is calling on", "tariffs", "export licenses". This module spells
the forms out, so a rule is written once per word, not once per tense:

- verbs: the lemma, 3rd person ("threatens", "pushes", "applies"), past and participle
  ("threatened", "slapped", "levied", "eased") and gerund ("threatening", "slapping",
  "easing"); a phrasal verb inflects its first word ("stepped up", "calling on"). A short verb
  ending consonant-vowel-consonant doubles its last letter ("slap" → "slapped"); irregular and
  stress-final verbs ("hold" → "held", "commit" → "committed") are listed in the data file.
- nouns: singular and plural ("curb" → "curbs", "embargo" → "embargoes", "subsidy" →
  "subsidies"); the last word of a phrase is the one inflected ("export ban" → "export bans").
- spelling: British and American variants ("licence"/"license", "subsidise"/"subsidize") are
  one regex after inflection, from the data file's ``spelling`` table.

Chinese has no inflection: Chinese entries are used as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["Morphology", "noun_forms", "verb_forms"]

_VOWELS = frozenset("aeiou")


def _syllables(word: str) -> int:
    return len(re.findall(r"[aeiouy]+", word)) or 1


def _doubles(word: str) -> bool:
    """A one-syllable verb ending consonant-vowel-consonant doubles it ("slap" → "slapped")."""
    if len(word) < 3 or word[-1] in "wxy" or _syllables(word) != 1:
        return False
    a, b, c = word[-3], word[-2], word[-1]
    return a not in _VOWELS and b in _VOWELS and c not in _VOWELS


def _third(word: str) -> str:
    if word.endswith(("s", "sh", "ch", "x", "z", "o")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def _past(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return word[:-1] + "ied"
    if _doubles(word):
        return word + word[-1] + "ed"
    return word + "ed"


def _gerund(word: str) -> str:
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")) and len(word) > 2:
        return word[:-1] + "ing"
    if _doubles(word):
        return word + word[-1] + "ing"
    return word + "ing"


def verb_forms(lemma: str, irregular: Mapping[str, Iterable[str]] | None = None,
               kinds: str = "all") -> list[str]:
    """The inflected forms of ``lemma`` (a verb, maybe phrasal: "call on").

    ``kinds``: ``all``; ``pp`` (past and participle only, for passives: "were suspended");
    ``ing`` (gerund only); ``base`` (lemma and 3rd person). ``irregular`` maps a lemma to
    extra past/participle forms that replace the regular past ("hold": ["held"]).
    """
    head, _, rest = lemma.strip().partition(" ")
    tail = f" {rest}" if rest else ""
    irregular = irregular or {}
    past = list(irregular.get(head, ())) or [_past(head)]
    forms: list[str] = []
    if kinds in ("all", "base"):
        forms += [head, _third(head)]
    if kinds in ("all", "pp"):
        forms += past
    if kinds in ("all", "ing"):
        forms.append(_gerund(head))
    return list(dict.fromkeys(f + tail for f in forms))


def noun_forms(noun: str) -> list[str]:
    """Singular and plural of ``noun`` (its last word inflects: "export ban" → "export bans")."""
    noun = noun.strip()
    last = noun.rsplit(" ", 1)[-1]
    if not last.isalpha() or len(last) < 2 or (last.endswith("s") and not last.endswith("ss")):
        return [noun]  # written plural ("talks", "sales") or not a word
    return [noun, noun[: len(noun) - len(last)] + _third(last)]


def _common_prefix(words: list[str]) -> str:
    first, last = min(words), max(words)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


class Morphology:
    """Forms of English entries plus the spelling table, compiled to regex alternatives."""

    def __init__(self, irregular: Mapping[str, Iterable[str]], spelling: Mapping[str, str]) -> None:
        self.irregular = {str(k): [str(v) for v in vs] for k, vs in irregular.items()}
        self.spelling = sorted(((re.escape(str(k)), str(v)) for k, v in spelling.items()),
                               key=lambda kv: len(kv[0]), reverse=True)

    def regex(self, form: str) -> str:
        """``form`` as a regex: escaped, spaces and hyphens interchangeable, spelling variants."""
        return self._spell(self._escape(form))

    @staticmethod
    def _escape(text: str) -> str:
        return re.sub(r"(?:\\ |\\-|-)+", r"[\\s-]+", re.escape(text.lower()))

    def _spell(self, regex: str) -> str:
        for lit, variant in self.spelling:
            regex = regex.replace(lit, variant)
        return regex

    def _factored(self, forms: list[str]) -> str:
        """The forms of one word as ``stem(?:suffixes)``: one literal a prefilter can look for."""
        forms = [f.lower() for f in forms]
        stem = _common_prefix(forms)
        if len(forms) == 1 or len(stem) < 3:
            return "|".join(self.regex(f) for f in forms)
        tails = sorted({f[len(stem):] for f in forms}, key=len, reverse=True)
        return self._spell(self._escape(stem) + "(?:" + "|".join(self._escape(t) for t in tails) + ")")

    def verbs(self, lemmas: Iterable[str], kinds: str = "all") -> list[str]:
        return [self._factored(verb_forms(lemma, self.irregular, kinds)) for lemma in lemmas]

    def nouns(self, nouns: Iterable[str]) -> list[str]:
        return [self._factored(noun_forms(noun)) for noun in nouns]
