"""Issue 15, corrections in storage: stored beside the extracted rows, applied by every read, and
silencing the alert their target caused; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlmodel import select

from storage import corrections, queries, review
from storage.corrections import CorrectionError, Fix
from storage.db import get_engine, session_scope
from storage.models import Alert, Article, Correction, Delivery, Statistic
from tests.correctionsdata import PROD, SHARE, seed


def values(db_url: str, metric: str = SHARE) -> list[float]:
    with session_scope(db_url) as s:
        return [p["value"] for p in review.metric_overview(s, metric=metric)["points"]]


def test_migration_creates_the_corrections_table(db_url: str) -> None:
    columns = {c["name"] for c in inspect(get_engine(db_url)).get_columns("corrections")}
    assert {"who", "created_at", "target_kind", "target_id", "action", "subject", "material", "measure", "value",
            "actor", "position", "note", "silence_key", "metric_key"} <= columns


def test_a_fix_replaces_the_value_in_reads_and_keeps_the_extracted_row(db_url: str) -> None:
    ids = seed(db_url)
    assert values(db_url) == [90.0, 92.0]
    with session_scope(db_url) as s:
        row = corrections.record(s, Fix("statistic", ids["stat2"], "fix", who="Ana", value=93.5, note="typo"))
        assert row.silence_key == f"stat:{ids['article2']}:{SHARE}:0"
    assert values(db_url) == [90.0, 93.5]
    with session_scope(db_url) as s:
        assert s.get(Statistic, ids["stat2"]).value == 92.0  # the extracted row is kept as it was
        table, _ = review.metric_rows(s, metric=SHARE)
        assert [(r["value"], r.get("extracted_value")) for r in table] == [(93.5, 92.0), (90.0, None)]
        stored = s.exec(select(Correction)).one()
        assert (stored.who, stored.action, stored.value, stored.note) == ("Ana", "fix", 93.5, "typo")
        assert stored.created_at is not None


def test_wrong_leaves_the_value_out_and_a_moved_statistic_changes_metric(db_url: str) -> None:
    ids = seed(db_url)
    with session_scope(db_url) as s:
        corrections.record(s, Fix("statistic", ids["stat1"], "wrong"))
        corrections.record(s, Fix("statistic", ids["stat3"], "fix", measure="share_of_global_refining"))
    assert values(db_url) == [92.0, 61.0]  # the 61% moved in, in time order; the 90% is out
    assert values(db_url, PROD) == []
    with session_scope(db_url) as s:  # the latest correction of a target wins
        corrections.record(s, Fix("statistic", ids["stat1"], "fix", value=91.0))
    assert values(db_url) == [91.0, 92.0, 61.0]


def test_a_stance_fix_and_a_wrong_stance_change_the_actor_timeline(db_url: str) -> None:
    ids = seed(db_url)
    with session_scope(db_url) as s:
        corrections.record(s, Fix("stance", ids["stance2"], "fix", position="maintain"))
        timeline = review.actor_timeline(s, actor="china")
        assert [r["position"] for r in timeline] == ["tighten", "maintain"]
        assert timeline[1]["shift_from"] == "tighten" and timeline[1]["corrected"]
        corrections.record(s, Fix("stance", ids["stance2"], "wrong"))
        assert [r["position"] for r in review.actor_timeline(s, actor="china")] == ["tighten"]


def test_a_correction_silences_its_alert(db_url: str) -> None:
    ids = seed(db_url)
    key = f"stat:{ids['article2']}:{SHARE}:0"
    with session_scope(db_url) as s:
        assert not corrections.silenced(s, key)
        corrections.record(s, Fix("alert", ids["alert"], "wrong", who="Li"))
    with session_scope(db_url) as s:
        assert corrections.silenced(s, key)
        assert not corrections.silenced(s, f"stat:{ids['article1']}:{SHARE}:0")
        delivery = s.exec(select(Delivery)).one()
        assert delivery.status == "silenced"
        assert queries.due_delivery_ids(s, now=datetime(2100, 1, 1, tzinfo=UTC)) == []  # the sender skips it
        assert values(db_url) == [90.0, 92.0]  # an alert marked wrong does not change the numbers


@pytest.mark.parametrize("fix,reason", [
    (Fix("statistic", 0, "fix", value=1.0), "no statistic 0"),
    (Fix("metric", 1, "wrong"), "target must be one of"),
    (Fix("statistic", 1, "delete"), "action must be one of"),
    (Fix("statistic", 1, "fix"), "at least one field"),
    (Fix("statistic", 1, "fix", position="ease"), "has no field position"),
    (Fix("stance", 1, "fix", position="loosen"), "position must be one of"),
    (Fix("statistic", 1, "fix", subject="<script>"), "lower_snake_case"),
    (Fix("statistic", 1, "fix", value=float("nan")), "finite"),
    (Fix("statistic", 1, "wrong", value=3.0), "'wrong' takes no fields"),
    (Fix("alert", 1, "fix", value=3.0), "only be marked wrong"),
])
def test_bad_corrections_are_refused_with_the_reason(tmp_path: Any, fix: Fix, reason: str) -> None:
    from storage.db import migrate

    url = f"sqlite:///{tmp_path}/remon.db"
    migrate(url)
    seed(url)
    with session_scope(url) as s, pytest.raises(CorrectionError, match=reason):
        corrections.record(s, fix)
    with session_scope(url) as s:
        assert s.exec(select(Correction)).all() == []


def test_the_alert_planner_skips_a_silenced_dedup_key(db_url: str, tmp_path: Any) -> None:
    """A statistic marked wrong before its alert was planned (e.g. while it waited unconfirmed)
    raises no alert; the same planning for an uncorrected statistic does."""
    from tasks.alerting import detect_and_record
    from tasks.runtime import build_runtime
    from worker.config import load_settings
    from worker.types import Analysis
    from worker.types import Statistic as Stat

    ids = seed(db_url)
    rt = build_runtime(load_settings(data_dir=tmp_path, database_url=db_url,
                                     notify_urls="json://127.0.0.1:9/"))
    with session_scope(db_url) as s:
        corrections.record(s, Fix("statistic", ids["stat1"], "wrong"))

    def plan(article_key: str, value: float, measure: str) -> list[int]:
        with session_scope(db_url) as s:
            article = s.get(Article, ids[article_key])
            analysis = Analysis(language="en", relevant=True, relevance=1.0, statistics=(Stat(
                value=value, unit="percent", subject="china", material="rare_earths", measure=measure,
                confidence=0.95),))  # above the confidence gate: alerted at once unless silenced
            return detect_and_record(s, rt, article=article, analysis=analysis)

    assert plan("article1", 90.0, "share_of_global_refining") == []
    new = plan("article3", 61.0, "share_of_global_production")
    assert len(new) == 1
    with session_scope(db_url) as s:
        keys = {a.dedup_key for a in s.exec(select(Alert)).all()}
    assert f"stat:{ids['article1']}:{SHARE}:0" not in keys and f"stat:{ids['article3']}:{PROD}:0" in keys


def decide(db_url: str, rt: Any, article_id: int, analysis: Any) -> list[str]:
    """The kinds of change the detector finds for ``analysis`` in that article, on the stored state
    as the planner loads it (tasks.alerting.load_state); nothing is written."""
    from tasks.alerting import load_state
    from worker.detect.detector import detect
    from worker.detect.state import ArticleContext

    with session_scope(db_url) as s:
        article = s.get(Article, article_id)
        state = load_state(s, article=article, analysis=analysis)
        ctx = ArticleContext(article_id=article_id, url=article.url, source=None, published=article.order_at,
                             is_duplicate=False)
        return [c.kind for c in detect(state, analysis, ctx, rt.watch.thresholds).changes]


def test_the_detector_compares_with_the_corrected_current_value(db_url: str, tmp_path: Any) -> None:
    """92% was alerted and then fixed to 93.5%: a later 93.5% repeats the current value (no alert),
    where without the fix it would be a change of 1.5 points."""
    from tasks.runtime import build_runtime
    from worker.config import load_settings
    from worker.types import Analysis
    from worker.types import Statistic as Stat

    ids = seed(db_url)
    rt = build_runtime(load_settings(data_dir=tmp_path, database_url=db_url, notify_urls="json://127.0.0.1:9/"))
    with session_scope(db_url) as s:
        stat = s.get(Statistic, ids["stat2"])
        stat.alerted = True
        s.add(stat)

    def plan(value: float) -> list[str]:
        return decide(db_url, rt, ids["article3"], Analysis(
            language="en", relevant=True, relevance=1.0, statistics=(Stat(
                value=value, unit="percent", subject="china", material="rare_earths",
                measure="share_of_global_refining"),)))

    assert plan(93.5) == ["changed_statistic"]  # extracted current value 92%: 93.5% is a change
    with session_scope(db_url) as s:
        corrections.record(s, Fix("statistic", ids["stat2"], "fix", value=93.5))
    assert plan(93.5) == []  # corrected current value 93.5%: a repeat
    assert plan(95.0) == ["changed_statistic"]
    with session_scope(db_url) as s:
        assert s.get(Statistic, ids["stat2"]).value == 92.0  # the extracted row is untouched


def test_a_stance_fix_moves_the_actors_latest_position_for_the_detector(db_url: str, tmp_path: Any) -> None:
    """China's latest stored position 'ease' fixed to 'maintain': a later 'maintain' is no shift."""
    from tasks.runtime import build_runtime
    from worker.config import load_settings
    from worker.types import Analysis
    from worker.types import Stance as StanceItem

    ids = seed(db_url)
    rt = build_runtime(load_settings(data_dir=tmp_path, database_url=db_url, notify_urls="json://127.0.0.1:9/"))

    def plan() -> list[str]:
        return decide(db_url, rt, ids["article3"], Analysis(
            language="en", relevant=True, relevance=1.0,
            stances=(StanceItem(actor="china", position="maintain", confidence=0.9),)))

    assert plan() == ["stance_shift"]
    with session_scope(db_url) as s:
        corrections.record(s, Fix("stance", ids["stance2"], "fix", position="maintain"))
    assert plan() == []


