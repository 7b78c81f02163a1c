"""Issue 19, acceptance 3 in full: the embedded default at a 1 s beat for 30 minutes, default housekeeping.

Not collected by ``make test`` (30 minutes is too long for CI; ``test_faults_embedded.py`` runs the same
check for 1.5 minutes with housekeeping every 3 s). Run by hand, writing its row of docs/reliability.md::

    REMON_WRITE_RELIABILITY_REPORT=1 .venv/bin/pytest -p no:cacheprovider tests/soak_embedded.py

Its row stays in the report when the rest of the suite regenerates it, since this test does not run then.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.servers import Site
from tests.test_faults_embedded import bounded_run

MINUTES = float(os.environ.get("REMON_SOAK_MINUTES", "30"))


@pytest.mark.slow
@pytest.mark.timeout(int(MINUTES * 60 + 600))
def test_broker_and_wal_stay_bounded_for_30_minutes(tmp_path: Path, site: Site, record: Callable[..., None]) -> None:
    bounded_run(tmp_path, site, record, minutes=MINUTES, maintenance=60)
