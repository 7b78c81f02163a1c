"""Is this Chinese, Japanese or Korean: the one definition of the scripts (issue 17).

Three ranges of Han ideographs make Chinese text: CJK Unified Ideographs (U+4E00–9FFF), Extension
A (U+3400–4DBF) and the Compatibility Ideographs (U+F900–FAFF). U+4DC0–4DFF between them are the
Yijing hexagram symbols, not writing, so ``3400-9FFF`` in one span was a little too wide.
Japanese adds kana (hiragana, katakana, their phonetic extensions, half-width katakana) and Korean
Hangul (syllables and jamo): only the callers that must tell those languages apart (language
detection, article length, near-duplicate shingles) use them. The ``*_CLASS`` strings go inside a
regex character class of a larger pattern (``f"[^{HAN_CLASS}]"``).
"""

from __future__ import annotations

import re

HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
KANA_CLASS = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HANGUL_CLASS = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
WIDE_CLASS = HAN_CLASS + KANA_CLASS + HANGUL_CLASS
"""Every script written without spaces between words (Han, kana, Hangul)."""

HAN = re.compile(f"[{HAN_CLASS}]")
KANA = re.compile(f"[{KANA_CLASS}]")
HANGUL = re.compile(f"[{HANGUL_CLASS}]")
KANA_HANGUL = re.compile(f"[{KANA_CLASS}{HANGUL_CLASS}]")
WIDE = re.compile(f"[{WIDE_CLASS}]")


def is_han(ch: str) -> bool:
    """True for one Han ideograph (Chinese character, also used in Japanese and Korean)."""
    return HAN.fullmatch(ch) is not None


def has_han(text: str) -> bool:
    """True when ``text`` holds at least one Han ideograph: the test for "this is Chinese text"
    that the vocabulary, the number rules and the stance rules use to pick their Chinese form."""
    return HAN.search(text) is not None


def has_wide(text: str) -> bool:
    """True when ``text`` holds a character of a script written without spaces (Han, kana, Hangul)."""
    return WIDE.search(text) is not None
