"""The default watch list shipped with remon (``defaults.yaml``).

Kept as data so users can read what they turn on with ``use_default_sources: true`` and copy
entries into their own watch file; validated by ``worker.config.SourceSpec`` where it is used.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml


def load_default_sources() -> list[dict[str, Any]]:
    """The default sources as plain dicts (one ``SourceSpec`` each)."""
    text = resources.files("worker.sources").joinpath("defaults.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or []
    if not isinstance(data, list):
        raise ValueError("worker/sources/defaults.yaml must be a list of sources")
    return [dict(item) for item in data]
