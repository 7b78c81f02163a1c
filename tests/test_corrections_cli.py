"""Issue 15, corrections on the command line: ``remon corrections list`` (an aligned table with
labels, not raw keys) and ``remon export --what corrections --format jsonl``, read back with the
project's own gold loader and scorer (worker.extract.evaluate), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storage import corrections
from storage.corrections import Fix
from storage.db import session_scope
from tests.correctionsdata import seed
from tests.inproc import run_cli
from tests.servers import remon_env
from worker.extract.evaluate import evaluate, load_jsonl

pytestmark = [pytest.mark.slow]


@pytest.fixture
def corrected(db_url: str, tmp_path: Path) -> tuple[dict[str, str], dict[str, Any]]:
    ids = seed(db_url)
    with session_scope(db_url) as s:
        corrections.record(s, Fix("statistic", ids["stat1"], "wrong", who="Ana", note="a forecast, not a share"))
        corrections.record(s, Fix("statistic", ids["stat2"], "fix", who="Li", value=93.5,
                                  measure="share_of_global_production"))
        corrections.record(s, Fix("stance", ids["stance2"], "fix", who="Li", position="maintain"))
    return remon_env(tmp_path, REMON_DATABASE_URL=db_url), ids


def test_corrections_list_is_an_aligned_table_with_labels(corrected: Any) -> None:
    env, ids = corrected
    out = run_cli(env, "corrections", "list").stdout.splitlines()
    header, rule, *rows = out
    assert set(rule) == {"-", " "}
    assert header.split() == ["id", "when", "who", "item", "action", "fixed", "article", "note"]
    assert len(rows) == 3
    for name in ("who", "item", "action", "fixed"):  # every column starts at the same place on every line
        at = header.index(name)
        assert all(row[at - 2:at] == "  " for row in rows), name
    assert "position: keeping controls" in rows[0] and f"stance {ids['stance2']}" in rows[0]
    assert "measure: production share, value: 93.5%" in rows[1]
    assert "share_of_global" not in "\n".join(out)  # labels, not raw keys
    assert "a forecast, not a share" in rows[2]
    data = json.loads(run_cli(env, "corrections", "list", "--target", "statistic", "-f", "json").stdout)
    assert [(c["who"], c["action"], c["value"]) for c in data] == [("Li", "fix", 93.5), ("Ana", "wrong", None)]
    bad = run_cli(env, "corrections", "list", "--target", "metric", check=False)
    assert bad.returncode == 2 and "--target must be one of" in bad.stderr


def test_export_corrections_as_gold_lines_read_back_by_the_gold_loader(corrected: Any, tmp_path: Path) -> None:
    env, ids = corrected
    out = tmp_path / "corrections.jsonl"
    run_cli(env, "export", "--what", "corrections", "--format", "jsonl", "-o", str(out))
    gold = load_jsonl(out)
    assert [g["id"] for g in gold] == [f"remon-article-{ids['article1']}", f"remon-article-{ids['article2']}"]
    first, second = gold
    for line in gold:
        assert {"id", "lang", "url", "title", "published", "text", "relevant", "statistics", "stances"} <= set(line)
        assert line["lang"] == "en" and line["relevant"] is True and line["text"].startswith("China holds")
    assert first["statistics"] == []  # marked wrong: left out
    assert first["stances"] == [{"actor": "china", "position": "tighten"}]
    assert second["statistics"] == [{"value": 93.5, "unit": "percent", "approx": False, "subject": "china",
                                     "material": "rare_earths", "measure": "share_of_global_production"}]
    assert second["stances"] == [{"actor": "china", "position": "maintain"}]
    # the scorer takes the lines as gold: the same items predicted score 1, the extracted ones do not
    same = evaluate(gold, [{"id": g["id"], "relevant": True, "statistics": g["statistics"], "stances": g["stances"]}
                           for g in gold]).to_dict()["groups"]["all"]
    assert same["stats_full"]["f1"] == 1.0 and same["stances"]["f1"] == 1.0
    extracted = [{"id": first["id"], "relevant": True, "stances": [{"actor": "china", "position": "tighten"}],
                  "statistics": [{"value": 90.0, "unit": "percent", "approx": False, "subject": "china",
                                  "material": "rare_earths", "measure": "share_of_global_refining"}]},
                 {"id": second["id"], "relevant": True, "stances": [{"actor": "china", "position": "ease"}],
                  "statistics": [{"value": 92.0, "unit": "percent", "approx": False, "subject": "china",
                                  "material": "rare_earths", "measure": "share_of_global_refining"}]}]
    scored = evaluate(gold, extracted).to_dict()["groups"]["all"]
    assert scored["stats_full"]["f1"] == 0.0 and scored["stances"]["precision"] == 0.5
    bad = run_cli(env, "export", "--what", "corrections", "--format", "csv", check=False)
    assert bad.returncode == 2 and "jsonl" in bad.stderr
