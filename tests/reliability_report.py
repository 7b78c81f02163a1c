"""The reliability report: tests say what they tried, the session writes ``docs/reliability.md``.

Use it from any test through the ``record`` fixture (registered in ``tests/conftest.py``)::

    def test_xss_in_titles(record, ...) -> None:
        ...  # try the payloads, assert
        record("web", "XSS payloads in article titles", tries=len(PAYLOADS),
               outcome="escaped on every page; no script ran")

``record(area, case, tries, outcome)``:

* ``area`` groups rows: ``"faults"``, ``"hostile input"``, ``"security"``, ``"web"``...
* ``case`` names what was tried, ``tries`` says how often (an int, or a string like ``"20 kills"``),
  ``outcome`` what happened, in words a reader can check against the test.
* Call it after the assertions that prove the outcome: if the test fails anyway, its rows are
  written with ``FAILED`` in front, so the report never claims what the run did not show.
* Outside a test (e.g. inside a hypothesis ``@given`` body, which must not take fixtures), count
  the examples yourself and call ``record`` once after the property has run.

The report is written only when ``REMON_WRITE_RELIABILITY_REPORT=1`` (so CI and everyday runs
leave the tree clean)::

    REMON_WRITE_RELIABILITY_REPORT=1 .venv/bin/pytest -p no:cacheprovider \\
        tests/test_faults.py tests/test_faults_embedded.py tests/test_cli_storage.py tests/test_hostile_input.py \\
        tests/test_security.py tests/test_web_api.py tests/test_web_browser.py

(``tests/soak_embedded.py``, 30 minutes, runs only when named; its row is kept meanwhile.)

Rows of tests that did not run in this session are kept from the existing file, so a run of one
test file refreshes that file's rows and leaves the others alone.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPORT = Path(__file__).resolve().parents[1] / "docs" / "reliability.md"
ENV = "REMON_WRITE_RELIABILITY_REPORT"
AREAS = ("faults", "hostile input", "security", "web")
_HEADER = "| area | case | tries | outcome | test |"


@dataclass
class Row:
    area: str
    case: str
    tries: str
    outcome: str
    test: str  # file::function (parameters dropped), the test that proves the row


Record = Callable[..., None]
_rows: list[Row] = []
_ran: set[str] = set()
_failed: set[str] = set()


def _test_id(nodeid: str) -> str:
    return nodeid.split("[", 1)[0]


def add_row(area: str, case: str, tries: int | str, outcome: str, test: str) -> None:
    """A row for ``test`` (``file::function``) from outside a test function, e.g. a module fixture's
    teardown that sums what a parametrized test tried; a failure of that test still marks it FAILED."""
    _rows.append(Row(area=area, case=case, tries=str(tries), outcome=outcome, test=test))


@pytest.fixture
def record(request: pytest.FixtureRequest) -> Iterator[Record]:
    """``record(area, case, tries, outcome)``: add a row to docs/reliability.md (see module doc)."""
    test = _test_id(request.node.nodeid)

    def add(area: str, case: str, tries: int | str, outcome: str) -> None:
        _rows.append(Row(area=area, case=case, tries=str(tries), outcome=outcome, test=test))

    yield add


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    test = _test_id(report.nodeid)
    _ran.add(test)
    if report.failed:
        _failed.add(test)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _split_row(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [c.strip().replace("\\|", "|") for c in cells]


def _existing_rows() -> list[Row]:
    if not REPORT.exists():
        return []
    rows = []
    for line in REPORT.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith(_HEADER):
            continue
        cells = _split_row(line)
        if len(cells) == 5 and not set(cells[0]) <= {"-", " "}:
            rows.append(Row(*cells[:4], test=cells[4].strip("`")))
    return rows


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPORT.parent, capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def render(rows: list[Row]) -> str:
    order = {a: i for i, a in enumerate(AREAS)}
    rows = sorted(rows, key=lambda r: (order.get(r.area, len(AREAS)), r.area))
    lines = [
        "# Reliability: what was tried and what happened",
        "",
        "Produced by the test suite itself (`tests/reliability_report.py`): each row is recorded by the test",
        "named in its last column after its assertions passed. Regenerate with",
        "",
        "```sh",
        f"{ENV}=1 .venv/bin/pytest -p no:cacheprovider tests/test_faults.py tests/test_faults_embedded.py \\",
        "    tests/test_cli_storage.py tests/test_hostile_input.py tests/test_security.py tests/test_web_api.py \\",
        "    tests/test_web_browser.py",
        "```",
        "",
        "The 30-minute run of the embedded default (`tests/soak_embedded.py`) is run by hand when named:",
        f"`{ENV}=1 .venv/bin/pytest -p no:cacheprovider tests/soak_embedded.py`.",
        "",
        f"Last written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} at commit `{_commit()}`.",
        "A row starting with FAILED means its test failed in that run.",
        "",
    ]
    for area in dict.fromkeys(r.area for r in rows):
        lines += [f"## {area[:1].upper()}{area[1:]}", "", _HEADER, "|---|---|---|---|---|"]
        lines += [f"| {_cell(r.area)} | {_cell(r.case)} | {_cell(r.tries)} | {_cell(r.outcome)} | `{r.test}` |"
                  for r in rows if r.area == area]
        lines.append("")
    return "\n".join(lines)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get(ENV) != "1" or not _ran:
        return
    fresh = [Row(r.area, r.case, r.tries, ("FAILED: " + r.outcome) if r.test in _failed else r.outcome, r.test)
             for r in _rows]
    kept = [r for r in _existing_rows() if r.test not in _ran]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(render(kept + fresh), encoding="utf-8")
