"""The vocabulary the extractor matches with (aliases, case, scripts, plurals), and the extractor's
robustness on any text (never raises, spans inside the text).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.extract.statistics import extract_statistics
from worker.extract.vocab import load_vocabulary


def test_vocabulary_matching_rules() -> None:
    vocab = load_vocabulary()
    text = "The U.S. Defense Department, the US and us; 美國與中國大陸; rare-earth magnets; F-35s"
    actors = [(m.key, m.alias) for m in vocab.find_actors(text)]
    assert actors == [
        ("pentagon", "U.S. Defense Department"),  # longest alias wins
        ("united_states", "US"),  # "us" (lower case) is a pronoun
        ("united_states", "美國"),  # Traditional folded to Simplified
        ("china", "中國大陸"),
        ("f35", "F-35s"),  # plural
    ]
    materials = [(m.key, m.alias) for m in vocab.find_materials(text)]
    assert materials == [("rare_earth_magnets", "rare-earth magnets")]


def test_vocabulary_ignores_names_that_contain_an_actor() -> None:
    vocab = load_vocabulary()
    assert vocab.find_actors("according to the US Geological Survey") == []
    assert [m.key for m in vocab.find_actors("US$1.2bn from Washington")] == ["united_states"]


def test_vocabulary_rejects_unquoted_yaml_booleans() -> None:
    from worker.errors import ConfigError

    with pytest.raises(ConfigError):
        load_vocabulary({"cues": {"source_marker": {"en": [True]}}})


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet="rare earth 稀土镓0123456789.,%$万亿成倍of China中国-~/\n。；:()百分之一二三零to至from",
        max_size=120,
    )
)
def test_never_raises_and_spans_stay_inside(text: str) -> None:
    for stat in extract_statistics(text):
        assert 0 <= stat.start < stat.end <= len(text)
        assert stat.sentence in text
