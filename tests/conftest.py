"""Fixtures that start real servers on 127.0.0.1 (see tests/servers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import SHARED, JsonReceiver, RedisServer, Site, SmtpServer, free_port


@pytest.fixture
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is not present")
    return SHARED


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
