"""Fixtures that start real servers on 127.0.0.1 (see tests/servers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import SHARED, JsonReceiver, RedisServer, Site, SmtpServer, free_port

pytest_plugins = ["tests.reliability_report"]  # the `record` fixture: rows of docs/reliability.md

# Markers that make a test a system test (it starts real servers, worker processes or Chromium):
# `make test-fast` runs `-m "not system"`. `slow` and `browser` predate `system` and imply it.
_SYSTEM_IMPLIED_BY = ("slow", "browser")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(name) for name in _SYSTEM_IMPLIED_BY) and not item.get_closest_marker("system"):
            item.add_marker(pytest.mark.system)
    items.sort(key=_start_order)


def _start_order(item: pytest.Item) -> tuple[int, float]:
    """Longest first: with pytest-xdist a minutes-long system test that starts last keeps one core busy
    while the other idles (the run's tail); started first, the short tests fill in around it. A test's
    own ``timeout`` marker says how long it may take (the longest declare one), then worker/server
    tests (``slow``), other system tests, the unit tier. The sort is stable and the same on every
    xdist worker, so each collects the same order."""
    timeout = item.get_closest_marker("timeout")
    declared = float(timeout.args[0]) if timeout and timeout.args else 0.0
    tier = 0 if item.get_closest_marker("slow") else 1 if item.get_closest_marker("system") else 2
    return (tier, -declared)


@pytest.fixture(scope="session")
def shared() -> Path:
    """``../shared`` beside the checkout (gold sets, timelines, feed corpora): every test that reads it
    asks for this fixture, so without it those tests skip with the reason instead of failing."""
    if not SHARED.is_dir():
        pytest.skip(f"needs the shared data at {SHARED} (../shared beside the checkout), which is not there")
    return SHARED


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's, driven by Playwright), one per test module."""
    import os

    exe = os.environ.get("REMON_TEST_CHROMIUM") or "/usr/bin/chromium"
    if not Path(exe).exists():
        pytest.skip("chromium is not installed (scripts/test-services.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh Chromium page (1280×900) that records console errors, page errors and dialogs
    (``page.errors``, ``page.dialogs``; ``tests/test_web_browser.py`` ``assert_clean`` reads them)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors: list[str] = []  # type: ignore[misc]
    pg.dialogs: list[str] = []  # type: ignore[misc]
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(port=free_port(), workdir=tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def json_receiver() -> Iterator[JsonReceiver]:
    server = JsonReceiver(port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site(port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A throwaway database on the PostgreSQL that `make test` starts (scripts/test-services.sh)."""
    import os
    import uuid

    base = os.environ.get("REMON_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("REMON_TEST_POSTGRES_URL is not set (run through `make test`)")
    import psycopg

    name = f"remon_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + "/" + name
    yield url
    from storage.db import dispose_all

    dispose_all()
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database URL, once on SQLite and once on PostgreSQL."""
    from storage.db import migrate

    url = f"sqlite:///{tmp_path}/remon.db" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    migrate(url)
    return url
