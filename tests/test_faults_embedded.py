"""Issue 19: the embedded default (`remon run` on SQLite data and the SQLite broker) under real faults.

* The whole `remon run` process group SIGKILLed five times at different moments (mid-poll,
  mid-analysis, mid-send), default settings: every article analysed once, every alert created
  once and delivered, within 120 s of the last kill; a send repeats only if it was in flight.
* The data folder read-only for 20 s (a read-only bind mount stacked over it; the worker process
  also SIGKILLed in the middle, so it starts again against the read-only folder), and the disk
  full for 30 s (the data folder on a small tmpfs, filled up): `remon run` stays up, nothing is
  lost or sent twice, the work is done within 60 s after the fault, with no manual step and no
  file written outside the data folder.
* The broker table and SQLite's write-ahead logs stay bounded at a 1 s beat (1.5 minutes here, with
  housekeeping every 3 s; ``tests/soak_embedded.py`` runs 30 minutes with the default housekeeping).

Each test adds its rows to docs/reliability.md through the ``record`` fixture.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from tasks.claims import gone
from tests.fsfaults import ReadOnly, fill, need_mount, tmpfs
from tests.inproc import run_cli
from tests.servers import (
    JsonReceiver,
    Site,
    background,
    child_pids,
    free_port,
    remon_cmd,
    remon_env,
    wait_for,
)
from tests.test_faults import (
    FINAL,
    Db,
    analysis_counts,
    no_duplicate_rows,
    payload_counts,
    publish,
    reference_analysis,
    watch_file,
)

pytestmark = [pytest.mark.slow]

DONE = "SELECT count(*) FROM articles WHERE status IN ('analysed','irrelevant','duplicate','failed')"


def hooks(n: int, delay: float) -> list[JsonReceiver]:
    out = [JsonReceiver(port=free_port(), delay=delay) for _ in range(n)]
    for hook in out:
        hook.start()
    return out


def live_holders(db: Db, sql: str) -> list[int]:
    """Ids of rows held by a process that is still running (a claim left by a killed run does not count)."""
    return [row_id for row_id, owner in db.rows(sql) if owner and not gone(owner)]


def finished(db: Db, n_articles: int) -> bool:
    states = dict(db.rows("SELECT status, count(*) FROM articles GROUP BY 1"))
    return (sum(states.values()) == n_articles and set(states) <= set(FINAL)
            and db.one("SELECT count(*) FROM deliveries") > 0
            and db.one("SELECT count(*) FROM deliveries WHERE status <> 'sent'") == 0)


def tails(logs: Path) -> str:
    return json.dumps({p.name: p.read_text(errors="replace")[-4000:] for p in sorted(logs.iterdir())}, indent=1)


def new_files(folder: Path, before: set[str]) -> list[str]:
    """Files that appeared under ``folder`` (TMPDIR). A worker that starts gets an empty ``pymp-*`` scratch
    directory from Python's multiprocessing (removed at a clean exit); only files count."""
    out = []
    for name in sorted(set(os.listdir(folder)) - before):
        path = folder / name
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
        if files or not name.startswith("pymp-"):
            out.append(name)
    return out


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def worker_child(proc: subprocess.Popen[bytes]) -> int | None:
    """The supervised worker: the child of `remon run` (the supervisor)."""
    children = child_pids(proc.pid)
    return children[0] if children else None


@contextmanager
def receivers(n: int, delay: float) -> Iterator[list[JsonReceiver]]:
    out = hooks(n, delay)
    try:
        yield out
    finally:
        for hook in out:
            hook.stop()


# ----------------------------------------------------------------------------- SIGKILL × 5


