"""Text helpers shared by the extractors: normalisation, language, sentences.

Every function here is *length-stable*: ``normalize`` and ``to_simplified`` replace one
character by exactly one character, so an offset found in the normalised text is the same
offset in the original text. The extractors search the normalised text and report spans
into the text they were given, without any offset bookkeeping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

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
    return text.translate(_NORMALIZE_TABLE)


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """Traditional→Simplified one-to-one character table (data/t2s.txt, derived from OpenCC)."""
    table: dict[int, str] = {}
    raw = resources.files("worker.extract").joinpath("data/t2s.txt").read_text(encoding="utf-8")
    for line in raw.splitlines():
        if len(line) == 2 and not line.startswith("#"):
            table[ord(line[0])] = line[1]
    return table


def to_simplified(text: str) -> str:
    """Map Traditional characters to Simplified ones, character by character (length-stable).

    Good enough for matching vocabulary (``稀土磁鐵`` → ``稀土磁铁``); not a full converter,
    which would need phrase tables and could change the length.
    """
    return text.translate(_t2s_table())


# ----------------------------------------------------------------------------- language


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF


_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile(r"[A-Za-z]")


def is_chinese(text: str) -> bool:
    """True when Chinese characters dominate: English with a quoted Chinese name stays English.

    A Chinese character carries about as much as a four-letter English word, hence the 4.
    """
    cjk = len(_CJK_RE.findall(text))
    return cjk > 0 and cjk * 4 >= len(_LATIN_RE.findall(text))


def detect_language(text: str) -> str:
    """``"en"``, ``"zh-Hans"`` or ``"zh-Hant"``; Traditional when its characters outnumber Simplified ones."""
    if not is_chinese(text):
        return "en"
    table = _t2s_table()
    simplified_only = _simplified_only()
    chars = _CJK_RE.findall(text)
    trad = sum(1 for ch in chars if ord(ch) in table)
    simp = sum(1 for ch in chars if ch in simplified_only)
    return "zh-Hant" if trad > simp else "zh-Hans"


@lru_cache(maxsize=1)
def _simplified_only() -> frozenset[str]:
    table = _t2s_table()
    targets = set(table.values())
    return frozenset(ch for ch in targets if ord(ch) not in table)


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
        return _is_cjk(nxt)
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
    return bool(before and _is_cjk(before)) or bool(after and _is_cjk(after))
