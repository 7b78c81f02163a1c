"""The command line as users meet it: outputs, exit codes and errors they can act on."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.inproc import run_cli
from tests.servers import Site, free_port, remon_env, rss, run_remon

pytestmark = [pytest.mark.system]  # runs the remon binary or other processes (make test-fast skips it)


def test_extract_seed_text_prints_the_four_percentages(shared: Path, tmp_path: Path) -> None:
    """Issue 2, acceptance 3: 61, 92, 99 and 87 percent from the seed text."""
    seed = json.loads((shared / "eval" / "seed.jsonl").read_text(encoding="utf-8").splitlines()[0])
    path = tmp_path / "seed.txt"
    path.write_text(seed["text"], encoding="utf-8")
    out = run_cli(remon_env(tmp_path), "extract", "--text", str(path)).stdout
    doc = json.loads(out.splitlines()[0])
    percents = {s["value"] for s in doc["statistics"] if s["unit"] == "percent"}
    assert {61.0, 92.0, 99.0, 87.0} <= percents
    assert doc["relevant"] is True and doc["language"] == "en"
    for key in ("title", "text", "published", "relevance", "stances", "claims"):
        assert key in doc
    stat = next(s for s in doc["statistics"] if s["value"] == 92.0)
    assert stat["material"] == "rare_earths" and stat["measure"] == "share_of_global_refining"
    assert doc["text"][stat["start"]:stat["end"]].startswith("92")
    # the same text from standard input
    again = run_cli(remon_env(tmp_path), "extract", "--text", "-", stdin=seed["text"].encode()).stdout
    assert json.loads(again)["statistics"] == doc["statistics"]


def test_extract_html_gz_and_jsonl(shared: Path, tmp_path: Path) -> None:
    page = (shared / "eval" / "timeline-dev" / "articles" / "05-p081.html").read_bytes()
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress(page))
    doc = json.loads(run_cli(remon_env(tmp_path), "extract", str(gz)).stdout.splitlines()[0])
    assert doc["language"].startswith("zh") and doc["relevant"]
    assert "鎵" in doc["text"] or "镓" in doc["text"]
    lines = run_cli(remon_env(tmp_path), "extract", "--jsonl", str(shared / "eval" / "dev.jsonl")).stdout
    results = [json.loads(x) for x in lines.splitlines()]
    gold = (shared / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    assert [r["id"] for r in results] == [json.loads(g)["id"] for g in gold]


def test_eval_reports_targets_met(shared: Path, tmp_path: Path) -> None:
    proc = run_cli(remon_env(tmp_path), "eval", str(shared / "eval" / "dev.jsonl"))
    assert "stats quantity" in proc.stdout and "targets: all met" in proc.stdout


@pytest.mark.parametrize(("variable", "value", "needle"), [
    ("REMON_DEFAULT_INTERVAL", "5", "REMON_DEFAULT_INTERVAL"),
    ("REMON_NOTIFY_URLS", "not-a-url", "notify URL"),
    ("REMON_LOG_LEVEL", "LOUD", "REMON_LOG_LEVEL"),
])
def test_bad_settings_exit_2_with_a_readable_reason(tmp_path: Path, variable: str, value: str, needle: str) -> None:
    """Through the real binary: the exit code and the one line a shell sees."""
    proc = run_remon(remon_env(tmp_path, **{variable: value}), "sources", "list", check=False)
    assert proc.returncode == 2
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_missing_watch_file_and_secret_file(tmp_path: Path) -> None:
    proc = run_cli(remon_env(tmp_path, REMON_CONFIG=str(tmp_path / "nope.yaml")), "init", check=False)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    secret = tmp_path / "notify"
    secret.write_text("json://127.0.0.1:9/hook/filetoken123\n")
    env = remon_env(tmp_path, REMON_NOTIFY_URLS_FILE=str(secret))
    proc = run_cli(env, "notify", "test", check=False)
    assert proc.returncode == 1 and "FAILED" in proc.stdout
    assert "filetoken123" not in proc.stdout + proc.stderr


def test_sources_add_list_remove_and_errors(tmp_path: Path) -> None:
    env = remon_env(tmp_path)
    run_cli(env, "init")
    assert run_cli(env, "sources", "add", "ftp://x.example/feed", check=False).returncode == 2
    run_cli(env, "sources", "add", "http://127.0.0.1:9/feed.xml", "--name", "local", "--interval", "120")
    again = run_cli(env, "sources", "add", "http://127.0.0.1:9/feed.xml")
    assert "already present" in again.stdout
    rows = json.loads(run_cli(env, "sources", "list", "--format", "json").stdout)
    assert [(r["name"], r["interval"], r["enabled"]) for r in rows] == [("local", 120, True)]
    run_cli(env, "sources", "remove", "1")
    assert json.loads(run_cli(env, "sources", "list", "--format", "json").stdout)[0]["enabled"] is False
    assert run_cli(env, "sources", "remove", "99", check=False).returncode == 1


def test_failing_source_is_recorded_and_json_logs_carry_ids(tmp_path: Path, site: Site) -> None:
    env = remon_env(tmp_path, REMON_LOG_JSON="true")
    site.pages["/feed.xml"] = ("application/rss+xml", rss([{"title": "t", "link": f"{site.base}/missing.html"}]))
    run_cli(env, "init")
    run_cli(env, "sources", "add", f"{site.base}/feed.xml")
    run_cli(env, "sources", "add", f"http://127.0.0.1:{free_port()}/down.xml")
    proc = run_cli(env, "poll", "--once")
    records = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    assert any(r.get("source_id") == 2 and r["level"] == "WARNING" for r in records)
    assert any(r.get("article_id") == 1 for r in records)
    sources = json.loads(run_cli(env, "sources", "list", "--format", "json").stdout)
    down = next(s for s in sources if s["id"] == 2)
    assert down["error_code"] == "fetch.connect" and down["error_count"] == 1 and down["error_message"]
    articles = json.loads(run_cli(env, "articles", "list", "--format", "json").stdout)
    assert articles[0]["status"] == "failed" and articles[0]["error_code"] == "fetch.http_status"


def test_health_fails_when_the_broker_is_down(tmp_path: Path) -> None:
    env = remon_env(tmp_path, REMON_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0")
    run_cli(env, "init")
    proc = run_cli(env, "health", "--check", "database,broker", check=False)
    assert proc.returncode == 1 and "broker" in proc.stdout and "False" in proc.stdout
    ok = run_cli(remon_env(tmp_path), "health", "--check", "database,broker")
    assert "reachable" in ok.stdout
