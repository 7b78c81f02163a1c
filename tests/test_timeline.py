"""Issue 5, acceptance 1: the dev timeline replayed through the whole service.

Two RSS feeds on 127.0.0.1 publish the timeline's articles step by step; after each step
`remon poll --once` runs and the alerts new since the previous step are compared with the
step's expectations (SCHEMA.md "Timelines"): none missing, no noise, nothing on the
syndicated copy.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.inproc import run_cli
from tests.servers import Site, remon_env, rss

pytestmark = [pytest.mark.slow]


def _matches(alert: dict, exp: dict) -> bool:
    if alert["kind"] != exp["kind"]:
        return False
    if exp["kind"] == "stance_shift":
        return (alert["stance"] or {}).get("actor") == exp["actor"] and \
            (alert["stance"] or {}).get("position") == exp["position"]
    stat = alert["statistic"] or {}
    return all(stat.get(k) == exp[k] for k in ("subject", "material", "measure")) and \
        abs(float(stat.get("value", 0)) - float(exp["value"])) <= 0.005 * abs(float(exp["value"]))


def replay(timeline_dir: Path, site: Site, tmp_path: Path) -> list[dict]:
    timeline = json.loads((timeline_dir / "timeline.json").read_text(encoding="utf-8"))
    env = remon_env(tmp_path)  # the gate off (remon_env): the detector's own rules (docs/alerts.md)
    run_cli(env, "init")
    published: dict[str, list[dict]] = {feed: [] for feed in timeline["feeds"]}
    for feed in timeline["feeds"]:
        site.pages[f"/{feed}.xml"] = ("application/rss+xml", rss([], title=feed))
        run_cli(env, "sources", "add", f"{site.base}/{feed}.xml", "--name", feed)
    seen = 0
    report = []
    for number, step in enumerate(timeline["steps"], 1):
        for pub in step["publish"]:
            path = f"/{pub['feed']}/{Path(pub['file']).name}"
            site.pages[path] = ("text/html; charset=utf-8", (timeline_dir / pub["file"]).read_bytes())
            published[pub["feed"]].insert(0, {"title": pub["title"], "link": site.base + path,
                                              "published": pub["published"]})
            site.pages[f"/{pub['feed']}.xml"] = ("application/rss+xml", rss(published[pub["feed"]], pub["feed"]))
        run_cli(env, "poll", "--once")
        alerts = json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)
        new = [a for a in alerts[seen:] if a["kind"] in ("new_statistic", "changed_statistic", "stance_shift")]
        if step.get("expect_none"):
            new = alerts[seen:]
        seen = len(alerts)
        expected = step.get("expect", [])
        missing = [e for e in expected if not any(_matches(a, e) for a in new)]
        noise = [a for a in new if not any(_matches(a, e) for e in expected)]
        report.append({"step": number, "note": step.get("note"), "missing": missing,
                       "noise": [{k: a[k] for k in ("kind", "statistic", "stance")} for a in noise]})
    return report


def test_dev_timeline_yields_exactly_the_expected_alerts(shared: Path, site: Site, tmp_path: Path) -> None:
    report = replay(shared / "eval" / "timeline-dev", site, tmp_path)
    problems = [r for r in report if r["missing"] or r["noise"]]
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)
