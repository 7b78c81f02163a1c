"""source_failing after N consecutive failures and source_recovered after, once each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.inproc import run_cli
from tests.servers import JsonReceiver, Site, remon_env, rss

pytestmark = [pytest.mark.slow]


def test_failing_then_recovered_once_each(tmp_path: Path, site: Site, json_receiver: JsonReceiver) -> None:
    watch = tmp_path / "watch.yaml"
    watch.write_text("thresholds: {failing_after: 3}\n")
    env = remon_env(tmp_path, REMON_CONFIG=str(watch), REMON_NOTIFY_URLS=json_receiver.url())
    run_cli(env, "init")
    run_cli(env, "sources", "add", f"{site.base}/feed.xml", "--name", "flaky wire")  # 404 for now

    def health_alerts() -> list[dict]:
        alerts = json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)
        return [a for a in alerts if a["kind"].startswith("source_")]

    for attempt in range(1, 6):
        polled = run_cli(env, "poll", "--once", check=False)  # its only source failed: exit 1
        assert polled.returncode == 1 and "1 failed (fetch.http_status)" in polled.stdout
        source = json.loads(run_cli(env, "sources", "list", "--format", "json").stdout)[0]
        assert source["error_count"] == attempt and source["error_code"] == "fetch.http_status"
        assert [a["kind"] for a in health_alerts()] == (["source_failing"] if attempt >= 3 else [])
    failing = health_alerts()[0]
    assert "flaky wire" in failing["title"] and "fetch.http_status" in failing["body"]

    site.pages["/feed.xml"] = ("application/rss+xml", rss([]))
    for _ in range(2):
        run_cli(env, "poll", "--once")
    assert [a["kind"] for a in health_alerts()] == ["source_failing", "source_recovered"]
    source = json.loads(run_cli(env, "sources", "list", "--format", "json").stdout)[0]
    assert source["error_count"] == 0 and source["error_code"] is None and source["last_success"]
    sent = [r["title"] for r in json_receiver.received]
    assert len(sent) == 2 and "recovered" in sent[1].lower()
