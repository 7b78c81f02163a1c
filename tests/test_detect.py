"""The detector's rules, table-driven, and the dev timeline replayed through it (no I/O)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from worker.config import Thresholds
from worker.detect.detector import default_same_claim, detect, differs
from worker.detect.state import ArticleContext, DetectorState, KnownClaim, MetricPoint, PositionPoint
from worker.types import Analysis, Claim, Stance, Statistic

T0 = datetime(2025, 4, 1, 8, tzinfo=UTC)
TH = Thresholds()
KEY = "china/rare_earths/share_of_global_refining"


def stat(value: float, unit: str = "percent", approx: bool = False,
         measure: str | None = "share_of_global_refining", subject: str | None = "china",
         material: str | None = "rare_earths", high: float | None = None) -> Statistic:
    return Statistic(value=value, unit=unit, approx=approx, subject=subject, material=material,
                     measure=measure,
                     value_high=high, sentence=f"China holds {value}.")


def ctx(n: int, days: float = 0, source: str = "wire", dup: bool = False) -> ArticleContext:
    return ArticleContext(article_id=n, url=f"http://127.0.0.1/a/{n}", source=source,
                          published=T0 + timedelta(days=days), is_duplicate=dup)


def point(value: float, unit: str = "percent", approx: bool = False, days: float = 0, alerted: bool = True,
          source: str = "daily", article: int = 1) -> MetricPoint:
    return MetricPoint(value, None, unit, approx, T0 + timedelta(days=days), article,
                       f"http://127.0.0.1/a/{article}", source, alerted)


def analysis(*stats: Statistic, stances: tuple[Stance, ...] = (), claims: tuple[Claim, ...] = ()) -> Analysis:
    return Analysis(language="en", relevant=True, relevance=0.9, statistics=stats, stances=stances,
                    claims=claims)


# ----------------------------------------------------------------------------- tolerances

@pytest.mark.parametrize(("new", "unit", "new_approx", "cur", "cur_approx", "changed"), [
    (91.0, "percent", False, 92.0, False, True),     # exactly 1 percentage point
    (91.5, "percent", False, 92.0, False, False),    # half a point: a repeat
    (60.0, "percent", False, 61.0, False, True),
    (102.0, "tonnes", False, 100.0, False, True),    # 2% relative
    (101.5, "tonnes", False, 100.0, False, False),   # 1.5%: repeat
    (92.0, "percent", True, 90.0, True, False),      # hedged: 2.2% < 5%
    (92.0, "percent", False, 90.0, True, False),     # either hedged is enough
    (95.0, "percent", True, 90.0, False, True),      # hedged 5.6%
    (60.0, "percent", True, 70.0, True, True),
    (104.0, "tonnes", True, 100.0, False, False),  # hedged: 4% < 5%
    (5000.0, "kg", False, 5.0, False, False),        # 5000 kg == 5 tonnes
    (5.0, "usd", False, 5.0, False, True),           # tonnes vs usd: not comparable, a change
])
def test_tolerances(new: float, unit: str, new_approx: bool, cur: float, cur_approx: bool,
                    changed: bool) -> None:
    current = point(cur, unit="tonnes" if unit in ("kg", "usd") else unit, approx=cur_approx)
    assert differs(new, unit, new_approx, current, TH) is changed


def test_thresholds_are_configurable() -> None:
    loose = Thresholds(percent_points=3.0)
    assert not differs(90.0, "percent", False, point(92.0), loose)
    assert differs(88.0, "percent", False, point(92.0), loose)


# ----------------------------------------------------------------------------- statistics

def kinds(decision_changes: tuple[object, ...]) -> list[str]:
    return [c.kind for c in decision_changes]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("history", "article", "stats", "expected"), [
    # first value of a metric key
    ([], ctx(2), [stat(90)], ["new_statistic"]),
    # changed from the current value
    ([point(92)], ctx(2, 1), [stat(90)], ["changed_statistic"]),
    # a repeat only corroborates
    ([point(90)], ctx(2, 1), [stat(90.5)], []),
    # late article: older than the current value, history only
    ([point(92, days=2)], ctx(2, 1), [stat(50)], []),
    # same timestamp is not late
    ([point(92)], ctx(2, 0), [stat(50)], ["changed_statistic"]),
    # the current value is the latest ALERT: a drift of repeats still alerts once it passes the tolerance
    ([point(90), point(90.6, days=1, alerted=False), point(91.2, days=2, alerted=False)], ctx(2, 3),
     [stat(91.0)],
     ["changed_statistic"]),
    # unknown subject / material / measure or measure other: never alerts
    ([], ctx(2), [stat(90, subject=None), stat(3, unit="count", measure="other"), stat(5, measure=None)], []),
    # two values for one metric in one article: compared in turn (state advances)
    ([point(92)], ctx(2, 1), [stat(90), stat(90.2), stat(80)], ["changed_statistic", "changed_statistic"]),
    ([], ctx(2), [stat(70, approx=True), stat(60, approx=True)], ["new_statistic", "changed_statistic"]),
    # a syndicated copy raises nothing
    ([], ctx(2, dup=True), [stat(90)], []),
    ([point(92)], ctx(2, 1, dup=True), [stat(50)], []),
])
def test_statistic_rules(history: list[MetricPoint], article: ArticleContext, stats: list[Statistic],
                         expected: list[str]) -> None:
    state = DetectorState(metrics={KEY: history} if history else {})
    decision = detect(state, analysis(*stats), article, TH)
    assert kinds(decision.changes) == expected
    assert len(decision.alerted_statistics) == len(stats)
    assert sum(decision.alerted_statistics) == len(expected)


def test_changed_statistic_carries_previous_and_deterministic_key() -> None:
    state = DetectorState(metrics={KEY: [point(92, source="daily", article=1)]})
    first = detect(state, analysis(stat(3, unit="count", measure="other"), stat(90)), ctx(7, 1), TH)
    again = detect(state, analysis(stat(3, unit="count", measure="other"), stat(90)), ctx(7, 1), TH)
    (change,) = first.changes
    assert change == again.changes[0]
    assert change.key == f"stat:7:{KEY}:1"
    assert change.previous is not None
    assert change.previous["value"] == 92 and change.previous["source"] == "daily"
    assert change.previous["article_url"] == "http://127.0.0.1/a/1"
    assert change.previous["published"] == T0
    assert first.alerted_statistics == (False, True)
    assert [u.index for u in first.metric_points] == [1]


def test_repeats_raise_corroboration() -> None:
    state = DetectorState(metrics={KEY: [point(90, source="daily")]})
    d1 = detect(state, analysis(stat(90.3)), ctx(2, 1, source="wire"), TH)
    assert d1.changes == () and d1.corroboration[KEY] == 2
    d2 = detect(d1.apply(state), analysis(stat(89.8)), ctx(3, 2, source="cn"), TH)
    assert d2.corroboration[KEY] == 3
    # a syndicated copy corroborates without alerting
    d3 = detect(d2.apply(d1.apply(state)), analysis(stat(90)), ctx(4, 2, source="agg", dup=True), TH)
    assert d3.changes == () and d3.corroboration[KEY] == 4
    assert not any(u.point.alerted for u in d3.metric_points)


def test_new_value_counts_sources_already_carrying_it() -> None:
    old = point(80, days=-5, alerted=False, source="cn")
    state = DetectorState(metrics={KEY: [point(92, source="daily"), old]})
    (change,) = detect(state, analysis(stat(80)), ctx(2, 1, source="wire"), TH).changes
    assert change.kind == "changed_statistic" and change.details["sources_count"] == 2


def test_ranges_compare_both_bounds() -> None:
    state = DetectorState(metrics={KEY: [MetricPoint(30, 40, "percent", False, T0, 1, "u", "s", True)]})
    assert detect(state, analysis(stat(30, high=40)), ctx(2, 1), TH).changes == ()
    assert kinds(detect(state, analysis(stat(30, high=50)), ctx(2, 1), TH).changes) == ["changed_statistic"]


# ----------------------------------------------------------------------------- stances

def pos(position: str, days: float = 0, article: int = 1, confidence: float = 0.5) -> PositionPoint:
    return PositionPoint(position, T0 + timedelta(days=days), article, confidence)


@pytest.mark.parametrize(("history", "article", "stances", "expected"), [
    # first stance of an actor counts, with no previous position
    ([], ctx(2), [("china", "tighten")], [("china", "tighten", None)]),
    # a repeat raises nothing
    ([pos("tighten")], ctx(2, 1), [("china", "tighten")], []),
    # a shift
    ([pos("ease")], ctx(2, 1), [("china", "tighten")], [("china", "tighten", "ease")]),
    # a late article adds history only
    ([pos("ease", days=3)], ctx(2, 1), [("china", "tighten")], []),
    # several positions, the latest among them: the article confirms it
    ([pos("tighten")], ctx(2, 1), [("china", "maintain"), ("china", "tighten")], []),
    # several positions, none the latest: one shift, the most confident (first on a tie)
    ([pos("ease")], ctx(2, 1), [("china", "tighten"), ("china", "maintain")], [("china", "tighten", "ease")]),
    # one shift per actor, actors in order of first mention
    ([], ctx(2), [("india", "counter"), ("united_states", "counter"), ("india", "counter")],
     [("india", "counter", None), ("united_states", "counter", None)]),
    # a syndicated copy raises nothing
    ([], ctx(2, dup=True), [("china", "tighten")], []),
])
def test_stance_rules(history: list[PositionPoint], article: ArticleContext, stances: list[tuple[str, str]],
                      expected: list[tuple[str, str, str | None]]) -> None:
    state = DetectorState(positions={"china": history} if history else {})
    decision = detect(state, analysis(stances=tuple(Stance(a, p) for a, p in stances)), article, TH)
    got = [(c.stance.actor, c.stance.position, c.previous_position) for c in decision.changes if c.stance]
    assert got == expected
    for change in decision.changes:
        assert change.key == f"stance:{article.article_id}:{change.stance.actor}:{change.stance.position}"  # type: ignore[union-attr]


def test_confidence_picks_the_position() -> None:
    stances = (Stance("china", "maintain", 0.4), Stance("china", "ease", 0.9))
    (change,) = detect(DetectorState(positions={"china": [pos("tighten")]}), analysis(stances=stances),
                       ctx(2, 1), TH).changes
    assert change.stance is not None and change.stance.position == "ease"


def test_latest_position_folds_articles_like_the_detector() -> None:
    # article 2 said [ease, tighten] after tighten → net tighten; article 3 said maintain.
    history = [pos("tighten", 0, 1), pos("ease", 1, 2), pos("tighten", 1, 2)]
    state = DetectorState(positions={"china": history})
    latest = state.latest_position("china")
    assert latest is not None and latest.position == "tighten"
    assert detect(state, analysis(stances=(Stance("china", "tighten"),)), ctx(3, 2), TH).changes == ()


# ----------------------------------------------------------------------------- claims

FP_A = "00000000000000ff"
FP_NEAR = "00000000000000fe"   # 1 bit away
FP_FAR = "ffffffff00000000"


@pytest.mark.parametrize(("known", "claims", "expected"), [
    ([], [Claim("united_states", "Controls hurt", "s", FP_A)], [FP_A]),
    ([KnownClaim(FP_A, "united_states", "x")], [Claim("united_states", "Controls hurt", "s", FP_NEAR)], []),
    ([KnownClaim(FP_A, "united_states", "x")], [Claim("united_states", "Other", "s", FP_FAR)], [FP_FAR]),
    # the same claim twice in one article alerts once
    ([], [Claim("china", "a", "s", FP_A), Claim("china", "a", "s", FP_NEAR)], [FP_A]),
    # unattributed claims never alert
    ([], [Claim(None, "a", "s", FP_A)], []),
])
def test_claim_rules(known: list[KnownClaim], claims: list[Claim], expected: list[str]) -> None:
    decision = detect(DetectorState(claims=known), analysis(claims=tuple(claims)), ctx(2), TH)
    assert [c.key for c in decision.changes] == [f"claim:{fp}" for fp in expected]
    assert all(c.kind == "new_claim" for c in decision.changes)


def test_claims_without_fingerprint_fall_back_to_text_and_same_claim_is_pluggable() -> None:
    c = Claim("china", "Controls  stay.", "s")
    state = DetectorState(claims=[KnownClaim("", "china", "controls stay")])
    assert detect(state, analysis(claims=(c,)), ctx(2), TH).changes == ()
    never = detect(DetectorState(claims=[KnownClaim(FP_A, "china", "x")]),
                   analysis(claims=(Claim("china", "x", "s", FP_A),)), ctx(2), TH,
                   same_claim=lambda a, b: False)
    assert kinds(never.changes) == ["new_claim"]
    assert default_same_claim(FP_A, FP_NEAR) and not default_same_claim(FP_A, FP_FAR)


def test_duplicate_article_raises_no_claim() -> None:
    one = analysis(claims=(Claim("china", "a", "s", FP_A),))
    assert detect(DetectorState(), one, ctx(2, dup=True), TH).changes == ()


# ----------------------------------------------------------------------------- the dev timeline

def _gold(evals: Path) -> dict[str, dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for name in ("dev.jsonl", "bulletins_dev.jsonl"):
        for line in (evals / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows[row["id"]] = row
    return rows


def _analysis_from_gold(row: dict[str, object]) -> Analysis:
    stats = tuple(Statistic(value=float(s["value"]), unit=s["unit"], approx=bool(s.get("approx")),
                            value_high=s.get("value_high"), subject=s.get("subject"),
                            material=s.get("material"),
                            measure=s.get("measure")) for s in row["statistics"])  # type: ignore[attr-defined]
    stances = tuple(Stance(s["actor"], s["position"]) for s in row["stances"])  # type: ignore[attr-defined]
    return Analysis(language=str(row.get("lang", "en")), relevant=True, relevance=1.0, statistics=stats,
                    stances=stances)


def test_dev_timeline_replay(shared: Path) -> None:
    evals = shared / "eval"
    timeline = json.loads((evals / "timeline-dev" / "timeline.json").read_text(encoding="utf-8"))
    gold = _gold(evals)
    state = DetectorState()
    seen: dict[str, int] = {}
    for n, step in enumerate(timeline["steps"], start=1):
        (item,) = step["publish"]
        note = step["note"]
        gold_id = note.split()[-1] if note.startswith("syndicated copy") else note
        published = datetime.fromisoformat(item["published"].replace("Z", "+00:00"))
        is_dup = gold_id in seen
        seen.setdefault(gold_id, n)
        context = ArticleContext(article_id=n, url=f"http://127.0.0.1/{item['file']}", source=item["feed"],
                                 published=published, is_duplicate=is_dup)
        decision = detect(state, _analysis_from_gold(gold[gold_id]), context, TH)
        state = decision.apply(state)
        got = sorted(_describe(c) for c in decision.changes)
        want = sorted(_expect(e) for e in step["expect"])
        assert len(got) == len(want), f"step {n} ({note}): got {got}, want {want}"
        for g, w in zip(got, want, strict=True):
            assert g[:-1] == w[:-1], f"step {n} ({note}): got {got}, want {want}"
            if w[-1] is not None:
                assert abs(float(g[-1]) - float(w[-1])) <= 0.005 * abs(float(w[-1])), (n, g, w)  # type: ignore[arg-type]


def _describe(change: object) -> tuple[object, ...]:
    c = change  # a Change
    if c.statistic is not None:  # type: ignore[attr-defined]
        s = c.statistic  # type: ignore[attr-defined]
        return (c.kind, s.subject, s.material, s.measure, s.value)  # type: ignore[attr-defined]
    if c.stance is not None:  # type: ignore[attr-defined]
        return (c.kind, c.stance.actor, c.stance.position, "", None)  # type: ignore[attr-defined]
    return (c.kind, "", "", "", None)  # type: ignore[attr-defined]


def _expect(e: dict[str, object]) -> tuple[object, ...]:
    if e["kind"] == "stance_shift":
        return (e["kind"], e["actor"], e["position"], "", None)
    return (e["kind"], e["subject"], e["material"], e["measure"], e["value"])
