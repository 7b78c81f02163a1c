"""How ``remon eval`` scores measure events (worker.extract.measures.scoring, evaluate)."""

from __future__ import annotations

from typing import Any

from worker.extract.eval_report import format_report
from worker.extract.evaluate import attach_events, evaluate, meets_targets
from worker.extract.measures.scoring import action_pairs, dates, identifiers, issuer_pairs


def ev(action: str, materials: list[str], **kw: Any) -> dict[str, Any]:
    return {"action": action, "materials": materials, "issuer": kw.pop("issuer", None), **kw}


def test_action_pairs_ignore_how_statements_are_split() -> None:
    one = [ev("impose", ["gallium", "germanium"])]
    two = [ev("impose", ["gallium"]), ev("impose", ["germanium"]), ev("impose", ["gallium"])]
    assert action_pairs(one) == action_pairs(two) == {("impose", "gallium"), ("impose", "germanium")}
    assert action_pairs([ev("expand", [])]) == {("expand", "")}  # a dual-use measure names no mineral


def test_identifiers_include_the_measure_acted_on() -> None:
    got = identifiers([ev("suspend", ["gallium"], identifier="mofcom-2025-72", refers_to="mofcom-2024-46"),
                       ev("impose", ["gallium"])])
    assert got == {"mofcom-2025-72", "mofcom-2024-46"}


def test_dates_keep_the_most_precise_statement() -> None:
    got = dates([ev("expand", ["rare_earths"], announced="2025-10"),
                 ev("expand", ["rare_earths"], announced="2025-10-09", effective="2025-12-01"),
                 ev("impose", ["rare_earths"], announced="2025"), ev("suspend", ["rare_earths"], until="--11-10")])
    assert got == {("announced", "2025-10-09"), ("effective", "2025-12-01"), ("until", "--11-10")}
    # an announcement date is not an effective date
    assert ("effective", "2025-10-09") not in got


def test_issuer_pairs() -> None:
    assert issuer_pairs([ev("impose", ["gallium"], issuer="mofcom"), ev("lift", ["cobalt"])]) == {("mofcom", "impose")}


def passage(pid: str, lang: str, events: list[dict[str, Any]] | None) -> dict[str, Any]:
    line: dict[str, Any] = {"id": pid, "lang": lang, "relevant": True, "statistics": [], "stances": []}
    if events is not None:
        line["events"] = events
    return line


def prediction(pid: str, measures: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": pid, "relevant": True, "statistics": [], "stances": [], "measures": measures}


def test_evaluate_scores_only_labelled_passages() -> None:
    gold = [
        passage("a", "en", [ev("impose", ["gallium", "germanium"], identifier="mofcom-2023-23",
                               announced="2023-07-03", effective="2023-08-01")]),
        passage("b", "zh-Hans", [ev("suspend", ["rare_earths"], until="2026-11-10")]),
        passage("c", "en", []),  # labelled: no events, so any prediction is a false hit
        passage("d", "en", None),  # not labelled for events: not scored
    ]
    predicted = [
        prediction("a", [ev("impose", ["gallium"], identifier="mofcom-2023-23", effective="2023-08-01")]),
        prediction("b", [ev("suspend", ["rare_earths"], until="2026-11-10"), ev("impose", ["rare_earths"])]),
        prediction("c", [ev("expand", ["antimony"])]),
        prediction("d", [ev("lift", ["cobalt"])]),
    ]
    report = evaluate(gold, predicted)
    en, zh = report.groups["en"], report.groups["zh"]
    assert (en.event_passages, zh.event_passages, report.groups["all"].event_passages) == (2, 1, 3)
    assert (en.events_action.tp, en.events_action.fp, en.events_action.fn) == (1, 1, 1)
    assert (en.events_identifier.tp, en.events_identifier.fp, en.events_identifier.fn) == (1, 0, 0)
    assert (en.events_date.tp, en.events_date.fn) == (1, 1)
    assert (zh.events_action.tp, zh.events_action.fp) == (1, 1) and zh.events_date.f1 == 1.0
    kinds = {(f.passage, f.kind, f.what) for f in report.misses}
    assert ("a", "event_action", "impose germanium") in kinds and ("a", "event_date", "announced 2023-07-03") in kinds
    assert ("c", "event_action", "expand antimony") in {(f.passage, f.kind, f.what) for f in report.false_hits}
    data = report.to_dict()
    assert data["events"]["en"]["action_materials"]["tp"] == 1 and "events_action_f1" in data["targets"]
    assert any("events_action_f1" in f for f in meets_targets(report))
    assert "events action P/R/F1" in format_report(report)


def test_without_event_labels_nothing_changes() -> None:
    report = evaluate([passage("x", "en", None)], [prediction("x", [ev("impose", ["gallium"])])])
    assert not report.events_scored
    assert "events" not in report.to_dict() and "events action" not in format_report(report)
    assert not [f for f in meets_targets(report) if f.split(": ")[1].startswith("events")]


def test_attach_events_by_id() -> None:
    gold = [{"id": "p1", "text": "…"}, {"id": "p2", "text": "…"}]
    out = attach_events(gold, [{"id": "p2", "events": [ev("impose", ["graphite"])]}, {"id": "zz", "events": []}])
    assert "events" not in out[0] and out[1]["events"][0]["materials"] == ["graphite"]
    assert "events" not in gold[1]  # the input is left alone