@pytest.mark.timeout(600)
def test_five_sigkills_of_the_whole_embedded_run(tmp_path: Path, site: Site, record: Callable[..., None]) -> None:
    urls = publish(site, feeds=6, per_feed=5)
    expected = reference_analysis(tmp_path, urls)
    assert len(expected) == 30
    site.slow = {"/f/": 1.5}  # a poll stays in flight for 1.5 s
    site.delay = 0.3
    with receivers(2, delay=0.6) as (hook_a, hook_b):
        env = remon_env(tmp_path, REMON_CONFIG=str(watch_file(tmp_path, urls)),  # default settings otherwise
                        REMON_NOTIFY_URLS=f"{hook_a.url('hook-a')} {hook_b.url('hook-b')}")
        run_cli(env, "init")
        db = Db(f"sqlite:///{tmp_path}/data/remon.db")
        logs = tmp_path / "logs"
        logs.mkdir()
        in_flight: dict[str, Callable[[], list[Any]]] = {
            "poll": lambda: site.busy("/f/") if live_holders(
                db, "SELECT id, claimed_by FROM sources WHERE claimed_until IS NOT NULL") else [],
            "analysis": lambda: live_holders(db, "SELECT id, claimed_by FROM articles WHERE status = 'processing'"),
            "send": lambda: live_holders(db, "SELECT id, claimed_by FROM deliveries WHERE status = 'sending'"),
        }
        plan = ["poll", "analysis", "send", "analysis", "send"]
        kills: list[tuple[str, list[Any]]] = []
        with ExitStack() as stack:
            for i, moment in enumerate(plan):
                proc = stack.enter_context(background(remon_cmd("run"), env, logs / f"run-{i}.log"))
                try:
                    caught = wait_for(in_flight[moment], timeout=120, interval=0.05, what=f"a {moment} in flight")
                except TimeoutError:
                    raise AssertionError(f"kills so far {kills}\n{tails(logs)}") from None
                sending = caught if moment == "send" else in_flight["send"]()  # these may arrive twice
                kill_group(proc)
                kills.append((moment, caught))
                if moment != "send" and sending:
                    kills.append(("(sends in flight)", sending))
            last_kill = time.monotonic()
            final = stack.enter_context(background(remon_cmd("run"), env, logs / "run-final.log"))
            try:
                wait_for(lambda: finished(db, 30), timeout=120, interval=0.5,
                         what="every article analysed and every alert sent, 120 s after the last kill")
            except TimeoutError:
                state = (db.rows("SELECT status, count(*) FROM articles GROUP BY 1"),
                         db.rows("SELECT status, count(*) FROM deliveries GROUP BY 1"))
                raise AssertionError(f"{state}\n{kills}\n{tails(logs)}") from None
            recovered = time.monotonic() - last_kill
            time.sleep(2)  # a late duplicate would arrive now
            assert final.poll() is None, "remon run keeps running"

    assert [m for m, _ in kills if not m.startswith("(")] == plan
    assert all(caught for _, caught in kills), kills  # each kill landed while that work was in flight
    assert analysis_counts(db) == expected  # every article analysed once: the same rows as an uninterrupted run
    no_duplicate_rows(db)  # every alert created once
    sent = dict(db.rows("SELECT channel_key, count(*) FROM deliveries WHERE status = 'sent' GROUP BY 1"))
    assert len(sent) == 2 and min(sent.values()) >= 5
    # a send cut by a kill may arrive again: at most once per kill that caught it in flight (the same
    # delivery can be in flight at two kills, and then arrive three times)
    in_flight_sends = [i for m, ids in kills if m in ("send", "(sends in flight)") for i in ids]
    duplicates = 0
    for hook, got in ((hook_a, payload_counts(hook_a)), (hook_b, payload_counts(hook_b))):
        assert len(got) == sum(sent.values()) // 2, "each delivery arrived"
        duplicates += sum(n - 1 for n in got.values())
    assert duplicates <= len(in_flight_sends), (duplicates, kills)
    restarts = sum(p.read_text(errors="replace").count("starting it again") for p in logs.iterdir())
    assert restarts == 0, "no worker needed a restart by the supervisor"
    record("faults", "SIGKILL the whole `remon run` process group (supervisor, worker, beat, pool) 5 times: "
           "mid-poll, mid-analysis ×2, mid-send ×2, each time started again; embedded default (SQLite data "
           "+ SQLite broker), default settings (REMON_TASK_LEASE=30, 60 s beat), 6 feeds × 5 articles, "
           "2 json:// channels", len(plan),
           f"30/30 articles analysed exactly once (the same statistics, stances and claims as an uninterrupted "
           f"run), every alert created once and delivered on both channels ({sum(sent.values())} deliveries); "
           f"all done {recovered:.0f} s after the last kill (limit 120 s): the starting worker released the "
           f"claims of the killed processes at once; {duplicates} send(s) reached a receiver twice, of "
           f"{len(in_flight_sends)} in flight at a kill")


