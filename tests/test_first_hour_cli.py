"""Issue 16, the first hour of a new user at the command line, through the real `remon` command.

Configuration mistakes are loud, named and safe (exit 2, one line naming the setting); runtime
failures are one line and exit 1; the commands explain themselves.
"""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

import pytest

from tests.inproc import run_cli
from tests.servers import (
    REPO,
    JsonReceiver,
    Site,
    background,
    free_port,
    remon_cmd,
    remon_env,
    rss,
    run_remon,
    wait_for,
)


def one_line_error(proc: object, code: int) -> str:
    """The command failed with ``code`` and said why in one line, without a traceback."""
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)  # type: ignore[attr-defined]
    err = proc.stderr.strip()  # type: ignore[attr-defined]
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


# ----------------------------------------------------------------------------- the database


@pytest.mark.system
@pytest.mark.parametrize(("url", "says"), [
    ("foo", "is not a database URL"),
    ("mysql://remon:Hunter2pw@db.example.org/remon", "SQLite or PostgreSQL"),
    ("postgresql+psycopg2://remon:Hunter2pw@127.0.0.1/remon", "psycopg"),
    ("postgresql://remon:Hunter2pw@127.0.0.1:5432", "names no database"),
    ("sqlite://", "names no SQLite file"),
])
def test_a_bad_database_url_is_named_explained_and_exits_2(tmp_path: Path, url: str, says: str) -> None:
    proc = run_cli(remon_env(tmp_path, REMON_DATABASE_URL=url), "sources", "list", check=False)
    err = one_line_error(proc, 2)
    assert "REMON_DATABASE_URL" in err and says in err
    assert "Hunter2pw" not in proc.stdout + proc.stderr and "//***" not in err


@pytest.mark.system
@pytest.mark.parametrize("command", [
    ["sources", "list"], ["sources", "add", "https://example.org/feed.xml"], ["sources", "remove", "1"],
    ["articles", "list"], ["alerts", "list"], ["stats", "list"], ["claims", "list"], ["poll", "--once"],
    ["export", "--what", "statistics"], ["web", "--port", "0"],
])
def test_only_init_and_run_create_a_database(tmp_path: Path, command: list[str]) -> None:
    folder = tmp_path / "typo" / "data"
    env = remon_env(tmp_path, REMON_DATABASE_URL=f"sqlite:///{folder}/remon.db")
    err = one_line_error(run_cli(env, *command, check=False), 2)
    assert err == f"remon: no database at {folder}/remon.db; run `remon init` (or check REMON_DATABASE_URL and " \
                  "REMON_DATA_DIR)"
    assert not (tmp_path / "typo").exists()  # nothing was created on the way


@pytest.mark.system
def test_init_creates_the_database_and_says_where(tmp_path: Path) -> None:
    env = remon_env(tmp_path)
    where = tmp_path / "data" / "remon.db"
    first = run_cli(env, "init")
    assert f"created a new database at {where}" in first.stderr and f"database ready at {where}" in first.stdout
    again = run_cli(env, "init")
    assert "created" not in again.stderr
    assert run_cli(env, "sources", "list").stdout.strip() == "(none)"
    health = run_cli(remon_env(tmp_path, REMON_DATA_DIR=str(tmp_path / "elsewhere")), "health", check=False)
    assert health.returncode == 1 and "no database at" in health.stdout
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.slow
def test_run_on_a_fresh_machine_creates_the_database_and_says_how_to_add_a_source(tmp_path: Path) -> None:
    env = remon_env(tmp_path, REMON_ALLOW_PRIVATE_NETWORKS="false")
    log = tmp_path / "run.log"
    with background(remon_cmd("run", "--concurrency", "1"), env, log):
        wait_for(lambda: "ready" in log.read_text(errors="replace"), timeout=120, what="the worker to start")
    text = log.read_text(errors="replace")
    assert f"created a new database at {tmp_path / 'data' / 'remon.db'}" in text
    assert "no source to poll: add one with `remon sources add URL`, or the curated default list with " \
           "`remon sources add --defaults`" in text
    if os.geteuid() == 0:  # Celery's superuser warning gets a remon line that says root is not needed
        assert "running as root: remon needs no privileges" in text


@pytest.mark.system
def test_sources_add_defaults_lists_what_it_added(tmp_path: Path) -> None:
    env = remon_env(tmp_path)
    run_cli(env, "init")
    out = run_cli(env, "sources", "add", "--defaults").stdout.splitlines()
    added = [line for line in out if line.startswith("added: source ")]
    assert len(added) >= 10 and any("MOFCOM" in line for line in added) and any("稀土" in line for line in added)
    assert out[-1].startswith(f"{len(added)} of {len(added)} default source(s) added")
    rows = json.loads(run_cli(env, "sources", "list", "-f", "json").stdout)
    assert len(rows) == len(added)
    again = run_cli(env, "sources", "add", "--defaults").stdout
    assert "added: source" not in again and again.count("already present") == len(added)
    assert run_cli(env, "sources", "add", check=False).returncode == 2


