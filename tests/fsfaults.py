"""Real file-system faults for the embedded default: a small tmpfs (a disk that fills up) and a read-only
bind mount stacked over a folder (the folder turns read-only for everything opened from then on).

Both need root (``mount``); tests using them skip otherwise. Linux refuses to remount a file system
read-only while files on it are open for writing (SQLite's are), so "read-only" is what a permission
change also gives: files and connections opened before keep working, anything opened after cannot
write (SQLite then opens the database read-only, silently, and fails on the first write).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def need_mount() -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root and mount(8) for real file-system faults")


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=30)


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A fresh tmpfs of ``size`` (e.g. ``16m``) mounted at ``path`` for the duration."""
    need_mount()
    path.mkdir(parents=True, exist_ok=True)
    _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)


class ReadOnly:
    """``start()`` stacks a read-only bind mount of ``path`` over itself; ``stop()`` lifts it (lazily:
    descriptors opened through it stay read-only, as after a permission change)."""

    def __init__(self, path: Path) -> None:
        need_mount()
        self.path = path
        self.on = False

    def start(self) -> None:
        _run("mount", "--bind", "-o", "ro", str(self.path), str(self.path))
        self.on = True

    def stop(self) -> None:
        if self.on:
            _run("umount", "-l", str(self.path))
            self.on = False

    def __enter__(self) -> ReadOnly:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def fill(folder: Path) -> Path:
    """Write zeros into ``folder/.filler`` until the disk is full; returns the file (delete it to free)."""
    filler = folder / ".filler"
    chunk = b"\0" * (64 * 1024)
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(chunk)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    with contextlib.suppress(OSError), filler.open("ab", buffering=0) as out:  # the last partial block
        while True:
            out.write(b"\0" * 512)
    return filler