def test_statistic_and_stance_lists_read_as_corrected(db_url: str) -> None:
    """`remon stats list`, `/api/statistics`, `remon stances list` and `/api/stances` read the same."""
    from datetime import date

    ids = seed(db_url)
    with session_scope(db_url) as s:
        corrections.record(s, Fix("statistic", ids["stat1"], "wrong"))
        corrections.record(s, Fix("statistic", ids["stat3"], "fix", value=62.0, measure="share_of_global_refining"))
        corrections.record(s, Fix("stance", ids["stance2"], "fix", position="negotiate"))
    assert values(db_url) == [92.0, 62.0]
    with session_scope(db_url) as s:
        every, _ = review.list_statistics(s)
        assert [(r["value"], r["metric_key"]) for r in every] == [(62.0, SHARE), (92.0, SHARE)]
        share, _ = review.list_statistics(s, metric=SHARE)
        assert [r["value"] for r in share] == [62.0, 92.0]
        assert [r["value"] for r in review.list_statistics(s, metric=SHARE, until=date(2026, 2, 28))[0]] == [92.0]
        assert [p["value"] for p in review.metric_overview(s, metric=SHARE, until=date(2026, 2, 28))["points"]] \
            == [92.0]
        stances, _ = review.list_stances(s, actor="china")
        assert [r["position"] for r in stances] == ["negotiate", "tighten"]
