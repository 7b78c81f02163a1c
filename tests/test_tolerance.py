"""Issue 17, bug 2: one tolerance rule. The metric page's conflict check (``storage.review``) and
the detector decide "same value or a different one" with ``worker.detect.tolerance``, so values the
detector treats as a repeat (percent points, hedged values, kg vs tonnes, the watch file's
thresholds) are never flagged as conflicting sources on the metric page or in its API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from worker.config import Thresholds
from worker.detect.detector import differs
from worker.detect.state import MetricPoint
from worker.detect.tolerance import values_differ

TH = Thresholds()
WHEN = datetime(2026, 9, 10, tzinfo=UTC)

# (value, unit, approx) pairs that the detector treats as the same fact, and pairs it calls a change
SAME = [
    ((10.0, "percent", False), (10.5, "percent", False)),     # 0.5 points < 1 point (5 % relative)
    ((100.0, "tonnes", True), (104.0, "tonnes", False)),       # hedged: 4 % < 5 %
    ((1000.0, "kg", False), (1.0, "tonnes", False)),           # converted: equal
    ((90.0, "percent", True), (92.0, "percent", False)),       # "about 90%" and "92%" agree
]
DIFFERENT = [
    ((10.0, "percent", False), (12.0, "percent", False)),
    ((100.0, "tonnes", False), (105.0, "tonnes", False)),
    ((100.0, "tonnes", False), (100.0, "usd", False)),          # units that cannot be compared
    ((1500.0, "kg", False), (1.0, "tonnes", False)),
]


def _point(value: float, unit: str, approx: bool) -> MetricPoint:
    return MetricPoint(value, None, unit, approx, WHEN, 1, "http://127.0.0.1:9/a", "wire", True)


@pytest.mark.parametrize(("a", "b"), SAME + DIFFERENT)
def test_the_detector_uses_the_tolerance_rule(a: tuple[float, str, bool], b: tuple[float, str, bool]) -> None:
    expected = (a, b) in DIFFERENT
    assert values_differ(*a, *b, TH) is expected
    assert values_differ(*b, *a, TH) is expected
    assert differs(*a, _point(*b), TH) is expected


def test_configured_thresholds_apply() -> None:
    assert values_differ(100.0, "tonnes", False, 105.0, "tonnes", False, TH)
    assert not values_differ(100.0, "tonnes", False, 105.0, "tonnes", False, Thresholds(relative=0.1))
    assert not values_differ(10.0, "percent", False, 12.0, "percent", False, Thresholds(percent_points=3.0))


def _seed(url: str, pairs: list[tuple[tuple[float, str, bool], tuple[float, str, bool]]], prefix: str) -> list[str]:
    """One metric per pair, its two values from two sources in the same month; returns the metric keys."""
    from sqlmodel import select

    from storage.db import session_scope
    from storage.models import Article, Source, Statistic

    keys = []
    with session_scope(url) as s:
        known = {src.name: src for src in s.exec(select(Source)).all()}
        sources = [known.get(n) or Source(url=f"http://127.0.0.1:9/{n}.xml", name=n) for n in ("wire", "daily")]
        s.add_all(sources)
        s.flush()
        for i, pair in enumerate(pairs):
            key = f"china/rare_earths/{prefix}{i}"
            keys.append(key)
            for j, (value, unit, approx) in enumerate(pair):
                art = Article(url=f"http://127.0.0.1:9/{prefix}{i}/{j}", source_id=sources[j].id,
                              title=f"{prefix}{i}{j}", text="t", language="en", published_at=WHEN,
                              status="analysed", relevant=True)
                s.add(art)
                s.flush()
                assert art.id is not None
                s.add(Statistic(article_id=art.id, idx=0, value=value, unit=unit, approx=approx, subject="china",
                                material="rare_earths", measure=f"{prefix}{i}", metric_key=key, published_at=WHEN))
    return keys


def test_the_metric_reads_flag_only_what_the_detector_calls_a_change(db_url: str) -> None:
    from storage import review
    from storage.db import session_scope

    same, different = _seed(db_url, SAME, "s"), _seed(db_url, DIFFERENT, "d")
    with session_scope(db_url) as s:
        for key in same:
            for read in (review.metric_series, review.metric_overview):
                series = read(s, metric=key)
                assert len(series["points"]) == 2
                assert series["conflicts"] == [], (read.__name__, key, [p["value"] for p in series["points"]])
                assert not any(p["conflict"] for p in series["points"])
        for key in different:
            for read in (review.metric_series, review.metric_overview):
                series = read(s, metric=key)
                assert [c["period"] for c in series["conflicts"]] == ["2026-09"], (read.__name__, key)
                assert all(p["conflict"] for p in series["points"])


def test_the_metric_page_uses_the_watch_file_thresholds(db_url: str, tmp_path: Path) -> None:
    """100 t and 105 t differ by the default 2 %, not under a watch file's ``relative: 0.1``."""
    from remon.web.app import create_app
    from worker.config import Settings

    (key,) = _seed(db_url, [((100.0, "tonnes", False), (105.0, "tonnes", False))], "t")
    pages: dict[str, Any] = {}
    for name, watch in (("default", None), ("loose", "thresholds:\n  relative: 0.1\n")):
        config = None
        if watch:
            config = tmp_path / "watch.yaml"
            config.write_text(watch, encoding="utf-8")
        settings = Settings(database_url=db_url, config=config)  # type: ignore[arg-type]
        with TestClient(create_app(db_url, settings=settings)) as client:
            api = client.get(f"/api/metrics/{key}")
            page = client.get(f"/numbers/{key}")
        assert api.status_code == page.status_code == 200
        pages[name] = (api.json()["conflicts"], page.text)
    assert [c["period"] for c in pages["default"][0]] == ["2026-09"]
    assert "Conflicting values" in pages["default"][1]
    assert pages["loose"][0] == []
    assert "Conflicting values" not in pages["loose"][1]
