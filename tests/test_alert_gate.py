"""Issue 15: the pure confidence gate (worker/alert/gate.py) decides send / hold / confirm."""

from __future__ import annotations

from worker.alert.gate import Held, decide, publisher_of, threshold_for
from worker.config import RouteRule, Routing, Thresholds
from worker.types import Change, Stance, Statistic

TH = Thresholds()


def _stat(value: float, confidence: float, approx: bool = False) -> Change:
    s = Statistic(value=value, unit="percent", approx=approx, subject="china", material="rare_earths",
                  measure="share_of_global_refining", confidence=confidence)
    return Change(kind="new_statistic", key=f"stat:1:{value}", statistic=s)


def _held(value: float | None = 90.0, publisher: str = "daily.example", article_id: int = 7,
          position: str | None = None, key: str = "metric:china/rare_earths/share_of_global_refining") -> Held:
    return Held(id=article_id, match_key=key, publisher=publisher, article_id=article_id, confidence=0.6,
                value=value, unit="percent" if value is not None else None, position=position)


def test_confident_sends_weak_holds_and_the_threshold_is_inclusive() -> None:
    assert decide(_stat(90, 0.8), publisher="a", article_id=1, held=[], threshold=0.8, th=TH).action == "send"
    assert decide(_stat(90, 0.79), publisher="a", article_id=1, held=[], threshold=0.8, th=TH).action == "hold"
    assert decide(_stat(90, 0.1), publisher="a", article_id=1, held=[], threshold=0.0, th=TH).action == "send"


def test_an_independent_source_within_tolerance_confirms() -> None:
    v = decide(_stat(90.5, 0.5), publisher="wire.example", article_id=2, held=[_held(90.0)], threshold=0.8, th=TH)
    assert v.action == "confirm" and [h.id for h in v.confirms] == [7]
    # outside the detector's tolerance (1 percentage point): no agreement, held
    assert decide(_stat(92, 0.5), publisher="wire.example", article_id=2, held=[_held(90.0)], threshold=0.8,
                  th=TH).action == "hold"
    # hedged values get the hedged tolerance (5% relative)
    assert decide(_stat(93, 0.5, approx=True), publisher="w", article_id=2, held=[_held(90.0)], threshold=0.8,
                  th=TH).action == "confirm"


def test_the_same_publisher_or_article_never_confirms() -> None:
    same_host = decide(_stat(90, 0.5), publisher="daily.example", article_id=2, held=[_held(90.0)], threshold=0.8,
                       th=TH)
    same_article = decide(_stat(90, 0.5), publisher="other", article_id=7, held=[_held(90.0)], threshold=0.8, th=TH)
    assert same_host.action == same_article.action == "hold"


def test_stances_agree_on_actor_and_position() -> None:
    change = Change(kind="stance_shift", key="stance:2:eu:counter",
                    stance=Stance(actor="european_union", position="counter", confidence=0.6))
    held = [_held(None, position="press", key="stance:european_union", article_id=3),
            _held(None, position="counter", key="stance:european_union", article_id=4),
            _held(None, position="counter", key="stance:european_union", article_id=5)]
    v = decide(change, publisher="wire", article_id=9, held=held, threshold=0.8, th=TH)
    assert v.action == "confirm" and [h.id for h in v.confirms] == [4]  # one per publisher


def test_claims_and_source_health_are_not_gated() -> None:
    change = Change(kind="source_failing", key="k", details={"source": "x"})
    assert decide(change, publisher="a", article_id=1, held=[], threshold=0.99, th=TH).action == "send"


def test_a_rule_sets_its_own_threshold_and_publishers_ignore_www() -> None:
    routing = Routing(rules=[RouteRule(materials=["gallium"], tags=["x"], min_confidence=0.5),
                             RouteRule(kinds=["new_statistic"], tags=["y"])])
    assert threshold_for(_stat(90, 0.6), routing, 0.8) == 0.8
    gallium = Change(kind="new_statistic", key="k", statistic=Statistic(value=1, unit="percent", material="gallium"))
    assert threshold_for(gallium, routing, 0.8) == 0.5
    assert publisher_of("https://WWW.Reuters.com/x") == publisher_of("http://reuters.com/y") == "reuters.com"
    assert publisher_of("http://127.0.0.1:8001/a") != publisher_of("http://127.0.0.1:8002/a")
