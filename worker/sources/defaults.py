"""The default watch list shipped with remon (``defaults.yaml``).

Kept as data so users can read what they turn on with ``use_default_sources: true`` and copy
entries into their own watch file; validated by ``worker.config.SourceSpec`` where it is used.
"""

from __future__ import annotations

from typing import Any

from worker.common.data import read_list


def load_default_sources() -> list[dict[str, Any]]:
    """The default sources as plain dicts (one ``SourceSpec`` each)."""
    return [dict(item) for item in read_list("worker.sources", "defaults.yaml")]
