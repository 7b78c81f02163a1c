"""Issue 15, acceptance 1 (corrections, end to end): feeds on 127.0.0.1, `remon poll --once` through
the real pipeline with apprise's json:// to a real receiver, a correction through a real `remon web`
(`POST /api/corrections`, bearer token), then the next articles: a value repeating the corrected one
raises nothing, a new one is a change from the corrected value. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from remon.demo import page_html
from tests.inproc import run_cli
from tests.servers import JsonReceiver, Site, background, free_port, remon_cmd, remon_env, rss, wait_port

pytestmark = [pytest.mark.slow]

SHARE = "china/rare_earths/share_of_global_refining"
TOKEN = "e2e-corr-token"
STORIES = {  # different enough that none is a near-duplicate (a syndicated copy) of another
    "first": "China's Ministry of Commerce announced new export controls on rare earth magnets and processing "
             "technology on Monday, requiring licences for shipments abroad.",
    "repeat": "European automakers warned on Wednesday that licence delays for rare earth magnets could halt "
              "assembly lines within weeks, and asked Brussels to raise the export controls with Beijing.",
    "change": "Japanese trading houses said they had begun stockpiling dysprosium and terbium after the export "
              "controls took effect, while Australian miners announced plans to expand separation plants.",
}


def publish(site: Site, items: list[dict[str, Any]]) -> None:
    for item in items:
        site.pages[f"/news/{item['slug']}.html"] = ("text/html; charset=utf-8", page_html(item))
    site.pages["/feed.xml"] = ("application/rss+xml", rss([
        {"title": i["title"], "link": f"{site.base}/news/{i['slug']}.html", "published": i["published"],
         "description": i["title"]} for i in reversed(items)]))


def article(slug: str, published: str, share: int) -> dict[str, Any]:
    return {"slug": slug, "published": published,
            "title": f"Rare earth controls: analysts on China's refining share ({slug})",
            "body": f"{STORIES[slug]}\nChina supplies {share}% of the world's refined rare earths, "
                    "according to industry analysts.\n"}


def share_alerts(env: dict[str, str]) -> list[dict[str, Any]]:
    alerts = json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)
    return [a for a in alerts if a["statistic"] and
            "/".join(a["statistic"][k] or "" for k in ("subject", "material", "measure")) == SHARE]


def test_a_correction_changes_what_the_next_articles_alert(db_url: str, tmp_path: Path, site: Site,
                                                           json_receiver: JsonReceiver) -> None:
    watch = tmp_path / "watch.yaml"
    watch.write_text("routing:\n  debounce_minutes: 0\n", encoding="utf-8")  # every change is sent at once
    env = remon_env(tmp_path, REMON_DATABASE_URL=db_url, REMON_NOTIFY_URLS=json_receiver.url(),
                    REMON_WEB_TOKEN=TOKEN, REMON_CONFIG=str(watch))
    run_cli(env, "init")
    items = [article("first", "2026-09-01T08:00:00Z", 90)]
    publish(site, items)
    run_cli(env, "sources", "add", f"{site.base}/feed.xml", "--name", "Wire")
    run_cli(env, "poll", "--once")
    first = share_alerts(env)
    assert [(a["kind"], a["statistic"]["value"]) for a in first] == [("new_statistic", 90.0)]
    assert any("90%" in json.dumps(m, ensure_ascii=False) for m in json_receiver.received)

    stats = json.loads(run_cli(env, "stats", "list", "--metric", SHARE, "-f", "json").stdout)
    assert [s["value"] for s in stats] == [90.0]
    stat_id = stats[0]["id"]
    port = free_port()
    with background(remon_cmd("web", "--port", str(port)), env, tmp_path / "web.log"):
        wait_port(port, 30)
        base = f"http://127.0.0.1:{port}"
        body = {"target_kind": "statistic", "target_id": stat_id, "action": "fix", "value": 92, "who": "Ana"}
        assert httpx.post(f"{base}/api/corrections", json=body).status_code == 401
        made = httpx.post(f"{base}/api/corrections", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert made.status_code == 201, made.text
        assert httpx.get(f"{base}/api/metrics/{SHARE}").json()["points"][0]["value"] == 92
    assert TOKEN not in (tmp_path / "web.log").read_text(errors="replace")

    items.append(article("repeat", "2026-09-10T08:00:00Z", 92))
    publish(site, items)
    run_cli(env, "poll", "--once")
    assert len(share_alerts(env)) == 1  # 92% repeats the corrected current value: no alert
    items.append(article("change", "2026-10-02T08:00:00Z", 95))
    publish(site, items)
    sent = len(json_receiver.received)
    run_cli(env, "poll", "--once")
    alerts = share_alerts(env)
    assert [(a["kind"], a["statistic"]["value"], (a["previous"] or {}).get("value")) for a in alerts[1:]] == [
        ("changed_statistic", 95.0, 92.0)]  # a change from the corrected value, not from the extracted 90%
    assert any("95%" in json.dumps(m, ensure_ascii=False) for m in json_receiver.received[sent:])
    listed = run_cli(env, "corrections", "list").stdout
    assert "Ana" in listed and "value: 92%" in listed
