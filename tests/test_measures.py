"""Issue 18: measures stored and merged, their status on any date, the alerts events raise and the
reminders before a date (domain functions, then storage on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from worker.measures.changes import measure_changes
from worker.measures.facts import Fact, day_of
from worker.measures.merge import Known, conflicts, match
from worker.measures.reminders import due_reminders, parse_offsets
from worker.measures.status import status_on
from worker.types import MeasureEvent

IMPOSE = MeasureEvent(action="impose", issuer="mofcom", materials=("gallium", "germanium"),
                      identifier="mofcom-2023-23", announced="2023-07-03", effective="2023-08-01",
                      sentence="China will impose export controls on gallium and germanium from August 1.")
EXPAND = MeasureEvent(action="expand", issuer="mofcom", materials=("gallium",), refers_to="mofcom-2023-23",
                      effective="2024-12-01", sentence="The ministry expanded the controls from December 1.")
SUSPEND = MeasureEvent(action="suspend", issuer="mofcom", materials=("gallium", "germanium"),
                       refers_to="mofcom-2023-23", effective="2025-11-09", until="2026-11-27",
                       sentence="China suspended the controls from November 9 until November 27, 2026.")
LIFT = MeasureEvent(action="lift", issuer="mofcom", materials=("gallium", "germanium"), refers_to="mofcom-2023-23",
                    announced="2026-12-20", sentence="China lifted the controls.")


def facts(*events: MeasureEvent) -> list[Fact]:
    return [Fact(event=e, published=date(2023, 7, 3), article_id=i + 1) for i, e in enumerate(events)]


# ----------------------------------------------------------------------------- status


def test_status_follows_the_events_on_any_date() -> None:
    f = facts(IMPOSE, EXPAND, SUSPEND, LIFT)
    assert status_on(f, date(2023, 7, 1)) is None
    assert status_on(f, date(2023, 7, 10)) == "announced"
    assert status_on(f, date(2023, 8, 1)) == "in_force"
    assert status_on(f, date(2025, 11, 9)) == "suspended"
    assert status_on(f, date(2026, 11, 27)) == "suspended"  # the last day of the suspension
    assert status_on(f, date(2026, 11, 28)) == "in_force"
    assert status_on(f, date(2026, 12, 20)) == "lifted"


def test_an_extension_moves_the_end_of_the_suspension() -> None:
    extend = MeasureEvent(action="extend", issuer="mofcom", refers_to="mofcom-2023-23", until="2027-11-27")
    f = facts(IMPOSE, SUSPEND, extend)
    assert status_on(f, date(2026, 12, 1)) == "suspended"
    assert status_on(f, date(2027, 11, 28)) == "in_force"


def test_events_in_any_order_give_the_same_status() -> None:
    assert [status_on(facts(LIFT, SUSPEND, IMPOSE), d) for d in (date(2024, 1, 1), date(2026, 1, 1))] == \
        ["in_force", "suspended"]


def test_partial_dates_start_at_their_first_day_and_unknown_years_are_skipped() -> None:
    assert day_of("2025-10") == date(2025, 10, 1)
    assert day_of("2025") == date(2025, 1, 1)
    assert day_of("--10-09") is None


# ----------------------------------------------------------------------------- merge


def known(id_: int, key: str, **kw: object) -> Known:
    return Known(id=id_, key=key, **kw)  # type: ignore[arg-type]


def test_events_naming_one_announcement_merge() -> None:
    measures = [known(1, "mofcom-2023-23", identifiers=frozenset({"mofcom-2023-23"}), issuer="mofcom",
                      materials=frozenset({"gallium"})), known(2, "mofcom-2025-61", issuer="mofcom")]
    assert match(SUSPEND, measures).id == 1  # type: ignore[union-attr]
    other = MeasureEvent(action="impose", identifier="mofcom-2099-1", issuer="mofcom")
    assert match(other, measures) is None


def test_without_identifier_issuer_date_and_materials_decide() -> None:
    a = MeasureEvent(action="impose", issuer="mofcom", materials=("antimony",), effective="2024-09-15")
    same = MeasureEvent(action="impose", issuer="china", materials=("antimony",), announced="2024-09")
    later = MeasureEvent(action="impose", issuer="mofcom", materials=("antimony",), effective="2025-02-01")
    m = known(1, a.measure_key, issuer="mofcom", materials=frozenset({"antimony"}), dates=("2024-09-15",))
    assert match(same, [m]) is m
    assert match(later, [m]) is None  # another date: another measure
    # a suspension without an identifier acts on the latest measure of that state covering the material
    m2 = known(2, "x", issuer="mofcom", materials=frozenset({"antimony", "gallium"}), order=2.0)
    pause = MeasureEvent(action="suspend", issuer="china", materials=("antimony",), effective="2025-11-09")
    assert match(pause, [m, m2]) is m2
    assert match(MeasureEvent(action="suspend", issuer="bis", materials=("antimony",)), [m, m2]) is None


def test_conflicting_dates_are_flagged_agreeing_ones_are_not() -> None:
    a = MeasureEvent(action="impose", identifier="m-1", effective="2025-12-01")
    b = MeasureEvent(action="impose", identifier="m-1", effective="2025-12")
    c = MeasureEvent(action="impose", identifier="m-1", effective="2026-01-01")
    assert conflicts(facts(a, b)) == []
    assert conflicts(facts(a, b, c)) == [{"action": "impose", "field": "effective",
                                          "values": ["2025-12", "2025-12-01", "2026-01-01"]}]


# ----------------------------------------------------------------------------- alerts and reminders


def test_changes_new_measure_then_each_new_action_once() -> None:
    first = measure_changes(7, [], facts(IMPOSE))
    assert [(c.kind, c.change) for c in first] == [("new_measure", "imposed")]
    before = facts(IMPOSE)
    copy = measure_changes(7, before, facts(IMPOSE))
    assert copy == []
    susp = measure_changes(7, before, facts(SUSPEND))
    assert [(c.kind, c.change, c.key) for c in susp] == [
        ("measure_changed", "suspended", "measure_changed:7:suspended:2025-11-09")]
    moved = MeasureEvent(action="suspend", refers_to="mofcom-2023-23", effective="2025-11-09", until="2027-11-27")
    again = measure_changes(7, facts(IMPOSE, SUSPEND), facts(moved))
    assert [(c.change, c.details["previous"], c.details["date"]) for c in again] == [
        ("date_moved", "2026-11-27", "2027-11-27")]


def test_an_old_action_arriving_late_is_history_not_news() -> None:
    assert measure_changes(7, facts(IMPOSE, SUSPEND, LIFT), facts(EXPAND)) == []


def test_reminders_take_the_window_that_still_fits() -> None:
    f = facts(IMPOSE, SUSPEND)
    due = {d: [(r.what, r.offset) for r in due_reminders(1, f, d)] for d in (
        date(2026, 10, 20), date(2026, 10, 28), date(2026, 11, 22), date(2026, 11, 26), date(2026, 11, 27))}
    assert due == {date(2026, 10, 20): [], date(2026, 10, 28): [("suspension_ends", 30)],
                   date(2026, 11, 22): [("suspension_ends", 7)], date(2026, 11, 26): [("suspension_ends", 1)],
                   date(2026, 11, 27): []}
    assert parse_offsets("7, 30,1") == (30, 7, 1)
    with pytest.raises(ValueError):
        parse_offsets("30,-1")


# ----------------------------------------------------------------------------- storage (SQLite and PostgreSQL)


def _article(session: object, url: str, published: str, source: str = "feed") -> object:
    from storage.models import Article, Source

    src = Source(url=f"https://{source}.example/rss", name=source)
    session.add(src)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    art = Article(url=url, source_id=src.id, title=url, status="analysed",
                  published_at=datetime.fromisoformat(published).replace(tzinfo=UTC))
    session.add(art)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return art


def test_events_are_stored_merged_and_raise_each_alert_once(db_url: str) -> None:
    from storage import measures as store
    from storage.db import session_scope

    copy = MeasureEvent(action="impose", issuer="china", materials=("gallium",), identifier="mofcom-2023-23",
                        effective="2023-09-01", sentence="The curbs took effect in September.")
    with session_scope(db_url) as s:
        a1 = _article(s, "https://a.example/1", "2023-07-03", "reuters")
        first = store.record_events(s, article=a1, events=[IMPOSE])
        a2 = _article(s, "https://b.example/2", "2023-07-04", "xinhua")
        second = store.record_events(s, article=a2, events=[copy])
        a3 = _article(s, "https://c.example/3", "2025-11-09", "scmp")
        third = store.record_events(s, article=a3, events=[SUSPEND])
        again = store.record_events(s, article=a3, events=[SUSPEND])  # the same analysis run twice
    assert [(c.kind, c.change) for _, c in first] == [("new_measure", "imposed")]
    assert [(c.kind, c.change) for _, c in second] == [("measure_changed", "date_moved")]
    assert [(c.kind, c.change) for _, c in third] == [("measure_changed", "suspended")]
    assert again == []
    with session_scope(db_url) as s:
        (measure, fs), = store.all_measures(s)
        rows = store.event_rows(s, measure.id or 0)
    assert measure.key == "mofcom-2023-23" and measure.issuer == "mofcom"
    assert sorted(measure.materials) == ["gallium", "germanium"]
    assert measure.conflicts == [{"action": "impose", "field": "effective", "values": ["2023-08-01", "2023-09-01"]}]
    assert sorted({f.source for f in fs}) == ["reuters", "scmp", "xinhua"]
    assert rows[0][0].sentence == IMPOSE.sentence
    assert rows[2][0].until == "2026-11-27" and rows[2][0].confidence == SUSPEND.confidence
    assert status_on(fs, date(2026, 1, 1)) == "suspended"


def _runtime(db_url: str, tmp_path: Path) -> object:
    from tasks.runtime import build_runtime
    from worker.config import load_settings

    return build_runtime(load_settings(data_dir=tmp_path, database_url=db_url, notify_urls=""))


REMIND_IN_PROCESS = """
import json, sys
from datetime import datetime
from tasks.measures import send_reminders
from tasks.runtime import get_runtime
print(json.dumps(send_reminders(get_runtime(), now=datetime.fromisoformat(sys.argv[1]))))
"""


def test_reminders_fire_once_each_across_a_worker_restart(db_url: str, tmp_path: Path) -> None:
    from sqlmodel import select

    from storage import measures as store
    from storage.db import session_scope
    from storage.models import Alert
    from tasks.measures import send_reminders

    rt = _runtime(db_url, tmp_path)
    with session_scope(db_url) as s:
        store.record_events(s, article=_article(s, "https://a.example/1", "2025-11-09"), events=[IMPOSE, SUSPEND])

    def at(moment: str) -> list[int]:
        return send_reminders(rt, now=datetime.fromisoformat(moment).replace(tzinfo=UTC))  # type: ignore[arg-type]

    def other_process(moment: str) -> list[int]:
        env = {"REMON_DATABASE_URL": db_url, "REMON_DATA_DIR": str(tmp_path), "REMON_NOTIFY_URLS": "",
               "PATH": "/usr/bin:/bin"}
        out = subprocess.run([sys.executable, "-c", REMIND_IN_PROCESS, moment], env=env, capture_output=True,
                             text=True, cwd=Path(__file__).resolve().parents[1], check=True, timeout=120)
        return json.loads(out.stdout.strip().splitlines()[-1])

    assert at("2026-10-20T09:00:00") == []  # 38 days before the suspension ends: no window yet
    first = at("2026-10-28T09:00:00")
    assert len(first) == 1
    assert at("2026-10-28T10:00:00") == []  # the next beat tick
    assert other_process("2026-10-29T09:00:00") == []  # a restarted worker: still sent once
    assert len(other_process("2026-11-21T09:00:00")) == 1  # the 7-day reminder, in the new process
    assert at("2026-11-22T09:00:00") == []
    assert len(at("2026-11-26T09:00:00")) == 1
    assert at("2026-11-27T09:00:00") == []
    with session_scope(db_url) as s:
        alerts = s.exec(select(Alert).where(Alert.kind == "measure_reminder").order_by(Alert.id)).all()
    assert [a.dedup_key.rsplit(":", 1)[1] for a in alerts] == ["30", "7", "1"]
    assert alerts[0].title == "Reminder · MOFCOM mofcom-2023-23 · gallium, germanium: suspension ends in 30 days " \
                              "(2026-11-27)"
    assert "Status today: suspended." in alerts[0].body and "Measure: http://127.0.0.1:8080/measures/" in alerts[0].body


def test_a_lifting_during_a_suspension_is_news() -> None:
    lift = MeasureEvent(action="lift", refers_to="mofcom-2023-23", announced="2026-03-01")
    assert [c.change for c in measure_changes(7, facts(IMPOSE, SUSPEND), facts(lift))] == ["lifted"]


def test_beat_schedules_the_reminders_on_the_poll_queue() -> None:
    from tasks.app import app

    entry = app.conf.beat_schedule["measure-reminders"]
    assert entry["task"] == "remon.measure_reminders" and entry["schedule"].total_seconds() == 3600
    assert app.conf.task_routes["remon.measure_reminders"] == {"queue": "poll"}
    import tasks.measures  # noqa: F401  (the worker imports it through `include`)

    assert "remon.measure_reminders" in app.tasks and "tasks.measures" in app.conf.include


def test_routing_rules_match_a_measure_by_any_of_its_materials() -> None:
    from worker.alert.route import tags_for
    from worker.config import Routing
    from worker.types import Change

    routing = Routing.model_validate({"rules": [{"kinds": ["measure_changed"], "materials": ["germanium"],
                                                 "tags": ["metals"]}]})
    change = Change(kind="measure_changed", key="k", details={"materials": ["gallium", "germanium"]})
    assert tags_for(change, routing) == ["metals"]
    assert tags_for(Change(kind="measure_changed", key="k", details={"materials": ["antimony"]}), routing) == []


def test_a_bad_reminder_setting_names_itself() -> None:
    from worker.config import load_settings
    from worker.errors import ConfigError

    with pytest.raises(ConfigError, match="REMON_MEASURE_REMINDER_DAYS"):
        load_settings(measure_reminder_days="30,soon")
    assert load_settings(measure_reminder_days="7, 30").measure_reminder_offsets == (30, 7)


def test_migration_0007_goes_down_and_up(db_url: str) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from storage.db import alembic_config, dispose_all, get_engine

    cfg = alembic_config(db_url)
    before = ScriptDirectory.from_config(cfg).get_revision("0007").down_revision  # re-chained at merges
    command.downgrade(cfg, str(before))
    dispose_all()
    assert "measures" not in inspect(get_engine(db_url)).get_table_names()
    command.upgrade(cfg, "head")
    dispose_all()
    assert {"measures", "measure_events"} <= set(inspect(get_engine(db_url)).get_table_names())


def test_status_does_not_depend_on_the_order_events_arrive_in() -> None:
    from itertools import permutations

    extend = MeasureEvent(action="extend", refers_to="mofcom-2023-23", until="2027-05-31")
    days = [date(2023, 7, 20), date(2024, 12, 5), date(2026, 1, 1), date(2027, 1, 1), date(2027, 6, 1)]
    seen = {tuple(status_on(facts(*order), d) for d in days) for order in permutations(
        (IMPOSE, EXPAND, SUSPEND, extend))}
    assert seen == {("announced", "in_force", "suspended", "suspended", "in_force")}


def test_walking_the_clock_day_by_day_gives_each_reminder_once() -> None:
    f = facts(IMPOSE, SUSPEND)
    keys: list[str] = []
    day = date(2026, 9, 1)
    while day <= date(2026, 12, 31):
        keys += [r.key for r in due_reminders(1, f, day)]
        day = date.fromordinal(day.toordinal() + 1)
    assert sorted(set(keys)) == sorted(
        f"measure_reminder:1:suspension_ends:2026-11-27:{n}" for n in (30, 7, 1))
