"""worker.extract.text: length-stable normalisation, language detection, sentence spans."""

from __future__ import annotations

import pytest

from worker.extract.text import (
    Sentence,
    detect_language,
    is_chinese,
    normalize,
    split_sentences,
    to_simplified,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("９０％", "90%"),
        ("占全球的８０％，", "占全球的80%,"),
        ("US\u00a0$1.2bn", "US $1.2bn"),
        ("80\u201390%", "80-90%"),
        ("China\u2019s", "China's"),
        ("\u3000稀土", " 稀土"),
        ("plain text", "plain text"),
    ],
)
def test_normalize_is_length_stable(raw: str, expected: str) -> None:
    assert normalize(raw) == expected
    assert len(normalize(raw)) == len(raw)


def test_to_simplified_is_length_stable() -> None:
    raw = "中國稀土磁鐵出口總量"
    assert to_simplified(raw) == "中国稀土磁铁出口总量"
    assert len(to_simplified(raw)) == len(raw)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("China controls most rare earth refining.", "en"),
        ("The report cites 中国 as the main supplier of rare earths to the world.", "en"),
        ("中国稀土产量占全球的六成以上，商务部将加强出口管制。", "zh-Hans"),
        ("中國稀土產量佔全球的六成以上，商務部將加強出口管制。", "zh-Hant"),
        ("", "en"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang
    assert is_chinese(text) == (lang != "en")


def _texts(text: str) -> list[str]:
    sents = split_sentences(text)
    for s in sents:
        assert isinstance(s, Sentence)
        assert text[s.start : s.end] == s.text
    return [s.text for s in sents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. imports most magnets. Prices rose 8.63% in Dec. 2024! Will it last?",
            ["The U.S. imports most magnets.", "Prices rose 8.63% in Dec. 2024!", "Will it last?"],
        ),
        ("See No. 61 of the rules. Next one.", ["See No. 61 of the rules.", "Next one."]),
        ("Analyst J. Smith said so. Then he left.", ["Analyst J. Smith said so.", "Then he left."]),
        ('He said "it is over." Then silence.', ['He said "it is over."', "Then silence."]),
        ("Headline without stop\nBody sentence.", ["Headline without stop", "Body sentence."]),
        (
            "中国加强管制。出口下降；价格上涨！真的吗？",
            ["中国加强管制。", "出口下降；", "价格上涨！", "真的吗？"],
        ),
        ("稀土出口下降;价格上涨", ["稀土出口下降;", "价格上涨"]),
        ("他说：“管制将继续。”随后离开。", ["他说：“管制将继续。”", "随后离开。"]),
        ("  leading and trailing spaces.  ", ["leading and trailing spaces."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_split_sentences_offsets_with_full_width_text() -> None:
    text = "中國佔全球９０％。稀土磁鐵出口下滑５．２％。"
    sents = split_sentences(text)
    assert [text[s.start : s.end] for s in sents] == ["中國佔全球９０％。", "稀土磁鐵出口下滑５．２％。"]
