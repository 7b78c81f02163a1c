"""Issue 19: every CLI command that writes reports a storage failure as one line and exits 1.

The data folder really is full (a small tmpfs, filled up) or read-only (a read-only bind mount stacked
over it); `remon sources add` on such a disk used to print a 94-line traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storage import queries
from storage.db import session_scope
from storage.models import Alert
from tests.fsfaults import ReadOnly, fill, tmpfs
from tests.inproc import run_cli
from tests.servers import Site, remon_env, rss, run_remon

pytestmark = [pytest.mark.slow]


@contextlib.contextmanager
def full(data: Path) -> Iterator[None]:
    filler = fill(data)
    try:
        yield
    finally:
        filler.unlink()


@contextlib.contextmanager
def read_only(data: Path) -> Iterator[None]:
    with ReadOnly(data) as ro:
        ro.start()
        yield


FAULTS: dict[str, tuple[Callable[[Path], contextlib.AbstractContextManager[None]], str]] = {
    "full": (full, " is full ("),
    "read-only": (read_only, " cannot be written ("),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_writes_on_a_broken_disk_fail_in_one_line(tmp_path: Path, site: Site, fault: str,
                                                  record: Callable[..., None]) -> None:
    make_fault, says = FAULTS[fault]
    site.pages["/feed.xml"] = ("application/rss+xml", rss([{"title": "Export controls on gallium",
                                                            "link": f"{site.base}/a.html"}]))
    site.pages["/a.html"] = ("text/html", b"<html><body><p>China supplies 98% of gallium.</p></body></html>")
    with tmpfs(tmp_path / "data", "16m") as data:
        env = remon_env(tmp_path, REMON_DATA_DIR=str(data))
        run_cli(env, "init")
        run_cli(env, "sources", "add", f"{site.base}/feed.xml")
        with session_scope(f"sqlite:///{data}/remon.db") as s:
            alert = queries.insert_alert(s, alert=Alert(kind="new_claim", dedup_key="k", title="t", body="b"))
            assert alert is not None and alert.id is not None
            queries.add_delivery(s, alert_id=alert.id, channel_key="c", channel="json://h", mode="immediate")
            alert_id = alert.id
        watch = tmp_path / "watch.yaml"
        watch.write_text(f"sources:\n  - {{url: '{site.base}/other.xml'}}\n")
        commands = [
            ("init",),  # adds the watch file's source
            ("sources", "add", f"{site.base}/new.xml"),
            ("sources", "remove", "1"),
            ("alerts", "retry", str(alert_id)),
            ("poll", "--once"),
            ("export", "--what", "articles", "-o", str(data / "articles.csv")),
        ]
        results = {}
        with make_fault(data):
            for args in commands:
                extra = {"REMON_CONFIG": str(watch)} if args == ("init",) else {}
                results[args] = run_remon({**env, **extra}, *args, check=False)  # the real binary's exit
        for args, done in results.items():
            remon_lines = [line for line in done.stderr.splitlines() if line.startswith("remon:")]
            assert done.returncode == 1, (args, done.stdout, done.stderr)
            assert "Traceback" not in done.stderr, (args, done.stderr)
            if args[0] == "export":  # the file the user asked for: named, with the system's reason
                assert remon_lines == [f"remon: cannot write {data / 'articles.csv'}: "
                                       + ("No space left on device" if fault == "full" else "Read-only file system")]
                continue
            # (" failed to write (disk I/O error)" when SQLite could not even create its log files there)
            assert len(remon_lines) == 1 and (says in remon_lines[0] or " failed to write (" in remon_lines[0]), (
                args, done.stderr)
            assert str(data.resolve()) in remon_lines[0] and "REMON_DATA_DIR" in remon_lines[0], (args, done.stderr)
        # the disk is fine again: the same commands work
        assert run_cli(env, "sources", "add", f"{site.base}/new.xml").returncode == 0
    example = results[("sources", "add", f"{site.base}/new.xml")].stderr.strip()
    record("faults", f"CLI commands that write, on a {fault} data folder: init (watch file), sources add, "
           "sources remove, alerts retry, poll --once, export -o", len(commands),
           f"each exits 1 with one line and no traceback, e.g. `{example.replace(str(data.resolve()), 'DATA')}`")