# ----------------------------------------------------------------------------- read-only, disk full


def _start_embedded(tmp_path: Path, site: Site, data: Path, hook: JsonReceiver, **extra: str
                    ) -> tuple[dict[str, str], Db, dict[str, tuple[int, int, int, str]]]:
    urls = publish(site, feeds=8, per_feed=5)  # 40 relevant articles, as in the issue
    expected = reference_analysis(tmp_path, urls)
    site.delay = 0.3
    env = remon_env(tmp_path, REMON_CONFIG=str(watch_file(tmp_path, urls)), REMON_NOTIFY_URLS=hook.url("tok"),
                    REMON_DATA_DIR=str(data), TMPDIR=str(tmp_path / "tmp"), **extra)
    (tmp_path / "tmp").mkdir()
    run_cli(env, "init")
    return env, Db(f"sqlite:///{data}/remon.db"), expected


def _quote(line: str, data: Path) -> str:
    """The log line's message, the test's folder shown as DATA, for the report."""
    return line.split(": ", 1)[-1].replace(str(data.resolve()), "DATA")[:150]


def _after_fault_checks(db: Db, hook: JsonReceiver, expected: dict[str, Any], log: str) -> int:
    assert analysis_counts(db) == expected  # nothing lost, nothing analysed twice
    no_duplicate_rows(db)
    sent = db.one("SELECT count(*) FROM deliveries WHERE status = 'sent'")
    got = payload_counts(hook)
    assert len(got) == sent and sum(got.values()) == sent, "every alert arrived, once"
    assert "EMERGENCY DUMP STATE" not in log and "Unrecoverable error" not in log
    return int(sent)


@pytest.mark.timeout(400)
def test_read_only_data_folder_for_20_seconds(tmp_path: Path, site: Site, record: Callable[..., None]) -> None:
    need_mount()
    data = tmp_path / "data"
    data.mkdir()
    with receivers(1, delay=0.0) as (hook,), ReadOnly(data) as read_only:
        env, db, expected = _start_embedded(tmp_path, site, data, hook)
        log = tmp_path / "run.log"
        with background(remon_cmd("run"), env, log) as proc:
            wait_for(lambda: db.one(DONE) >= 3, timeout=120, what="the first articles analysed")
            tmp_before = set(os.listdir(tmp_path / "tmp"))
            read_only.start()
            began = time.monotonic()
            at_fault = db.one(DONE)
            # the worker dies in the middle of it (as it did in issue 19): it must start against the read-only folder
            time.sleep(5)
            wait_for(lambda: not db.rows("SELECT id FROM deliveries WHERE status = 'sending'"), timeout=10,
                     interval=0.05, what="no send in flight")
            victim = worker_child(proc)
            assert victim is not None
            leftovers = child_pids(victim)  # its beat and pool processes
            os.kill(victim, signal.SIGKILL)
            # the killed worker's beat and pool become the supervisor's children for a moment (it is their
            # subreaper): the worker started again is a child that is none of them
            wait_for(lambda: worker_child(proc) not in (None, victim, *leftovers), timeout=30,
                     what="the worker started again")
            assert leftovers and not [p for p in leftovers if Path(f"/proc/{p}").exists()], "no orphan beat or pool"
            time.sleep(max(0.0, 20 - (time.monotonic() - began)))
            during = db.one(DONE) - at_fault
            read_only.stop()
            ended = time.monotonic()
            try:
                wait_for(lambda: finished(db, 40), timeout=60, interval=0.5, what="all work done 60 s after the fault")
            except TimeoutError:
                raise AssertionError(log.read_text(errors="replace")[-6000:]) from None
            done_after = time.monotonic() - ended
            time.sleep(2)
            assert proc.poll() is None, "remon run stays up"
            text = log.read_text(errors="replace")
        assert new_files(tmp_path / "tmp", tmp_before) == [], "no file written outside the data folder"
    sent = _after_fault_checks(db, hook, expected, text)
    fault_lines = [line for line in text.splitlines() if "cannot be written" in line or "failed to write" in line]
    assert fault_lines and str(data.resolve()) in fault_lines[0], "the fault is named, with the folder"
    restarts = text.count("starting it again")
    assert restarts >= 1
    record("faults", "data folder read-only for 20 s (a read-only bind mount stacked over it) while `remon run` "
           "works (embedded default, 40 articles, a json:// channel), its worker process SIGKILLed 5 s into it", 1,
           f"remon run stayed up; the worker was started again {restarts} time(s) by remon run (capped backoff) "
           f"until the folder was writable; the fault was logged as one line naming the folder "
           f"(\"{_quote(fault_lines[0], data)}…\"); {during} articles were finished during the fault "
           f"by connections opened before it; all 40 analysed once and all {sent} alerts "
           f"delivered once, {done_after:.0f} s after the fault ended (limit 60 s); no file written outside "
           "the data folder (TMPDIR watched), no EMERGENCY DUMP")


