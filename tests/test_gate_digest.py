"""Issue 15, digests: an item held below the confidence gate appears in the digest, in a section of
its own after the alerts, and in Chinese for a channel whose tag sets ``lang: zh``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import replay_harness as h
from tests.inproc import run_cli
from tests.servers import JsonReceiver, Site, free_port, remon_env, rss

pytestmark = [pytest.mark.slow]


def test_the_digest_has_an_unconfirmed_section(tmp_path: Path, shared: Path, site: Site,
                                               request: pytest.FixtureRequest) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"feeds": ["daily"], "steps": [{"publish": [
        {"feed": "daily", "passage": "e044", "published": "2025-10-16T08:00:00Z"}]}]}), encoding="utf-8")
    timeline = h.build(spec, shared / "eval" / "dev2.jsonl", tmp_path / "replay")
    pub = json.loads((timeline / "timeline.json").read_text(encoding="utf-8"))["steps"][0]["publish"][0]
    site.pages["/daily/a.html"] = ("text/html; charset=utf-8", (timeline / pub["file"]).read_bytes())
    site.pages["/daily.xml"] = ("application/rss+xml", rss([{"title": pub["title"], "link": f"{site.base}/daily/a.html",
                                                            "published": pub["published"]}], "daily"))
    receivers = {tag: JsonReceiver(port=free_port()) for tag in ("digest", "cn")}
    for r in receivers.values():
        r.start()
        request.addfinalizer(r.stop)
    watch = tmp_path / "watch.yaml"
    watch.write_text("routing:\n  tags:\n    digest: {mode: digest, every: hourly}\n"
                     "    cn: {mode: digest, every: hourly, lang: zh}\n", encoding="utf-8")
    urls = f"digest={receivers['digest'].url('d-token')} cn={receivers['cn'].url('c-token')}"
    env = remon_env(tmp_path, REMON_CONFIG=str(watch), REMON_ALERT_MIN_CONFIDENCE="0.8", REMON_NOTIFY_URLS=urls)
    run_cli(env, "init")
    run_cli(env, "sources", "add", f"{site.base}/daily.xml")
    run_cli(env, "poll", "--once")
    held = json.loads(run_cli(env, "alerts", "unconfirmed", "--format", "json").stdout)
    assert [r["payload"]["statistic"]["value"] for r in held] == [82.0]
    (en,), (zh,) = receivers["digest"].received, receivers["cn"].received
    assert en["title"].endswith(", 1 unconfirmed")
    section = en["message"].index("Unconfirmed (waiting for a second source)")
    assert en["message"].index("China · production share · critical minerals: 82% (new)") > section
    assert "中国 · 关键矿产 · 全球产量份额：82%（新）" in zh["message"]
    assert held[0]["payload"]["statistic"]["sentence"][:40] in zh["message"]  # evidence as published
