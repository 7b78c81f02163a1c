"""The official scorer: matching rules of SCHEMA.md "Scoring", grouping and target checks."""

from __future__ import annotations

from typing import Any

import pytest

from worker.extract.eval_report import format_report
from worker.extract.evaluate import Scores, evaluate, meets_targets


def stat(value: float, unit: str = "percent", approx: bool = False, subject: str | None = "china",
         material: str | None = "rare_earths", measure: str | None = "share_of_global_production",
         **extra: Any) -> dict[str, Any]:
    return {"value": value, "unit": unit, "approx": approx, "subject": subject, "material": material,
            "measure": measure, **extra}


def gold(pid: str, lang: str, stats: list[dict[str, Any]], stances: list[tuple[str, str]],
         relevant: bool = True) -> dict[str, Any]:
    return {"id": pid, "lang": lang, "text": "…", "relevant": relevant, "statistics": stats,
            "stances": [{"actor": a, "position": p} for a, p in stances]}


def pred(stats: list[dict[str, Any]], stances: list[tuple[str, str]],
         relevant: bool = True) -> dict[str, Any]:
    return {"language": "en", "relevant": relevant, "relevance": 0.9 if relevant else 0.1,
            "statistics": stats,
            "stances": [{"actor": a, "position": p, "confidence": 0.8, "sentence": ""} for a, p in stances],
            "claims": []}


MATCH_CASES = [
    # (name, gold stat, predicted stat, quantity match, full match)
    ("exact", stat(61), stat(61), True, True),
    ("within-0.5%", stat(1000, "tonnes"), stat(1004, "tonnes"), True, True),
    ("beyond-0.5%", stat(1000, "tonnes"), stat(1006, "tonnes"), False, False),
    ("unit-differs", stat(61), stat(61, "percentage_points"), False, False),
    ("approx-differs", stat(90, approx=True), stat(90), False, False),
    ("measure-differs", stat(90), stat(90, measure="share_of_global_refining"), True, False),
    ("subject-null", stat(90, subject=None), stat(90, subject="china"), True, False),
    ("zero", stat(0, "tonnes"), stat(0, "tonnes"), True, True),
]


@pytest.mark.parametrize(("name", "g", "p", "quantity", "full"), MATCH_CASES, ids=[c[0] for c in MATCH_CASES])
def test_statistic_matching(name: str, g: dict[str, Any], p: dict[str, Any], quantity: bool,
                            full: bool) -> None:
    report = evaluate([gold("x", "en", [g], [])], [pred([p], [])])
    assert report.groups["en"].stats_quantity.tp == int(quantity), name
    assert report.groups["en"].stats_full.tp == int(full), name


def test_one_to_one_every_mention_counts() -> None:
    g = gold("x", "en", [stat(90), stat(90)], [])
    once = evaluate([g], [pred([stat(90)], [])]).groups["all"].stats_quantity
    assert (once.tp, once.fp, once.fn) == (1, 0, 1)
    thrice = evaluate([g], [pred([stat(90)] * 3, [])]).groups["all"].stats_quantity
    assert (thrice.tp, thrice.fp, thrice.fn) == (2, 1, 0)


def test_greedy_prefers_closest_value() -> None:
    g = gold("x", "en", [stat(100, "tonnes"), stat(100.4, "tonnes")], [])
    p = pred([stat(100.4, "tonnes"), stat(100, "tonnes")], [])
    assert evaluate([g], [p]).groups["all"].stats_quantity.tp == 2


def test_stances_are_deduplicated_pairs() -> None:
    g = gold("x", "zh-Hant", [], [("china", "tighten"), ("china", "ease")])
    p = pred([], [("china", "tighten"), ("china", "tighten"), ("united_states", "press")])
    s = evaluate([g], [p]).groups["zh"].stances
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)


def test_languages_grouped() -> None:
    golds = [gold("a", "en", [], [], relevant=False), gold("b", "zh-Hans", [], [("china", "tighten")]),
             gold("c", "zh-Hant", [], [("china", "tighten")])]
    preds = [pred([], [], relevant=False), pred([], [("china", "tighten")]), pred([], [], relevant=False)]
    report = evaluate(golds, preds)
    assert report.groups["en"].passages == 1
    assert report.groups["zh"].passages == 2
    assert report.groups["all"].passages == 3
    assert report.groups["en"].relevance_accuracy == 1.0
    assert report.groups["zh"].relevance_accuracy == 0.5
    assert report.groups["zh"].relevance.recall == 0.5
    kinds = {(f.passage, f.kind) for f in report.misses}
    assert ("c", "relevance") in kinds and ("c", "stance") in kinds


def test_alignment_by_id() -> None:
    golds = [gold("a", "en", [stat(1)], []), gold("b", "en", [stat(2)], [])]
    preds = [{**pred([stat(2)], []), "id": "b"}, {**pred([stat(1)], []), "id": "a"}]
    assert evaluate(golds, preds).groups["all"].stats_quantity.tp == 2
    with pytest.raises(ValueError, match="predictions"):
        evaluate(golds, [pred([], [])])


