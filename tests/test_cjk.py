"""Issue 17: one "is this CJK" helper with the right ranges (``worker.common.cjk``), and no copy of
its ranges left elsewhere in the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from worker.common.cjk import HAN, has_han, has_wide, is_han

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("ch", "han", "wide"), [
    ("稀", True, True),            # CJK Unified
    ("\u4e00", True, True),        # first of CJK Unified
    ("\u9fff", True, True),        # last of CJK Unified
    ("\u3400", True, True),        # Extension A, first
    ("\u4db5", True, True),        # Extension A
    ("\uf900", True, True),        # Compatibility Ideographs
    ("\ufa6d", True, True),
    ("\u4dc0", False, False),      # Yijing hexagram: between Ext A and Unified, not writing
    ("ひ", False, True),           # hiragana
    ("カ", False, True),           # katakana
    ("\uff76", False, True),       # half-width katakana
    ("한", False, True),           # Hangul syllable
    ("\u1100", False, True),       # Hangul jamo
    ("。", False, False),          # CJK punctuation is no letter of these scripts
    ("，", False, False),          # full-width comma
    ("a", False, False),
    ("é", False, False),
    ("5", False, False),
])
def test_script_ranges(ch: str, han: bool, wide: bool) -> None:
    assert is_han(ch) is han
    assert has_han(f"ab {ch} 12") is han
    assert has_wide(ch) is wide


def test_text_level_answers() -> None:
    assert has_han("China supplies 90% (据报道)")
    assert not has_han("China supplies 90%")
    assert not has_han("ひらがなとカタカナ")
    assert has_wide("ひらがなとカタカナ")
    assert not is_han("稀土")  # one character, not a text
    assert HAN.findall("中国稀土 rare earths 占92%") == list("中国稀土占")


# The ranges written out by hand: \u3400, \u4e00, \u9fff, \uac00 … in a regex or a comparison.
_COPY = re.compile(r"\\u(3400|4e00|4dbf|9fff|f900|3040|30ff|ac00|d7af)", re.IGNORECASE)


def test_no_copy_of_the_ranges_outside_the_helper() -> None:
    copies = []
    for top in ("worker", "storage", "tasks", "remon"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if path == ROOT / "worker" / "common" / "cjk.py":
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _COPY.search(line) or re.search(r"0x(4E00|3400|F900)\b", line, re.IGNORECASE):
                    copies.append(f"{path.relative_to(ROOT)}:{n}")
    assert copies == []
