"""The watch file's ``vocab:`` section reaches the pipeline (it was documented and ignored).

Through the real path: a local site serves a feed and an article, the watch file adds an actor
alias and a material alias the packaged vocabulary does not have, ``remon poll --once``
analyses the article, and the stored statistic carries the watch file's keys; a stance verb
added under ``stance_cues`` gives a stored stance. A malformed
``vocab:`` entry is bad configuration: one line naming the file, exit 2.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.inproc import run_cli
from tests.servers import Site, remon_env, rss

pytestmark = [pytest.mark.slow]

ARTICLE = (
    b"<html><head><meta charset='utf-8'><title>Kestrel Metals expands</title></head><body><article>"
    b"<h1>Kestrel Metals expands rare earth output</h1>"
    b"<p>Rare earth export controls imposed by China have pushed buyers to new suppliers.</p>"
    b"<p>Kestrel Metals now produces 12% of the world's xenotime concentrate, the rare earth ore it mines.</p>"
    b"<p>China still refines most rare earths, and its controls remain in place.</p>"
    b"<p>Ottawa beseeched Beijing to lift the curbs on rare earths.</p>"
    b"</article></body></html>"
)


def test_watch_file_vocab_reaches_the_stored_statistics(tmp_path: Path, site: Site) -> None:
    site.pages["/article"] = ("text/html; charset=utf-8", ARTICLE)
    site.pages["/feed"] = ("application/rss+xml", rss([{"title": "Kestrel Metals expands",
                                                         "link": f"{site.base}/article",
                                                         "published": "2026-11-30T08:00:00Z"}]))
    watch = tmp_path / "watch.yaml"
    watch.write_text(
        f"sources:\n  - url: {site.base}/feed\n    name: Test wire\n"
        "vocab:\n"
        "  actors: {kestrel: {en: [Kestrel Metals]}}\n"
        "  materials: {heavy_rare_earths: {en: [xenotime concentrate]}}\n"
        "  stance_cues: {verbs: {urge: {en: [beseech]}}}\n",
        encoding="utf-8",
    )
    env = remon_env(tmp_path, REMON_CONFIG=str(watch))
    run_cli(env, "init")
    run_cli(env, "poll", "--once")
    con = sqlite3.connect(tmp_path / "data" / "remon.db")
    try:
        rows = con.execute("SELECT value, subject, material, measure FROM statistics").fetchall()
        stances = con.execute("SELECT actor, position FROM stances").fetchall()
    finally:
        con.close()
    assert (12.0, "kestrel", "heavy_rare_earths", "share_of_global_production") in rows, rows
    assert ("canada", "press") in stances, stances  # the watch file's stance verb


@pytest.mark.parametrize("section", ["actors: {kestrel: {en: [yes]}}", "stance_cues: {no_such_table: {en: [x]}}"])
def test_a_bad_vocab_entry_is_bad_configuration(tmp_path: Path, section: str) -> None:
    watch = tmp_path / "watch.yaml"
    watch.write_text(f"vocab:\n  {section}\n", encoding="utf-8")
    proc = run_cli(remon_env(tmp_path, REMON_CONFIG=str(watch)), "init", check=False)
    assert proc.returncode == 2
    assert str(watch) in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
