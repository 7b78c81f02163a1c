"""Free space in the data folder: for ``remon health`` and the worker's housekeeping warning."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Space:
    path: Path
    free_mb: int
    total_mb: int

    @property
    def free_percent(self) -> float:
        return 100.0 * self.free_mb / self.total_mb if self.total_mb else 0.0


def free_space(folder: Path) -> Space | None:
    """The free and total space of the file system holding ``folder`` (its nearest existing parent)."""
    path = folder.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return None
    return Space(path=folder.resolve(), free_mb=usage.free // 2**20, total_mb=usage.total // 2**20)
