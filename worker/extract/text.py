"""Text helpers shared by the extractors: normalisation, sentences, literal prefilters.

Every function here is *length-stable*: ``normalize`` and ``to_simplified`` replace one
character by exactly one character, so an offset found in the normalised text is the same
offset in the original text. The extractors search the normalised text and report spans
into the text they were given, without any offset bookkeeping.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from worker.common.cjk import has_han, is_han
from worker.extract.language import is_chinese, reading_language, t2s_table

__all__ = [
    "Sentence",
    "detect_language",
    "is_chinese",
    "normalize",
    "split_sentences",
    "to_simplified",
]


@dataclass(frozen=True)
class Sentence:
    """A sentence and its ``[start, end)`` span in the original text."""

    text: str
    start: int
    end: int


# ----------------------------------------------------------------------------- normalise

_SPACES = (
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\f\v"
)
_NORMALIZE_TABLE: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_NORMALIZE_TABLE.update({ord(c): " " for c in _SPACES})
_NORMALIZE_TABLE.update(
    {
        ord("\u2010"): "-",  # hyphen
        ord("\u2011"): "-",  # non-breaking hyphen
        ord("\u2012"): "-",  # figure dash
        ord("\u2013"): "-",  # en dash: "80–90%" is a range
        ord("\u2212"): "-",  # minus sign
        ord("\ufe63"): "-",
        ord("\u2018"): "'",
        ord("\u2019"): "'",
        ord("\u00ad"): " ",  # soft hyphen would glue words together
        ord("\u200b"): " ",  # zero-width space
        ord("\ufeff"): " ",
    }
)


def normalize(text: str) -> str:
    """Fold full-width ASCII (``９０％``, ``，``) to half-width and odd spaces/dashes to plain ones.

    One character in, one character out: offsets into the result are offsets into ``text``.
    Chinese punctuation that has no ASCII twin (``。``, ``、``, ``「``) is kept.
    """
    # only the few characters that change are replaced: much faster than ``str.translate``, which
    # looks every character up in the table
    return _NORMALIZE_RE.sub(_normalize_char, text)


_NORMALIZE_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_NORMALIZE_TABLE)) + "]")


def _normalize_char(m: re.Match[str]) -> str:
    return _NORMALIZE_TABLE[ord(m.group())]


def to_simplified(text: str) -> str:
    """Map Traditional characters to Simplified ones, character by character (length-stable).

    Good enough for matching vocabulary (``稀土磁鐵`` → ``稀土磁铁``); not a full converter,
    which would need phrase tables and could change the length.
    """
    if text.isascii():
        return text
    regex, table = _t2s_regex()
    return regex.sub(lambda m: table[ord(m.group())], text)


@lru_cache(maxsize=1)
def _t2s_regex() -> tuple[re.Pattern[str], dict[int, str]]:
    table = t2s_table()
    return re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(table)) + "]"), table


# ----------------------------------------------------------------------------- language

# language decisions live in worker.extract.language; ``is_chinese`` is re-exported above for the
# extractors that import it from here


def detect_language(text: str) -> str:
    """``"en"``, ``"zh-Hans"`` or ``"zh-Hant"``: the rules the extractors read ``text`` with, by script
    (:func:`worker.extract.language.reading_language`), as before the language module existed.

    Whether remon reads a text at all (Indonesian, Japanese, German …) is decided once per article
    by :func:`worker.extract.language.detect_language`, in ``analyze``; the extractors, called on
    text that passed it (or directly, in tests and benchmarks), need only this cheap choice."""
    return reading_language(text)





# ----------------------------------------------------------------------------- sentences

# Abbreviations after which a period does not end a sentence (compared case-sensitively,
# without the final period).
_ABBREVIATIONS = frozenset(
    [
        *("U.S", "U.K", "U.N", "E.U", "U.S.A", "P.R.C", "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Sr", "Jr"),
        *("Inc", "Co", "Corp", "Ltd", "Bros", "No", "Nos", "Art", "Sec", "Fig", "Vol", "vs", "etc", "e.g"),
        *("i.e", "approx", "est", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct"),
        *("Nov", "Dec", "Gov", "Gen", "Rep", "Sen", "Pres", "Dept", "Mt", "Ft", "pp", "p.m", "a.m"),
    ]
)
_CLOSERS = "\"')]}”’」』）】》"
_HARD_STOPS = "。！？!?"
_BOUNDARY_RE = re.compile(r"[\n\r。！？!?；;.]")
_WORD_BEFORE_DOT = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def _ends_sentence_at_period(norm: str, i: int) -> bool:
    """Decide whether the ``.`` at ``norm[i]`` ends a sentence."""
    nxt = norm[i + 1] if i + 1 < len(norm) else ""
    if nxt and nxt not in " \n\r" and nxt not in _CLOSERS:
        # a half-width period inside Chinese text ends it ("管制.下一句"); decimals ("8.63"),
        # "U.S." and "example.com" do not
        return is_han(nxt)
    m = _WORD_BEFORE_DOT.search(norm, max(0, i - 12), i)
    if m:
        word = m.group(1)
        if word in _ABBREVIATIONS or word.rstrip(".") in _ABBREVIATIONS:
            return False
        if len(word) == 1 and word.isupper():  # an initial: "J. Smith"
            return False
    return True


def split_sentences(text: str) -> list[Sentence]:
    """Split on ``. ! ?``, ``。！？；`` and line breaks, with spans into ``text``.

    A period ends a sentence only before whitespace or a closing quote and not after a known
    abbreviation (``U.S.``, ``Dec.``, ``No.``) or an initial; decimals never split. Closing
    quotes/brackets stay with the sentence they close. Leading/trailing spaces are trimmed.
    """
    norm = normalize(text)
    out: list[Sentence] = []
    n = len(norm)
    start = 0

    def emit(s: int, e: int) -> None:
        while s < e and norm[s].isspace():
            s += 1
        while e > s and norm[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(Sentence(text=text[s:e], start=s, end=e))

    for m in _BOUNDARY_RE.finditer(norm):
        i = m.start()
        if i < start:
            continue  # inside closers already consumed
        ch = norm[i]
        if ch in "\n\r":
            emit(start, i)
            start = i + 1
            continue
        stop = ch in _HARD_STOPS or ch == "；" or (ch == ";" and _semicolon_in_chinese(norm, i))
        if not stop and not (ch == "." and _ends_sentence_at_period(norm, i)):
            continue
        cut = i + 1
        while cut < n and (norm[cut] in _CLOSERS or norm[cut] in _HARD_STOPS):
            cut += 1
        emit(start, cut)
        start = cut
    emit(start, n)
    return out


def _semicolon_in_chinese(norm: str, i: int) -> bool:
    before = norm[i - 1] if i > 0 else ""
    after = norm[i + 1] if i + 1 < len(norm) else ""
    return is_han(before) or is_han(after)


# ----------------------------------------------------------------------------- regex prefilter

_MAX_SET = 64


def _fold_char(ch: str) -> str:
    """``ch`` as :func:`fold` leaves it."""
    low = ch.lower()
    if len(low) != 1:  # "İ": re.IGNORECASE uses the simple mapping, "i"
        low = _fold_table()[1].get(ch, ch)
    return _fold_table()[0].get(low, low)


@lru_cache(maxsize=1)
def _fold_table() -> tuple[dict[str, str], dict[str, str], re.Pattern[str], re.Pattern[str]]:
    """What ``str.lower()`` leaves apart and ``re.IGNORECASE`` matches together: the letters that
    fold with another one (``ſ``/``s``, ``ı``/``i``, ``µ``/``μ``, Greek and Cyrillic variants), each
    mapped to one of its group, and the characters whose ``lower()`` is two characters (``İ``),
    mapped to their simple lower case. Read from the ``re`` module's own tables."""
    import _sre
    import re._casefix as casefix

    canon = {}
    for k, v in casefix._EXTRA_CASES.items():
        first = min((k, *v))
        if first != k:
            canon[chr(k)] = chr(first)
    double = {chr(c): chr(_sre.unicode_tolower(c)) for c in range(0x80, 0x110000) if len(chr(c).lower()) != 1}

    def char_class(chars: Iterable[str]) -> re.Pattern[str]:
        return re.compile("[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]")

    return canon, double, char_class(canon), char_class(double)


