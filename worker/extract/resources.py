"""The extractor's data files (``worker/extract/data/``), read through the one loader.

Every word list and rule table the extractor uses is a YAML file in ``data/``; this names the
folder so callers write ``read_data("cues.yaml")``. Parsing, caching and the ``ConfigError`` for a
malformed file are ``worker.common.data``'s.
"""

from __future__ import annotations

from typing import Any

from worker.common import data

__all__ = ["read_data", "read_text"]


def read_text(name: str) -> str:
    """The text of ``data/<name>`` (``name`` may hold a sub-folder: ``numbers/en.yaml``)."""
    return data.read_text("worker.extract", f"data/{name}")


def read_data(name: str) -> dict[str, Any]:
    """``data/<name>`` parsed as a mapping (a fresh copy at the top level: callers may pop keys)."""
    return data.read_mapping("worker.extract", f"data/{name}")
