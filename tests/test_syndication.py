"""Issue 3, acceptance 4: one story published by two sources is analysed once.

Different URL, different page boilerplate, slightly edited text (the timeline's p009 and its
syndicated copy): the copy is stored as a duplicate of the first article, the first article
has two appearances, and the copy raises no alert.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.inproc import run_cli
from tests.servers import Site, remon_env, rss

pytestmark = [pytest.mark.slow]


def test_syndicated_copy_is_one_more_appearance(shared: Path, site: Site, tmp_path: Path) -> None:
    articles = shared / "eval" / "timeline-dev" / "articles"
    env = remon_env(tmp_path)
    run_cli(env, "init")
    for feed, name in (("daily", "01-p009.html"), ("wire", "01-p009-copy.html")):
        site.pages[f"/{feed}/{name}"] = ("text/html; charset=utf-8", (articles / name).read_bytes())
        site.pages[f"/{feed}.xml"] = ("application/rss+xml", rss([
            {"title": "Separating and Refining Rare Earths", "link": f"{site.base}/{feed}/{name}",
             "published": "2025-04-01T08:00:00Z"}]))
    run_cli(env, "sources", "add", f"{site.base}/daily.xml", "--name", "daily")
    run_cli(env, "poll", "--once")
    alerts_first = json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)
    assert alerts_first, "the original raises alerts"
    run_cli(env, "sources", "add", f"{site.base}/wire.xml", "--name", "wire")
    run_cli(env, "poll", "--once")
    alerts_after = json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)
    assert alerts_after == alerts_first, "the copy raises no alert of any kind"

    con = sqlite3.connect(tmp_path / "data" / "remon.db")
    rows = con.execute("SELECT id, status, duplicate_of FROM articles ORDER BY id").fetchall()
    assert [r[1] for r in rows] == ["analysed", "duplicate"] and rows[1][2] == rows[0][0]
    carried = con.execute("SELECT count(DISTINCT source_id) FROM appearances WHERE article_id = ?",
                          (rows[0][0],)).fetchone()[0]
    assert carried == 2
    assert con.execute("SELECT count(*) FROM statistics WHERE article_id = ?", (rows[1][0],)).fetchone()[0] == 0
    detail = json.loads(run_cli(env, "articles", "show", str(rows[0][0])).stdout)[0]
    assert len(detail["appearances"]) == 2