def _exact(items: object) -> set[str] | None:
    """Every string a small finite pattern can match (lower-cased), or None."""
    import re._constants as c

    out = {""}
    for op, av in items:  # type: ignore[attr-defined]
        alt: set[str] | None
        if op is c.LITERAL:
            alt = {_fold_char(chr(av))}
        elif op is c.IN:
            alt = {_fold_char(chr(a)) for o, a in av} if all(o is c.LITERAL for o, _ in av) else None
        elif op is c.SUBPATTERN:
            alt = _exact(av[3])
        elif op is c.ATOMIC_GROUP:
            alt = _exact(av)
        elif op is c.BRANCH:
            alts = [_exact(b) for b in av[1]]
            alt = set().union(*alts) if all(a is not None for a in alts) else None  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[1] <= 1:
            inner = _exact(av[2])
            alt = None if inner is None else (inner | {""} if av[0] == 0 else inner)
        elif op is c.AT:
            alt = {""}
        else:
            alt = None
        if alt is None or len(out) * len(alt) > _MAX_SET:
            return None
        out = {a + b for a in out for b in alt}
    return out


def _cost(strings: set[str] | frozenset[str]) -> tuple[bool, int, int]:
    """How cheap and selective a set is to look for: few strings, none of them very short."""
    shortest = min(len(x) for x in strings)
    return shortest < 4, len(strings), -shortest


