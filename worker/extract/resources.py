"""The one loader of the extractor's data files (``worker/extract/data/*.yaml``).

Every word list and rule table the extractor uses is a YAML file in the package, read here
and nowhere else: one place that knows where the files are, parses them once per process and
turns a malformed file into a ``ConfigError`` naming it. Callers compile what they read.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from worker.errors import ConfigError

__all__ = ["read_data", "read_text"]


@lru_cache(maxsize=64)
def read_text(name: str) -> str:
    """The text of ``data/<name>`` (``name`` may hold a sub-folder: ``numbers/en.yaml``)."""
    return resources.files("worker.extract").joinpath(f"data/{name}").read_text(encoding="utf-8")


@lru_cache(maxsize=64)
def _parsed(name: str) -> Any:
    try:
        return yaml.safe_load(read_text(name)) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"data/{name} is not valid YAML: {exc}", resource=name) from exc


def read_data(name: str) -> dict[str, Any]:
    """``data/<name>`` parsed as a mapping (a fresh copy at the top level: callers may pop keys)."""
    data = _parsed(name)
    if not isinstance(data, dict):
        raise ConfigError(f"data/{name} must be a mapping", resource=name)
    return dict(data)
