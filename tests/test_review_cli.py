"""Issue 6, CLI views and `remon demo`: the bundled timeline through the real pipeline, then
`remon stats|stances|claims list`, `remon articles show` and `remon export` on what it stored, and
the demo's web app answering on its port."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import httpx
import pytest

from tests.inproc import run_cli
from tests.servers import background, free_port, remon_cmd, remon_env, wait_for, wait_port

pytestmark = [pytest.mark.slow]

SHARE = "china/rare_earths/share_of_global_refining"


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("democli")
    env = remon_env(tmp, REMON_DATABASE_URL=f"sqlite:///{tmp}/demo/remon.db")
    out = run_cli(env, "demo", "--dir", str(tmp / "demo"), "--no-serve", "--no-open")
    assert "step 4/4" in out.stdout and "6 articles analysed" in out.stdout
    return env


def test_stats_list_by_metric(demo_env: dict[str, str]) -> None:
    rows = json.loads(run_cli(demo_env, "stats", "list", "--metric", SHARE, "-f", "json").stdout)
    assert [r["value"] for r in rows] == [94.0, 94.0, 92.0, 90.0]
    since = json.loads(run_cli(demo_env, "stats", "list", "--metric", SHARE, "--since", "2026-10-01",
                                 "-f", "json").stdout)
    assert [r["value"] for r in since] == [94.0, 94.0]
    table = run_cli(demo_env, "stats", "list").stdout
    # a table shows labels, never raw keys (issue 15); the JSON keeps the keys for scripts
    assert "China · rare earths · refining share" in table and "F-35 · rare-earth magnets · import dependence" in table
    assert SHARE not in table and "import_dependence" not in table and "94%" in table
    bad = run_cli(demo_env, "stats", "list", "--since", "last week", check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_stances_list_by_actor(demo_env: dict[str, str]) -> None:
    rows = json.loads(run_cli(demo_env, "stances", "list", "--actor", "china", "-f", "json").stdout)
    assert rows and {r["actor"] for r in rows} == {"china"}
    assert rows[0]["position"] in ("ease", "negotiate") and rows[-1]["position"] == "tighten"
    table = run_cli(demo_env, "stances", "list").stdout
    assert "China" in table and "tightening controls" in table and "united_states" not in table
    assert not any(f"  {p}  " in table for p in ("tighten", "ease", "negotiate", "press", "counter", "maintain"))


def test_claims_list(demo_env: dict[str, str]) -> None:
    rows = json.loads(run_cli(demo_env, "claims", "list", "-f", "json").stdout)
    assert rows and all(r["articles"] >= 1 and r["text"] for r in rows)
    assert "first_seen" in run_cli(demo_env, "claims", "list").stdout


def test_articles_show(demo_env: dict[str, str]) -> None:
    detail = json.loads(run_cli(demo_env, "articles", "show", "1").stdout)[0]
    assert detail["title"] == "China tightens rare earth export controls, citing national security"
    assert detail["statistics"][0]["value"] == 90.0


def test_export_statistics_csv(demo_env: dict[str, str], tmp_path: Path) -> None:
    out = run_cli(demo_env, "export", "--what", "statistics", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert sorted(float(r["value"]) for r in rows if r["metric_key"] == SHARE) == [90.0, 92.0, 94.0, 94.0]
    target = tmp_path / "stances.json"
    run_cli(demo_env, "export", "--what", "stances", "--format", "json", "-o", str(target))
    assert {r["actor"] for r in json.loads(target.read_text(encoding="utf-8"))} >= {"china", "united_states"}
    bad = run_cli(demo_env, "export", "--what", "../../etc/passwd", check=False)
    assert bad.returncode == 2 and "--what must be one of" in bad.stderr


def test_demo_serves_the_app(tmp_path: Path) -> None:
    port = free_port()
    env = remon_env(tmp_path)
    with background(remon_cmd("demo", "--dir", str(tmp_path / "demo"), "--port", str(port), "--no-open"), env,
                    tmp_path / "demo.log"):
        wait_port(port, 120)  # bound first, served once the timeline is loaded:
        wait_for(lambda: "the review app is at" in (tmp_path / "demo.log").read_text(), timeout=120,
                 what="the demo to load")
        summary = httpx.get(f"http://127.0.0.1:{port}/api/summary", timeout=10).json()
        assert summary["counts"]["articles"] == 6
        kinds = {a["kind"] for a in summary["latest_alerts"]} | set(summary["week"]["by_kind"])
        assert {"changed_statistic", "stance_shift"} <= kinds
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "Demo Wire (EN)" in page.text
    log = (tmp_path / "demo.log").read_text()
    assert "the review app is at http://127.0.0.1:" in log