def _minimal(strings: set[str]) -> frozenset[str]:
    """Drop the strings that contain another one ("control" already covers "controls")."""
    return frozenset(x for x in strings if not any(y != x and y in x for y in strings))


def _required(items: object) -> list[set[str]]:
    """Sets of strings (lower-cased) such that every match of the pattern contains a string of
    each set (a conjunction; empty: no constraint known)."""
    import re._constants as c

    needs: list[set[str]] = []
    run = {""}

    def close() -> None:
        nonlocal run
        if "" not in run:
            needs.append(run)
        run = {""}

    for op, av in items:  # type: ignore[attr-defined]
        alt = _exact([(op, av)])
        if alt is not None and len(run) * len(alt) <= _MAX_SET:
            run = {a + b for a in run for b in alt}
            continue
        close()
        if op is c.SUBPATTERN:
            needs += _required(av[3])
        elif op is c.ATOMIC_GROUP:
            needs += _required(av)
        elif op is c.BRANCH:  # one set: the union of each alternative's best
            alts = [_required(b) for b in av[1]]
            if all(alts):
                needs.append(set().union(*(min(a, key=_cost) for a in alts)))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            needs += _required(av[2])
    close()
    return [n for n in needs if "" not in n]


def required_literals(regex: re.Pattern[str], *, most: int = 3) -> tuple[frozenset[str], ...]:
    """Sets of lower-cased strings such that every match of ``regex`` contains a string of each
    set: the ``most`` cheapest such sets, cheapest first (empty: nothing known).

    Exact by construction (a necessary condition read off the parsed pattern): a text that lacks
    every string of one of the sets, once folded by :func:`fold`, cannot match.
    """
    import re._parser as parser

    try:
        parsed = parser.parse(regex.pattern, regex.flags)
    except Exception:
        return ()
    needs = sorted({_minimal(n) for n in _required(parsed.data)}, key=_cost)
    return tuple(needs[:most])


def fold(text: str) -> str:
    """``text`` lower-cased the way ``re.IGNORECASE`` compares letters, one character for one
    (offsets into ``text`` stay valid): what :class:`Prefilter` looks for literals in."""
    canon, double, canon_re, double_re = _fold_table()
    if not text.isascii() and double_re.search(text):
        text = double_re.sub(lambda m: double[m.group()], text)
    low = text.lower()
    if not low.isascii() and canon_re.search(low):
        low = canon_re.sub(lambda m: canon[m.group()], low)
    return low


class Prefilter:
    """Which of many regexes can match a text, from the literal strings each one needs.

    ``scope(document)`` keeps, once per document, the literals the document contains; then
    ``candidates(start, end)`` gives, in order, the indices of the regexes that can match the
    document's ``[start, end)`` (a sentence). Exact: a regex left out cannot match (see
    :func:`required_literals`).
    """

    def __init__(self, regexes: Sequence[re.Pattern[str]]) -> None:
        self.needs: tuple[tuple[frozenset[str], ...], ...] = tuple(required_literals(r) for r in regexes)
        literals = {lit for need in self.needs for group in need for lit in group}
        self.latin = sorted(lit for lit in literals if not has_han(lit))
        self.cjk = sorted(lit for lit in literals if has_han(lit))

    def scope(self, document: str) -> PrefilterScope:
        low = fold(document)
        present = _presence(low)
        for lit in self.latin if not has_han(low) else self.latin + self.cjk:
            if lit not in present:
                present[lit] = lit in low
        live: list[tuple[int, tuple[tuple[str, ...], ...]]] = []
        for i, need in enumerate(self.needs):
            kept = tuple(tuple(lit for lit in group if present.get(lit)) for group in need)
            if all(kept):
                live.append((i, kept))
        return PrefilterScope(tuple(live), low)


_PRESENCE: dict[str, dict[str, bool]] = {}


def _presence(low: str) -> dict[str, bool]:
    """Which literals a folded document contains, shared by the extractors' filters (the
    statistics, stance and claim passes look at the same document one after the other)."""
    found = _PRESENCE.get(low)
    if found is None:
        if len(_PRESENCE) >= 2:
            _PRESENCE.pop(next(iter(_PRESENCE)))
        found = _PRESENCE[low] = {}
    return found


class PrefilterScope:
    """:class:`Prefilter` narrowed to one document."""

    def __init__(self, live: tuple[tuple[int, tuple[tuple[str, ...], ...]], ...], low: str) -> None:
        self.live = live
        self.low = low

    def candidates(self, start: int, end: int) -> list[int]:
        """The regexes that can match the document's ``[start, end)``, by index, in order."""
        low = self.low[start:end]
        return [i for i, need in self.live if all(any(lit in low for lit in group) for group in need)]