@pytest.mark.timeout(400)
def test_disk_full_for_30_seconds(tmp_path: Path, site: Site, record: Callable[..., None]) -> None:
    need_mount()
    with receivers(1, delay=0.0) as (hook,), tmpfs(tmp_path / "data", "24m") as data:
        env, db, expected = _start_embedded(tmp_path, site, data, hook)
        log = tmp_path / "run.log"
        with background(remon_cmd("run"), env, log) as proc:
            wait_for(lambda: db.one(DONE) >= 3, timeout=120, what="the first articles analysed")
            tmp_before = set(os.listdir(tmp_path / "tmp"))
            filler = fill(data)
            began = time.monotonic()
            at_fault = db.one(DONE)
            wait_for(lambda: "is full" in log.read_text(errors="replace"), timeout=30,
                     what="the worker to meet the full disk")
            time.sleep(max(0.0, 30 - (time.monotonic() - began)))
            assert proc.poll() is None, "remon run stays up while the disk is full"
            during = db.one(DONE) - at_fault
            filler.unlink()
            ended = time.monotonic()
            try:
                wait_for(lambda: finished(db, 40), timeout=60, interval=0.5, what="all work done 60 s after the fault")
            except TimeoutError:
                raise AssertionError(log.read_text(errors="replace")[-6000:]) from None
            done_after = time.monotonic() - ended
            time.sleep(2)
            assert proc.poll() is None, "remon run stays up"
            text = log.read_text(errors="replace")
        assert new_files(tmp_path / "tmp", tmp_before) == [], "no file written outside the data folder"
    sent = _after_fault_checks(db, hook, expected, text)
    full_lines = [line for line in text.splitlines() if " is full (" in line]
    assert full_lines and str(data.resolve()) in full_lines[0] and "REMON_DATA_DIR" in full_lines[0]
    assert text.count("starting it again") == 0, "the worker waited; it did not crash"
    assert "can be written again; resuming" in text
    record("faults", "disk full for 30 s: the data folder on a 24 MB tmpfs, filled up while `remon run` works "
           "(embedded default, 40 articles, a json:// channel), then the filler deleted", 1,
           f"remon run stayed up and its worker never stopped: it logged one line per process naming the "
           f"folder and what helps (\"{_quote(full_lines[0], data)}…\"), took no new task, held "
           f"publishes and retried writes, and resumed by itself ({during} articles finished during the fault); "
           f"all 40 analysed once and all {sent} alerts delivered once, {done_after:.0f} s after the disk was "
           "freed (limit 60 s); no file written outside the data folder (TMPDIR watched), no EMERGENCY DUMP")


