"""Issue 15, acceptance 1 (corrections) with worker processes on Redis + PostgreSQL: `remon run`
(Celery worker and beat on redis-server, data on PostgreSQL) processes the articles, apprise's
json:// delivers to a real receiver, and a correction made through a real `remon web`
(`POST /api/corrections`) while the worker runs changes what the worker alerts for later articles:
a value repeating the corrected one raises nothing (the change the extracted value would have
caused is silenced), a new value is a change from the corrected one, not from the extracted one.
tests/test_corrections_e2e.py checks the same with `remon poll --once` on both databases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from remon.demo import page_html
from tests.servers import (
    JsonReceiver,
    RedisServer,
    Site,
    background,
    free_port,
    remon_cmd,
    remon_env,
    rss,
    run_remon,
    wait_for,
    wait_port,
)
from tests.test_corrections_e2e import SHARE, TOKEN, article, share_alerts

pytestmark = [pytest.mark.slow]


def _publish(site: Site, feed: str, item: dict[str, Any]) -> str:
    """One article on its own feed: each step is a new source, which the beat polls at once."""
    site.pages[f"/news/{item['slug']}.html"] = ("text/html; charset=utf-8", page_html(item))
    site.pages[f"/{feed}.xml"] = ("application/rss+xml", rss([
        {"title": item["title"], "link": f"{site.base}/news/{item['slug']}.html", "published": item["published"],
         "description": item["title"]}], feed))
    return f"{site.base}/news/{item['slug']}.html"


def _analysed(env: dict[str, str], url: str) -> bool:
    rows = json.loads(run_remon(env, "articles", "list", "--format", "json").stdout)
    return any(r["url"] == url and r["status"] == "analysed" for r in rows)


@pytest.mark.timeout(900)
def test_a_correction_changes_what_the_workers_alert_next(tmp_path: Path, site: Site, json_receiver: JsonReceiver,
                                                          redis_server: RedisServer, pg_url: str) -> None:
    watch = tmp_path / "watch.yaml"
    watch.write_text("routing:\n  debounce_minutes: 0\n", encoding="utf-8")  # every change is sent at once
    env = remon_env(tmp_path, REMON_DATABASE_URL=pg_url, REMON_BROKER_URL=redis_server.url,
                    REMON_NOTIFY_URLS=json_receiver.url(), REMON_WEB_TOKEN=TOKEN, REMON_CONFIG=str(watch),
                    REMON_BEAT_INTERVAL="1")
    run_remon(env, "init")
    first = _publish(site, "feed1", article("first", "2026-09-01T08:00:00Z", 90))
    run_remon(env, "sources", "add", f"{site.base}/feed1.xml", "--name", "Wire", "--interval", "3600")
    port = free_port()
    with background(remon_cmd("run", "--concurrency", "2"), env, tmp_path / "worker.log"), \
            background(remon_cmd("web", "--port", str(port)), env, tmp_path / "web.log"):
        wait_for(lambda: any("90%" in json.dumps(m, ensure_ascii=False) for m in json_receiver.received),
                 timeout=180, what="the worker's first alert (90%) delivered")
        assert [(a["kind"], a["statistic"]["value"]) for a in share_alerts(env)] == [("new_statistic", 90.0)]
        assert _analysed(env, first)

        # a person fixes the extracted 90% to 92% through the web API while the worker runs
        stat_id = json.loads(run_remon(env, "stats", "list", "--metric", SHARE, "-f", "json").stdout)[0]["id"]
        wait_port(port, 30)
        base = f"http://127.0.0.1:{port}"
        made = httpx.post(f"{base}/api/corrections", headers={"Authorization": f"Bearer {TOKEN}"},
                          json={"target_kind": "statistic", "target_id": stat_id, "action": "fix", "value": 92,
                                "who": "Ana"})
        assert made.status_code == 201, made.text

        # a later article repeats 92%: from the extracted history it would be a change (90% → 92%);
        # from the corrected one it is a repeat, and the worker sends nothing
        repeat = _publish(site, "feed2", article("repeat", "2026-09-10T08:00:00Z", 92))
        sent = len(json_receiver.received)
        run_remon(env, "sources", "add", f"{site.base}/feed2.xml", "--name", "Daily", "--interval", "3600")
        wait_for(lambda: _analysed(env, repeat), timeout=180, what="the worker analysed the repeating article")
        stored = json.loads(run_remon(env, "stats", "list", "--metric", SHARE, "-f", "json").stdout)
        assert sorted(s["value"] for s in stored) == [92.0, 92.0]  # the fix and the repeat
        assert len(share_alerts(env)) == 1

        # the next one says 95%: a change from the corrected 92%, delivered
        change = _publish(site, "feed3", article("change", "2026-10-02T08:00:00Z", 95))
        run_remon(env, "sources", "add", f"{site.base}/feed3.xml", "--name", "Desk", "--interval", "3600")
        wait_for(lambda: any("95%" in json.dumps(m, ensure_ascii=False) for m in json_receiver.received[sent:]),
                 timeout=180, what="the 95% change delivered")
        assert _analysed(env, change)
        alerts = share_alerts(env)
        assert [(a["kind"], a["statistic"]["value"], (a["previous"] or {}).get("value")) for a in alerts[1:]] == [
            ("changed_statistic", 95.0, 92.0)]
        share_messages = [m["title"] for m in json_receiver.received[sent:] if "refining share" in m["title"]]
        assert share_messages == ["China · refining share · rare earths: 92% → 95%"], share_messages
    for log in ("worker.log", "web.log"):
        assert TOKEN not in (tmp_path / log).read_text(errors="replace")
