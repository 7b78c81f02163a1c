"""The one loader of the YAML data files shipped inside the packages (issue 17).

Vocabularies, rule words, labels and default sources are data files beside the code that reads
them (``worker/extract/data/*.yaml``, ``worker/sources/defaults.yaml``, …). This module is the
only place that opens and parses them: once per process (cached), and a malformed file becomes a
``ConfigError`` naming it rather than a YAML traceback. Callers compile what they read; they get
a fresh top-level copy, so they may pop keys without touching the cache.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from worker.errors import ConfigError

__all__ = ["read_list", "read_mapping", "read_text"]


@lru_cache(maxsize=128)
def read_text(package: str, name: str) -> str:
    """The text of the file ``name`` (may hold a sub-folder: ``data/numbers/en.yaml``) in ``package``."""
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=128)
def _parsed(package: str, name: str) -> Any:
    try:
        return yaml.safe_load(read_text(package, name))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name} is not valid YAML: {exc}", resource=name) from exc


def read_mapping(package: str, name: str) -> dict[str, Any]:
    """The file parsed as a mapping (an empty file reads as ``{}``)."""
    data = _parsed(package, name)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{name} must be a mapping", resource=name)
    return dict(data)


def read_list(package: str, name: str) -> list[Any]:
    """The file parsed as a list (an empty file reads as ``[]``)."""
    data = _parsed(package, name)
    if data is None:
        return []
    if not isinstance(data, list):
        raise ConfigError(f"{name} must be a list", resource=name)
    return list(data)