# ----------------------------------------------------------------------------- bounded at a 1 s beat


def bounded_run(tmp_path: Path, site: Site, record: Callable[..., None], *, minutes: float,
                maintenance: int, every: float = 5.0) -> None:
    """`remon run` at a 1 s beat for ``minutes``, sampling the broker table and the SQLite files every
    ``every`` seconds: they must stop growing (``tests/soak_embedded.py`` runs this for 30 minutes)."""
    urls = publish(site, feeds=20, per_feed=2)
    watch = tmp_path / "watch.yaml"
    watch.write_text("sources:\n" + "".join(f"  - {{url: '{u}', interval: 30}}\n" for u in urls))
    env = remon_env(tmp_path, REMON_CONFIG=str(watch), REMON_BEAT_INTERVAL="1",
                    REMON_MAINTENANCE_INTERVAL=str(maintenance))
    run_cli(env, "init")
    data = tmp_path / "data"
    broker = Db(f"sqlite:///{data}/broker.db")
    samples: list[tuple[float, int, int, int, int]] = []  # (t, rows, broker.db, broker WAL, data WAL)

    def size(name: str) -> int:
        path = data / name
        return path.stat().st_size if path.exists() else 0

    log = tmp_path / "run.log"
    with background(remon_cmd("run"), env, log) as proc:
        start = time.monotonic()
        while time.monotonic() - start < minutes * 60:
            time.sleep(every)
            rows = broker.try_one("SELECT count(*) FROM kombu_message", 0)
            samples.append((time.monotonic() - start, rows, size("broker.db"), size("broker.db-wal"),
                            size("remon.db-wal")))
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        polls = sum(1 for line in log.read_text(errors="replace").splitlines()
                    if "Task remon.refresh_source[" in line and "succeeded" in line)
    published = broker.one("SELECT seq FROM sqlite_sequence WHERE name = 'kombu_message'") or 0
    half = len(samples) // 2
    first, second = samples[:half], samples[half:]
    max_rows = max(s[1] for s in samples)
    # consumed messages are deleted: only what waits is kept (at most a refresh per source and a few beat
    # messages; kombu's transport kept them all: ~1.7 rows more every second here)
    assert max_rows <= 40, samples
    assert max(s[2] for s in second) <= max(s[2] for s in first) + 16 * 1024, samples  # the file stops growing
    limit = 4 * 1024 * 1024 + 64 * 1024  # storage.db.WAL_SIZE_LIMIT and one transaction
    assert all(s[3] <= limit and s[4] <= limit for s in samples), samples
    assert max(s[4] for s in second) <= max(s[4] for s in first) + 64 * 1024, samples
    assert published > minutes * 60, "at least one message a second went through"
    kb = 1024
    record("faults", f"embedded default at a 1 s beat for {minutes:g} min (20 sources polled every 30 s, "
           f"REMON_MAINTENANCE_INTERVAL={maintenance}): do the broker table and the write-ahead logs grow?", 1,
           f"no: {published:,} messages published and consumed, at most {max_rows} rows in the broker table at "
           f"any sample (every {every:g} s); broker.db at most {max(s[2] for s in samples) // kb} KB and not growing "
           f"in the second half ({max(s[2] for s in first) // kb} KB in the first); write-ahead logs at most "
           f"{max(s[3] for s in samples) // kb} KB (broker) and {max(s[4] for s in samples) // kb} KB (data, "
           f"{max(s[4] for s in first) // kb} KB in the first half); {polls:,} polls")


@pytest.mark.timeout(300)
def test_broker_and_wal_stay_bounded_at_a_1s_beat(tmp_path: Path, site: Site, record: Callable[..., None]) -> None:
    """1.5 minutes with housekeeping every 3 s stands in for the 30-minute run (tests/soak_embedded.py)."""
    bounded_run(tmp_path, site, record, minutes=1.5, maintenance=3, every=3.0)
