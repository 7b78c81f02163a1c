"""The alert-kind registry (``worker.alert.kinds``): every kind named once, labelled in every language,
and read by the renderer, the planner and the digest from there."""

from __future__ import annotations

import pytest

from worker.alert import render
from worker.alert.kinds import KINDS, about_source, is_debounced, names_about
from worker.measures.render import MEASURE_KINDS


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_kind_has_a_label_and_every_label_a_kind(lang: str) -> None:
    assert set(render.labels(lang)["kinds"]) == set(KINDS)


def test_the_renderer_reads_its_lists_from_the_registry() -> None:
    assert render.ARTICLE_KINDS == ("new_statistic", "changed_statistic", "stance_shift", "new_claim")
    assert render.SOURCE_KINDS == ("source_failing", "source_recovered") == names_about("source")
    assert names_about("measure") == MEASURE_KINDS
    assert all(KINDS[k].from_article for k in render.ARTICLE_KINDS)
    assert not any(KINDS[k].from_article for k in (*MEASURE_KINDS, *render.SOURCE_KINDS))


@pytest.mark.parametrize(("kind", "debounced", "source"), [
    ("new_statistic", False, False), ("changed_statistic", True, False), ("stance_shift", True, False),
    ("new_claim", True, False), ("source_failing", True, True), ("source_recovered", True, True),
    ("measure_reminder", True, False), ("a_kind_from_a_newer_version", True, False),
])
def test_what_delivery_reads_of_a_kind(kind: str, debounced: bool, source: bool) -> None:
    assert (is_debounced(kind), about_source(kind)) == (debounced, source)
