"""Issue 18, acceptance 1: a measure's life replayed through the whole service.

Two RSS feeds on 127.0.0.1 publish an imposition, a syndicated copy of it, an expansion, a
suspension and a lifting; after each step `remon poll --once` runs (fetch, extraction, storage,
alerts, delivery to a real HTTP receiver) and the alerts new since the previous step must be
exactly the expected ones. Once in order, once with the suspension arriving after the lifting
(old news: stored on the measure's timeline, no alert), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest

from tests.inproc import run_cli
from tests.servers import STACKS, JsonReceiver, Site, remon_env, remon_worker, rss, stack_env, wait_for

pytestmark = [pytest.mark.slow]

IMPOSE = ("wire", "China imposes export controls on gallium and germanium", "2023-07-03T08:00:00Z",
          "China's Ministry of Commerce said on Monday it will impose export controls on gallium and germanium "
          "from August 1, 2023, under MOFCOM Announcement No. 23 of 2023. Exporters will need a licence to ship "
          "the metals, which are used in chips and solar panels.")
COPY = ("daily", *IMPOSE[1:])
EXPAND = ("wire", "China widens gallium curbs", "2024-11-20T08:00:00Z",
          "China's Ministry of Commerce expanded the export controls of Announcement No. 23 of 2023 to gallium "
          "oxide and germanium wafers from December 1, 2024.")
SUSPEND = ("daily", "China suspends gallium export controls", "2025-11-09T08:00:00Z",
           "China's Ministry of Commerce on Sunday suspended the export controls on gallium and germanium of "
           "Announcement No. 23 of 2023 from November 9, 2025 until November 27, 2026, after talks between the two "
           "presidents in Busan.")
LIFT = ("wire", "China lifts gallium export controls", "2026-03-01T08:00:00Z",
        "China's Ministry of Commerce lifted the export controls on gallium and germanium of Announcement "
        "No. 23 of 2023 on March 1, 2026. Traders in Rotterdam welcomed the decision, saying spot prices of both "
        "metals had already fallen by a third since the autumn, and that Japanese buyers were returning.")

IN_ORDER = [(IMPOSE, ["new_measure:imposed"]), (COPY, []), (EXPAND, ["measure_changed:expanded"]),
            (SUSPEND, ["measure_changed:suspended"]), (LIFT, ["measure_changed:lifted"])]
SUSPENSION_LATE = [(IMPOSE, ["new_measure:imposed"]), (COPY, []), (EXPAND, ["measure_changed:expanded"]),
                   (LIFT, ["measure_changed:lifted"]), (SUSPEND, [])]


def page(title: str, published: str, text: str) -> bytes:
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title>"
            f"<meta property='article:published_time' content='{published}'></head><body>"
            f"<main><article><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
            "</article></main></body></html>").encode()


@pytest.mark.parametrize("order", ["in_order", "suspension_late"])
@pytest.mark.parametrize("db", ["sqlite", "postgres"])
def test_a_measure_replayed_yields_exactly_the_expected_alerts(order: str, db: str, site: Site, tmp_path: Path,
                                                               json_receiver: JsonReceiver,
                                                               request: pytest.FixtureRequest) -> None:
    steps = IN_ORDER if order == "in_order" else SUSPENSION_LATE
    url = f"sqlite:///{tmp_path}/data/remon.db" if db == "sqlite" else request.getfixturevalue("pg_url")
    env = remon_env(tmp_path, REMON_DATABASE_URL=url, REMON_NOTIFY_URLS=json_receiver.url())
    run_cli(env, "init")
    feeds: dict[str, list[dict[str, str]]] = {"wire": [], "daily": []}
    for feed in feeds:
        site.pages[f"/{feed}.xml"] = ("application/rss+xml", rss([], title=feed))
        run_cli(env, "sources", "add", f"{site.base}/{feed}.xml", "--name", feed)
    seen, report = 0, []
    for number, ((feed, title, published, text), expected) in enumerate(steps, 1):
        path = f"/{feed}/{number}.html"
        site.pages[path] = ("text/html; charset=utf-8", page(title, published, text))
        feeds[feed].insert(0, {"title": title, "link": site.base + path, "published": published})
        site.pages[f"/{feed}.xml"] = ("application/rss+xml", rss(feeds[feed], feed))
        run_cli(env, "poll", "--once")
        alerts = json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)
        new = [f"{a['kind']}:{a['measure']['change']}" for a in alerts[seen:] if a["measure"]]
        seen = len(alerts)
        report.append((number, title, new, expected))
    assert [r for r in report if r[2] != r[3]] == [], report
    alerts = json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)
    assert {a["measure"]["measure_key"] for a in alerts if a["measure"]} == {"mofcom-2023-23"}
    assert all(d["status"] == "sent" for a in alerts for d in a["deliveries"])
    sent = sum(len(a["deliveries"]) for a in alerts)
    assert all(len(a["deliveries"]) == 1 for a in alerts if a["measure"])
    wait_for(lambda: len(json_receiver.received) >= sent, timeout=30, what="every alert delivered")
    assert len(json_receiver.received) == sent  # each alert sent once
    titles = [a["title"] for a in alerts if a["measure"]]
    assert titles[0] == "New measure · MOFCOM mofcom-2023-23 · gallium, germanium: imposed (2023-08-01)"


@pytest.mark.parametrize("stack", STACKS)
def test_a_measure_and_its_suspension_through_a_worker(stack: str, site: Site, tmp_path: Path,
                                                       json_receiver: JsonReceiver,
                                                       request: pytest.FixtureRequest) -> None:
    """`remon run` (Celery worker + beat) on the embedded default (SQLite data and broker) and on
    redis-server + PostgreSQL. The imposition comes first; a second feed added while the worker
    runs brings the suspension."""
    env = stack_env(tmp_path, stack, request, REMON_NOTIFY_URLS=json_receiver.url())
    run_cli(env, "init")
    for number, (feed, title, published, text) in enumerate((IMPOSE, SUSPEND), 1):
        path = f"/{feed}/{number}.html"
        site.pages[path] = ("text/html; charset=utf-8", page(title, published, text))
        site.pages[f"/{feed}.xml"] = ("application/rss+xml", rss(
            [{"title": title, "link": site.base + path, "published": published}], feed))

    def measure_alerts() -> list[dict[str, Any]]:
        alerts = json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)
        return [a for a in alerts if a["measure"]]

    def delivered(word: str) -> bool:
        return any(word in json.dumps(r, ensure_ascii=False) for r in json_receiver.received)

    run_cli(env, "sources", "add", f"{site.base}/wire.xml", "--name", "wire", "--interval", "3600")
    with remon_worker(env, tmp_path / "worker.log"):
        try:
            wait_for(lambda: delivered("New measure · MOFCOM mofcom-2023-23"), timeout=120, what="new_measure sent")
            run_cli(env, "sources", "add", f"{site.base}/daily.xml", "--name", "daily", "--interval", "3600")
            wait_for(lambda: delivered("gallium, germanium: suspended"), timeout=120, what="measure_changed sent")
            wait_for(lambda: all(d["status"] == "sent" for a in measure_alerts() for d in a["deliveries"]),
                     timeout=60, what="every measure alert sent")
        except TimeoutError:
            raise AssertionError((tmp_path / "worker.log").read_text()[-5000:]) from None
    kinds = [f"{a['kind']}:{a['measure']['change']}" for a in measure_alerts()]
    assert kinds == ["new_measure:imposed", "measure_changed:suspended"]
    sent = [r for r in json_receiver.received if "mofcom-2023-23" in json.dumps(r, ensure_ascii=False)]
    assert len(sent) == 2  # each once


def test_measure_alerts_follow_routing_rules_into_a_digest(site: Site, tmp_path: Path,
                                                           json_receiver: JsonReceiver) -> None:
    """A rule on the measure kinds and a material routes them to a tagged digest channel only."""
    from tests.servers import free_port

    digest = JsonReceiver(port=free_port())
    digest.start()
    watch = tmp_path / "watch.yaml"
    watch.write_text("routing:\n  rules:\n    - {kinds: [new_measure, measure_changed], materials: [germanium], "
                     "tags: [metals]}\n  tags:\n    metals: {mode: digest, every: hourly}\n")
    env = remon_env(tmp_path, REMON_CONFIG=str(watch),
                    REMON_NOTIFY_URLS=f"other={json_receiver.url()} metals={digest.url('digest-token')}")
    try:
        feed, title, published, text = IMPOSE
        site.pages["/wire/1.html"] = ("text/html; charset=utf-8", page(title, published, text))
        site.pages["/wire.xml"] = ("application/rss+xml", rss(
            [{"title": title, "link": f"{site.base}/wire/1.html", "published": published}], feed))
        run_cli(env, "init")
        run_cli(env, "sources", "add", f"{site.base}/wire.xml")
        run_cli(env, "poll", "--once")
        got = json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)
        measure = [a for a in got if a["measure"]]
        assert [a["kind"] for a in measure] == ["new_measure"]
        assert [d["mode"] for d in measure[0]["deliveries"]] == ["digest"]
        assert len(digest.received) == 1
        assert "New measure · MOFCOM mofcom-2023-23" in json.dumps(digest.received[0], ensure_ascii=False)
        assert not any("New measure" in json.dumps(r, ensure_ascii=False) for r in json_receiver.received)
    finally:
        digest.stop()
