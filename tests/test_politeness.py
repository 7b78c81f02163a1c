"""The per-host limit holds across processes: lock files on the embedded default, Redis otherwise."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from tasks.politeness import HostGate
from tests.servers import RedisServer
from worker.config import load_settings
from worker.errors import FetchError

pytestmark = [pytest.mark.system]  # runs the remon binary or other processes (make test-fast skips it)


def _hold(settings_kwargs: dict, url: str, seconds: float, started: multiprocessing.Event) -> None:  # type: ignore[type-arg]
    gate = HostGate(load_settings(**settings_kwargs))
    with gate.slot(url):
        started.set()
        time.sleep(seconds)


@pytest.mark.parametrize("backend", ["files", "redis"])
def test_one_slot_per_host_across_processes(backend: str, tmp_path: Path, redis_server: RedisServer) -> None:
    kwargs: dict = {"data_dir": tmp_path, "per_host_concurrency": 1}
    if backend == "redis":
        kwargs["broker_url"] = redis_server.url
    started = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(kwargs, "http://news.example/a", 3.0, started))
    holder.start()
    try:
        assert started.wait(20)
        gate = HostGate(load_settings(**kwargs))
        with pytest.raises(FetchError) as err, gate.slot("http://NEWS.example/b", timeout=0.5):
            pass
        assert err.value.code == "fetch.host_busy"
        with gate.slot("http://other.example/", timeout=0.5):  # another host is not held up
            pass
    finally:
        holder.join(20)
    with HostGate(load_settings(**kwargs)).slot("http://news.example/c", timeout=5):
        pass  # the slot came back when the other process let go


def test_a_killed_holder_leaks_no_slot(tmp_path: Path) -> None:
    kwargs: dict = {"data_dir": tmp_path, "per_host_concurrency": 1}
    started = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(kwargs, "http://news.example/a", 60.0, started))
    holder.start()
    assert started.wait(20)
    holder.kill()
    holder.join(10)
    with HostGate(load_settings(**kwargs)).slot("http://news.example/b", timeout=2):
        pass
