# ruff: noqa: F811  (the http_server fixture is imported, then requested by name)
"""Issue 3, acceptance 1 (task level): every corpus feed through ``refresh_source``.

Each of the ~2,100 feeds of the shared corpora is served over loopback, added as a source and
refreshed by the real pipeline step into a real database. No exception may escape; each
source ends with its entries stored as articles (and appearances), or with its stable error
code stored on the source row, as the golden outcome table says.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import func, select

from storage import queries
from storage.db import migrate, session_scope
from storage.models import Appearance, Source
from tasks.runtime import build_runtime
from tasks.steps import refresh_source
from tests.httpserver import Canned, TestServer, http_server  # noqa: F401
from tests.test_feeds_corpus import GOLDEN, corpus, fixture_headers
from worker.config import load_settings

pytestmark = [pytest.mark.slow]


def test_every_corpus_feed_through_refresh_source(http_server: TestServer, tmp_path: Path, shared: Path) -> None:
    datasets = shared / "datasets"
    files = corpus(datasets)
    assert len(files) > 2000
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    settings = load_settings(data_dir=tmp_path, allow_private_networks=True)
    rt = build_runtime(settings)
    migrate(rt.db_url)
    ids: dict[str, int] = {}
    with session_scope(rt.db_url) as session:
        for i, path in enumerate(files):
            body = path.read_bytes()
            url = http_server.add(f"/{i}/{path.name}", Canned(headers=fixture_headers(path, body), body=body))
            source, _ = queries.add_source(session, url=url)
            ids[path.relative_to(datasets).as_posix()] = source.id or 0
    for source_id in ids.values():
        refresh_source(rt, source_id)  # any exception fails the test

    wrong: dict[str, tuple[str, str]] = {}
    with session_scope(rt.db_url) as session:
        for name, source_id in ids.items():
            source = session.get(Source, source_id)
            assert source is not None
            outcome = expected[name]
            carried = session.exec(select(func.count()).select_from(Appearance)
                                   .where(Appearance.source_id == source_id)).one()
            if outcome.startswith("entries:"):
                n = int(outcome.split(":")[1])
                ok = source.error_code is None and source.last_success_at is not None and \
                    (carried >= 1 if n else carried == 0) and carried <= n and \
                    (source.problem is not None) == outcome.endswith(":problem")
                got = f"entries:{carried}" + (":problem" if source.problem else "") + f" err={source.error_code}"
            else:
                ok = source.error_code == outcome and source.error_count == 1 and bool(source.error_message)
                got = f"{source.error_code} ({source.error_message})"
            if not ok:
                wrong[name] = (outcome, got)
    assert wrong == {}, list(wrong.items())[:10]