# ----------------------------------------------------------------------------- notifications


@pytest.mark.system
def test_an_unknown_apprise_scheme_is_bad_configuration(tmp_path: Path) -> None:
    env = remon_env(tmp_path, REMON_NOTIFY_URLS="bogus://hooks.example.org/tok3nValue")
    run_cli(remon_env(tmp_path), "init")
    for command in (["poll", "--once"], ["run"]):
        run = run_remon if command == ["run"] else run_cli  # `remon run` through the binary: a service
        err = one_line_error(run(env, *command, check=False), 2)
        assert "REMON_NOTIFY_URLS" in err and "bogus" in err and "tok3nValue" not in err
    test = run_cli(env, "notify", "test", check=False)
    assert test.returncode == 2 and "no notification service is called 'bogus'" in test.stdout
    health = run_cli(env, "health", check=False)
    assert health.returncode == 1
    row = next(line for line in health.stdout.splitlines() if line.startswith("notify"))
    assert "False" in row and "bogus" in row and "tok3nValue" not in health.stdout


@pytest.mark.system
def test_notify_test_prints_apprises_reason_on_the_outcome_line(tmp_path: Path, json_receiver: JsonReceiver) -> None:
    bad_from = "mailto://me:Pa55word9@127.0.0.1:25?from=not-an-address&to=me@example.org"
    json_receiver.status = 500
    env = remon_env(tmp_path, REMON_NOTIFY_URLS=f"{bad_from} {json_receiver.url('hookSecret77')}")
    proc = run_cli(env, "notify", "test", check=False)
    assert proc.returncode == 2  # one channel is misconfigured
    mail, hook = proc.stdout.splitlines()
    assert mail.startswith("mailto://***@127.0.0.1:25") and "FAILED" in mail and "Invalid From email" in mail
    assert hook.startswith(f"json://127.0.0.1:{json_receiver.port}/***: FAILED") and "500" in hook
    assert "Pa55word9" not in proc.stdout + proc.stderr and "hookSecret77" not in proc.stdout + proc.stderr


# ----------------------------------------------------------------------------- polling


@pytest.mark.slow
def test_poll_once_exits_1_when_every_source_failed_with_a_summary(tmp_path: Path, site: Site) -> None:
    env = remon_env(tmp_path)
    run_cli(env, "init")
    dead = [f"http://127.0.0.1:{free_port()}/feed{i}.xml" for i in range(2)]
    for url in dead:
        run_cli(env, "sources", "add", url)
    proc = run_cli(env, "poll", "--once", check=False)
    assert proc.returncode == 1
    assert proc.stdout.strip() == "polled 2 sources: 0 new articles, 0 alerts; 2 failed (fetch.connect ×2)"
    assert "every source failed" in proc.stderr
    # one source that works: exit 0, and the failure still counted
    site.pages["/feed.xml"] = ("application/rss+xml", rss([]))
    run_cli(env, "sources", "add", f"{site.base}/feed.xml")
    ok = run_cli(env, "poll", "--once")
    assert ok.stdout.strip() == "polled 3 sources: 0 new articles, 0 alerts; 2 failed (fetch.connect ×2)"


@pytest.mark.system
def test_poll_once_with_no_source_says_how_to_add_one(tmp_path: Path) -> None:
    env = remon_env(tmp_path)
    run_cli(env, "init")
    proc = run_cli(env, "poll", "--once")
    assert proc.stdout.strip() == "polled 0 sources: 0 new articles, 0 alerts"
    assert "remon sources add --defaults" in proc.stderr


@pytest.mark.system
def test_adding_a_private_address_warns_at_once_naming_the_setting(tmp_path: Path) -> None:
    env = remon_env(tmp_path, REMON_ALLOW_PRIVATE_NETWORKS="false")
    run_cli(env, "init")
    for url in ("http://127.0.0.1:8000/feed.xml", "http://10.1.2.3/rss", "http://localhost/feed"):
        proc = run_cli(env, "sources", "add", url)
        assert proc.stdout.startswith("added: source")
        assert "warning:" in proc.stderr and "REMON_ALLOW_PRIVATE_NETWORKS=true" in proc.stderr
        assert "allow_hosts" in proc.stderr and "fetch.private_address" in proc.stderr
    loopback = run_cli(env, "sources", "add", "http://127.0.0.2/x.xml").stderr
    assert "127.0.0.2 is a loopback address" in loopback
    allowed = run_cli(remon_env(tmp_path, REMON_ALLOW_PRIVATE_NETWORKS="true"), "sources", "add",
                        "http://192.168.1.9/feed.xml")
    assert allowed.stderr == ""


