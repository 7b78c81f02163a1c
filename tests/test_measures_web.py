"""Issue 18, acceptance 2: measures in the review app (``/measures``, ``/measures/{id}``, the API,
``/measures.ics`` read back with the ``icalendar`` parser), in headless Chromium, and in the CLI
(``remon measures list``, ``remon export --what measures``).

A real `remon web` process serves a database seeded through the real pipeline (the demo timeline,
whose rare-earth measure is suspended) plus measures written through ``storage.measures`` with
dates around today, one of them with hostile text in every field a page shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.inproc import run_cli
from tests.servers import background, free_port, remon_cmd, remon_env, wait_port
from worker.types import MeasureEvent

pytestmark = [pytest.mark.slow]

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
TODAY = datetime.now(UTC).date()


def _d(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def seed(url: str, tmp: Path) -> dict[str, int]:
    from remon.demo import demo_settings
    from remon.demo import seed as seed_demo
    from storage import measures as store
    from storage.db import session_scope
    from storage.models import Article, Source

    seed_demo(demo_settings(tmp / "demo", database_url=url))
    batches = {
        "gallium": [MeasureEvent(action="impose", issuer="mofcom", materials=("gallium",), identifier="mofcom-2026-99",
                                 announced=_d(-10), effective=_d(40),
                                 sentence="MOFCOM Announcement No. 99 puts gallium under licence.")],
        "germanium": [MeasureEvent(action="impose", issuer="mofcom", materials=("germanium",),
                                   identifier="mofcom-2026-98", effective=_d(-30), items=(XSS,),
                                   sentence=f"Germanium controls took effect. {XSS}")],
        "antimony": [MeasureEvent(action="impose", issuer="mofcom", materials=("antimony",),
                                  identifier="mofcom-2026-70", effective=_d(-100),
                                  sentence="Antimony exports need a licence."),
                     MeasureEvent(action="suspend", issuer="mofcom", materials=("antimony",),
                                  refers_to="mofcom-2026-70", effective=_d(-5), until=_d(20),
                                  sentence="The antimony controls are suspended for now.")],
    }
    ids = {}
    with session_scope(url) as s:
        src = Source(url="http://127.0.0.1:9/m.xml", name=f"Measures wire {XSS}")
        s.add(src)
        s.flush()
        for i, (name, events) in enumerate(batches.items()):
            art = Article(url=f"http://127.0.0.1:9/m/{i}", source_id=src.id, title=f"{name} {XSS}", status="analysed",
                          published_at=datetime.now(UTC) - timedelta(days=3 - i), relevant=True)
            s.add(art)
            s.flush()
            for measure, _ in store.record_events(s, article=art, events=events):
                ids[name] = measure.id or 0
    return ids


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int], dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("measures-web")
    url = f"sqlite:///{tmp}/review.db"
    ids = seed(url, tmp)
    port = free_port()
    env = remon_env(tmp, REMON_DATABASE_URL=url)
    with background(remon_cmd("web", "--port", str(port)), env, tmp / "web.log"):
        wait_port(port, 30)
        yield f"http://127.0.0.1:{port}", ids, env


def test_api_lists_measures_with_status_and_filters(app: Any) -> None:
    base, ids, _ = app
    items = httpx.get(f"{base}/api/measures", timeout=10).json()["items"]
    status = {m["id"]: m["status"] for m in items}
    assert status[ids["gallium"]] == "announced" and status[ids["germanium"]] == "in_force"
    assert status[ids["antimony"]] == "suspended"
    antimony = next(m for m in items if m["id"] == ids["antimony"])
    assert antimony["suspensions"] == [{"from": _d(-5), "until": _d(20)}]
    assert antimony["effective"] == _d(-100) and antimony["articles"] == 1
    later = httpx.get(f"{base}/api/measures", params={"material": "gallium", "in_force_on": _d(41)}, timeout=10)
    assert [m["id"] for m in later.json()["items"]] == [ids["gallium"]]
    assert httpx.get(f"{base}/api/measures", params={"material": "gallium", "in_force_on": _d(1)},
                     timeout=10).json()["items"] == []
    one = httpx.get(f"{base}/api/measures/{ids['antimony']}", timeout=10).json()
    assert [(e["action"], e["sentence"]) for e in one["event_list"]] == [
        ("impose", "Antimony exports need a licence."), ("suspend", "The antimony controls are suspended for now.")]
    assert one["event_list"][0]["source"].startswith("Measures wire")
    assert httpx.get(f"{base}/api/measures/99999", timeout=10).status_code == 404


def test_the_calendar_feed_parses_and_lists_upcoming_dates(app: Any) -> None:
    from icalendar import Calendar

    base, ids, _ = app
    resp = httpx.get(f"{base}/measures.ics", timeout=10)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(resp.content)
    events = {(str(e["summary"]), e.decoded("dtstart")) for e in cal.walk("VEVENT")}
    starts = TODAY + timedelta(days=40)
    assert ("MOFCOM mofcom-2026-99 · gallium: takes effect", starts) in events
    ends = TODAY + timedelta(days=21)  # the day after the last day of the suspension
    assert ("MOFCOM mofcom-2026-70 · antimony: suspension ends, the controls apply again", ends) in events
    assert all(d > TODAY for _, d in events)  # upcoming only
    uids = [str(e["uid"]) for e in cal.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    assert any(str(e["url"]).endswith(f"/measures/{ids['gallium']}") for e in cal.walk("VEVENT"))


def test_cli_lists_filters_and_exports_measures(app: Any) -> None:
    _, ids, env = app
    rows = json.loads(run_cli(env, "measures", "list", "--material", "gallium", "--in-force-on", _d(41),
                                "-f", "json").stdout)
    assert [r["id"] for r in rows] == [ids["gallium"]]
    table = run_cli(env, "measures", "list").stdout
    assert "MOFCOM mofcom-2026-70 · antimony" in table and "suspended" in table
    bad = run_cli(env, "measures", "list", "--in-force-on", "June", check=False)
    assert bad.returncode == 2 and "--in-force-on" in bad.stderr
    exported = json.loads(run_cli(env, "export", "--what", "measures", "-f", "json").stdout)
    assert {r["id"] for r in exported} >= set(ids.values()) and all("status" in r for r in exported)
    csv = run_cli(env, "export", "--what", "measures").stdout
    assert csv.lstrip("\ufeff").startswith("id,key,issuer")


@pytest.mark.browser
def test_measures_pages_in_chromium(app: Any, browser: Any) -> None:
    base, ids, _ = app
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append(d.message), d.dismiss()))
    try:
        resp = page.goto(f"{base}/measures")
        assert resp.status == 200 and "script-src" not in resp.headers["content-security-policy"]
        assert "default-src 'none'" in resp.headers["content-security-policy"]
        assert page.locator("h1").inner_text() == "Export-control measures"
        in_force = page.locator("table.in-force tr[data-material]")
        assert in_force.count() == 1 and "germanium" in in_force.inner_text()
        svg = page.locator("figure.measures-timeline svg")
        assert svg.locator("a.measure-row").count() == len(ids) + 1  # and the demo's measure
        assert svg.locator("rect.bar.suspended").count() == 2  # antimony's and the demo's
        assert svg.locator("rect.bar.announced").count() >= 1 and svg.locator("line.today").count() == 1
        row = svg.locator(f"a.measure-row[data-measure='{ids['antimony']}'] rect.bar")
        bars = [(row.nth(i).get_attribute("class"), float(row.nth(i).get_attribute("width") or 0))
                for i in range(row.count())]  # in force, suspended, in force again after the suspension
        assert [c for c, _ in bars] == ["bar in_force", "bar suspended", "bar in_force"]
        assert all(w > 0 for _, w in bars)
        page.locator(f"tr[data-measure='{ids['germanium']}'] a").click()
        page.wait_for_url(f"{base}/measures/{ids['germanium']}")
        assert XSS in page.locator("td.evidence").first.inner_text()  # shown as text
        assert "Measures wire" in page.locator("table.events").inner_text()
        assert page.evaluate("typeof window.__xss") == "undefined", "an injected script ran"
        page.goto(f"{base}/measures/{ids['antimony']}")
        assert page.locator("ul.periods li").count() == 3  # in force, suspended, in force again
    finally:
        context.close()
    assert errors == [], errors