def test_findings_and_targets() -> None:
    g = gold("x", "en", [stat(61)], [("china", "tighten")])
    p = pred([stat(61, measure="share_of_global_refining"), stat(5, "count")], [("china", "ease")])
    report = evaluate([g], [p])
    kinds = sorted((f.kind, f.what.split()[0]) for f in report.misses)
    assert ("statistic_fields", "61") in kinds and ("stance", "china") in kinds
    assert {f.kind for f in report.false_hits} == {"statistic", "stance"}
    failures = meets_targets(report)
    assert any(f.startswith("en: stance_f1") for f in failures)
    assert not any(f.startswith("zh") for f in failures)  # no zh passages: not judged
    text = format_report(report)
    assert "stances P/R/F1" in text and "misses" in text
    assert report.to_dict()["groups"]["en"]["stances"]["fn"] == 1


def test_perfect_report_meets_targets() -> None:
    golds = [gold("a", "en", [stat(61)], [("china", "tighten")]),
             gold("b", "zh-Hans", [stat(92)], [("china", "maintain")])]
    preds = [pred([stat(61)], [("china", "tighten")]), pred([stat(92)], [("china", "maintain")])]
    assert meets_targets(evaluate(golds, preds)) == []


def test_scores_edge_cases() -> None:
    assert Scores().f1 == 1.0  # nothing expected, nothing predicted
    assert Scores(fp=2).precision == 0.0
    assert Scores(fn=2).recall == 0.0
    assert Scores(tp=1, fp=1, fn=1).f1 == pytest.approx(0.5)


# ----------------------------------------------------------------------------- error classes, folds, calibration

from worker.extract.calibration import calibration_rows  # noqa: E402
from worker.extract.folds import fold_of, per_fold, select  # noqa: E402

CLASS_CASES = [
    # (name, gold stats, predicted stats, the classes of misses + false hits)
    ("missed", [stat(61)], [], ["number missed"]),
    ("unit", [stat(61)], [stat(61, "percentage_points")], ["unit wrong", "unit wrong"]),
    ("approx", [stat(61, approx=True)], [stat(61)], ["approx wrong", "approx wrong"]),
    ("sign", [stat(-24.1, measure="export_change")], [stat(24.1, measure="export_change")],
     ["sign wrong", "sign wrong"]),
    ("out of scope", [], [stat(2025, "count")], ["out-of-scope number taken"]),
    ("subject and measure", [stat(92)], [stat(92, subject="global", measure="share_of_global_refining")],
     ["wrong subject", "wrong measure"]),
]


@pytest.mark.parametrize(("name", "g", "p", "classes"), CLASS_CASES, ids=[c[0] for c in CLASS_CASES])
def test_statistic_error_classes(name: str, g: list[dict[str, Any]], p: list[dict[str, Any]],
                                 classes: list[str]) -> None:
    report = evaluate([gold("x", "en", g, [])], [pred(p, [])])
    got = sorted(c for f in (*report.misses, *report.false_hits) for c in f.classes)
    assert got == sorted(classes), name
    assert "error classes:" in format_report(report)


def test_stance_error_classes() -> None:
    g = gold("x", "en", [], [("china", "tighten"), ("united_states", "press"), ("japan", "counter")])
    p = pred([], [("china", "ease"), ("european_union", "press"), ("india", "negotiate")])
    counts = evaluate([g], [p]).error_classes()[("stance", "en")]
    assert counts == {"wrong position": 2, "wrong actor": 2, "stance missed": 1, "spurious stance": 1}


def test_folds_are_fixed_by_the_id_and_partition_the_passages() -> None:
    assert [fold_of(i) for i in ("p003", "e004", "z010")] == [fold_of(i) for i in ("p003", "e004", "z010")]
    golds = [gold(f"id{i}", "en", [], []) for i in range(100)]
    parts = [select(golds, only=k) for k in range(5)]
    assert sum(len(x) for x in parts) == 100 and all(parts)
    assert len(select(golds, exclude=2)) == 100 - len(parts[2])
    reports = per_fold(golds, [pred([], []) for _ in golds])
    assert [r.groups["all"].passages for r in reports] == [len(x) for x in parts]


def test_calibration_bands_count_right_and_wrong() -> None:
    g = gold("x", "en", [stat(61), stat(92)], [("china", "tighten")])
    p = pred([{**stat(61), "confidence": 0.95}, {**stat(92, subject="global"), "confidence": 0.85}],
             [("china", "tighten")])
    rows = calibration_rows(evaluate([g], [p]).judged)
    assert ("statistic", "0.9-1.0", 1, 1) in rows and ("statistic", "0.8-0.9", 1, 0) in rows
    assert ("stance", "0.8-0.9", 1, 1) in rows