# ----------------------------------------------------------------------------- remon web


@pytest.mark.system
def test_web_on_a_port_in_use_is_one_line_and_exit_1(tmp_path: Path) -> None:
    env = remon_env(tmp_path)
    run_cli(env, "init")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        err = one_line_error(run_cli(env, "web", "--port", str(port), check=False), 1)
    assert err == f"remon: cannot listen on 127.0.0.1:{port}: the port is already in use (another `remon web`?); " \
                  "choose another with --port"


# ----------------------------------------------------------------------------- extract

OFF_TOPIC = ("Gallium is a soft, silvery metal that melts in the hand. "
             "Soybean exports fell 12% in May, the ministry said.")


@pytest.mark.system
def test_extract_says_why_a_text_is_off_topic_and_all_extracts_anyway(tmp_path: Path) -> None:
    env = remon_env(tmp_path)
    proc = run_cli(env, "extract", "--text", "-", stdin=OFF_TOPIC.encode())
    doc = json.loads(proc.stdout)
    assert doc["relevant"] is False and doc["statistics"] == [] and doc["threshold"] > doc["relevance"]
    why = proc.stderr.strip()
    assert why.startswith("remon: <stdin>: off topic (relevance ") and "below the threshold" in why
    assert f"{doc['threshold']:.2f}" in why and "gallium" in why and "--all" in why
    forced = run_cli(env, "extract", "--text", "--all", "-", stdin=OFF_TOPIC.encode())
    everything = json.loads(forced.stdout)
    assert everything["relevant"] is False and everything["relevance"] == doc["relevance"]
    assert [s["value"] for s in everything["statistics"]] == [-12.0]
    assert "extracted anyway (--all)" in forced.stderr
    on_topic = "China supplies 92% of the world's refined rare earths and tightened export controls on them."
    quiet = run_cli(env, "extract", "--text", "-", stdin=on_topic.encode())
    assert json.loads(quiet.stdout)["relevant"] is True and quiet.stderr == ""


@pytest.mark.system
def test_extract_matched_terms_are_words_of_the_text(tmp_path: Path) -> None:
    texts = [OFF_TOPIC, "China's REE output and the new curbs on cerium exports worried buyers.",
             "稀土出口管制：中國對鎵和鍺實施出口許可。"]
    for text in texts:
        doc = json.loads(run_cli(remon_env(tmp_path), "extract", "--text", "-", stdin=text.encode()).stdout)
        assert doc["matched_terms"]
        missing = [t for t in doc["matched_terms"] if t.lower() not in text.lower()]
        assert missing == [], (text, doc["matched_terms"])


@pytest.mark.system
def test_extract_help_points_to_the_output_doc_in_the_repo(tmp_path: Path) -> None:
    out = run_cli(remon_env(tmp_path), "extract", "--help").stdout
    assert "SCHEMA.md" not in out and "docs/extract-output.md" in out and "--all" in out
    doc = (REPO / "docs" / "extract-output.md").read_text(encoding="utf-8")
    text = ("China supplies 92% of the world's refined rare earths. Beijing tightened export controls on rare "
            "earth magnets on Monday, the commerce ministry said. Japan said the licence delays on rare earths "
            "could disrupt production within weeks.")
    sample = json.loads(run_cli(remon_env(tmp_path), "extract", "--text", "-", stdin=text.encode()).stdout)
    assert sample["statistics"] and sample["stances"] and sample["claims"]
    for key in [*sample, *sample["statistics"][0], *sample["stances"][0], *sample["claims"][0]]:
        assert f"`{key}`" in doc, key  # every field the command prints is documented


# ----------------------------------------------------------------------------- the demo's data


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("demo-cli")
    run_cli(remon_env(tmp), "demo", "--dir", str(tmp / "demo"), "--no-serve", "--no-open")
    return remon_env(tmp, REMON_DATABASE_URL=f"sqlite:///{tmp}/demo/remon.db")


@pytest.mark.system
def test_claim_speakers_are_one_form_the_label(demo_env: dict[str, str]) -> None:
    rows = json.loads(run_cli(demo_env, "claims", "list", "-f", "json").stdout)
    speakers = {r["speaker"] for r in rows}
    assert speakers == {"China", "Japan", "United States", "Analysts", "Officials"}, speakers
    assert {r["speaker_key"] for r in rows} >= {"china", "united_states", "Analysts"}
    table = run_cli(demo_env, "claims", "list").stdout
    assert "united_states" not in table and "United States" in table
    detail = json.loads(run_cli(demo_env, "articles", "show", "1").stdout)[0]
    assert {c["speaker"] for c in detail["claims"]} <= speakers


def _starts(line: str) -> list[int]:
    """Display columns where each cell of a table line starts (cells are 2+ spaces apart)."""
    from wcwidth import wcswidth

    return [wcswidth(line[:m.start()]) for m in re.finditer(r"\S+(?: \S+)*", line)]


@pytest.mark.system
def test_cli_tables_align_chinese_by_display_width(demo_env: dict[str, str]) -> None:
    lines = run_cli(demo_env, "sources", "list").stdout.splitlines()
    assert any("演示日报" in line for line in lines)
    header = _starts(lines[0])
    for line in lines[2:]:
        assert _starts(line)[:3] == header[:3], line  # id, name, url start where their headings do
    claims = run_cli(demo_env, "claims", "list").stdout.splitlines()
    assert len({len(_starts(line)) and _starts(line)[4] for line in [claims[0], *claims[2:]]}) == 1


@pytest.mark.slow
def test_demo_links_use_the_served_port_and_lead_to_the_stored_article(tmp_path: Path) -> None:
    import httpx

    log = tmp_path / "demo.log"
    with background(remon_cmd("demo", "--dir", str(tmp_path / "demo"), "--port", "0", "--no-open"),
                    remon_env(tmp_path), log):
        found = wait_for(lambda: re.search(r"the review app is at (http://127\.0\.0\.1:(\d+))/", log.read_text()),
                         timeout=120, what="the demo to load")
        base, port = found.group(1), found.group(2)
        assert port != "8080"
        alerts = httpx.get(f"{base}/api/alerts", params={"limit": 100}, timeout=10).json()["items"]
        reviews = [line for a in alerts for line in a["body"].splitlines() if line.startswith("Review: ")]
        assert reviews and all(line.startswith(f"Review: {base}/articles/") for line in reviews), reviews
        article = httpx.get(f"{base}/api/articles", params={"limit": 1}, timeout=10).json()["items"][0]
        hop = httpx.get(article["url"], timeout=10)  # the link the app shows for the article
        assert hop.status_code == 302 and hop.headers["location"] == f"{base}/articles/{article['id']}"
        page = httpx.get(article["url"], timeout=10, follow_redirects=True)
        assert page.status_code == 200 and str(page.url) == f"{base}/articles/{article['id']}"
        assert article["title"] in page.text


@pytest.mark.system
def test_the_readme_describes_what_the_demo_shows(demo_env: dict[str, str]) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    demo = readme[readme.index("New here? `remon demo`"):]
    demo = " ".join(demo[:demo.index("\n\n")].split())
    titles = [a["title"] for a in json.loads(run_cli(demo_env, "alerts", "list", "-f", "json").stdout)]
    stats = json.loads(run_cli(demo_env, "stats", "list", "-f", "json").stdout)
    articles = json.loads(run_cli(demo_env, "articles", "list", "-f", "json").stdout)
    assert "six invented articles" in demo and len(articles) == 6
    assert "90% → 94%" in demo and "China · refining share · rare earths: 90% → 94%" in titles
    assert "90% → 92% → 94%" not in demo  # 92% is another source's value for September, not a change
    september = {(s["value"], s["article_id"]) for s in stats if (s["published"] or "").startswith("2026-09")
                 and s["metric_key"] == "china/rare_earths/share_of_global_refining"}
    assert {v for v, _ in september} == {90.0, 92.0} and "92%" in demo and "September" in demo
    assert "87%" in demo and "F-35 · import dependence · rare-earth magnets: 87% (new)" in titles
    assert "from tightening to easing" in demo and "China · stance: tightening controls → easing controls" in titles
    assert "from countering to negotiating" in demo and "United States · stance: countering → negotiating" in titles
    assert "`new_measure`" in demo and "New measure · MOFCOM · rare earths, rare-earth magnets: expanded (2026-09-01)" \
        in titles
    assert "suspension in November" in demo and \
        "Measure changed · MOFCOM · rare earths, rare-earth magnets: suspended (2026-11-03)" in titles
    assert f"{len(titles)} alerts" in demo


def test_the_readme_run_command_needs_no_root_and_says_so() -> None:
    import subprocess

    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert "**`make run` needs no root**" in readme and "**`make test` may need root**" in readme
    assert "**`make services-stop`**" in readme
    dry = subprocess.run(["make", "-n", "run"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert "remon init" in dry and "remon run" in dry
    assert not re.search(r"\b(apt-get|sudo|runuser|test-services)\b", dry), dry


def test_the_readme_documents_every_setting() -> None:
    from worker.config import Settings

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [f"REMON_{name.upper()}" for name in Settings.model_fields if f"`REMON_{name.upper()}`" not in readme]
    assert missing == []
