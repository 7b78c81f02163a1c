"""The compiled stance model: every table of ``data/stances/`` (and the shared attribution
vocabulary, ``data/stance_cues.yaml``) read once, extended by a watch file's words, compiled.

``stance_model(extra)`` is cached per distinct ``extra``. ``extra`` is a watch file's
``vocab:`` section; its ``stance_cues`` mapping extends the tables section by section, by
name, whatever file a section lives in: lists are appended to (``{"verbs": {"urge": {"en":
["beseech"]}}}`` adds a verb to the urging family, ``{"implicit_actors": {"japan": {"zh":
["日方"]}}}`` an implicit actor), mappings are merged key by key, a rule list is appended to
(new named rules), a scalar replaces the packaged one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from worker.errors import ConfigError
from worker.extract.resources import read_data
from worker.extract.stances.actors import Roles, build_roles
from worker.extract.stances.confidence import Confidence, build_confidence
from worker.extract.stances.cues import CueTable, build_cues
from worker.extract.stances.polarity import build_polarity
from worker.extract.stances.polarity_words import Polarity, by_lang
from worker.extract.text import Prefilter
from worker.extract.vocab import prepare

__all__ = ["FILES", "StanceModel", "merge", "stance_model"]

FILES: tuple[str, ...] = ("stances/cues.yaml", "stances/polarity.yaml", "stances/roles.yaml",
                          "stances/confidence.yaml", "stance_cues.yaml")
"""The data files of the stance model; a section name belongs to one of them."""

_MACRO = re.compile(r"\{([A-Z0-9_]+)\}")


@dataclass(frozen=True)
class StanceModel:
    cues: CueTable
    polarity: Polarity
    roles: Roles
    confidence: Confidence
    topic_mineral: re.Pattern[str]
    topic_control: re.Pattern[str]
    topic_referring: re.Pattern[str]  # "the facility": a supply noun whose mineral is named before
    topic_continuing: re.Pattern[str]  # "It includes…": a sentence going on with the one before
    # per-sentence regexes other than cues, in this order: topic mineral, topic control,
    # pairs…, both sides, implicit actors…, definite descriptions…
    sentence_filter: Prefilter
    first_pair: int


def merge(base: Any, extra: Any, where: str = "stance_cues") -> Any:
    """``extra`` merged into ``base``: mappings by key, lists appended (no duplicates), scalars replaced."""
    if extra is None:
        return base
    if isinstance(base, Mapping):
        if not isinstance(extra, Mapping):
            raise ConfigError(f"vocab.{where} must be a mapping", resource="vocab")
        out = dict(base)
        for key, value in extra.items():
            out[key] = merge(base.get(key), value, f"{where}.{key}") if key in base else value
        return out
    if isinstance(base, list):
        items = extra if isinstance(extra, list) else [extra]
        return base + [x for x in items if x not in base]
    return extra


def _expand(patterns: list[str], macros: Mapping[str, str]) -> re.Pattern[str]:
    def one(p: str) -> str:
        for _ in range(3):
            p = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), p)
        return prepare(p)
    return re.compile("|".join(f"(?:{one(p)})" for p in patterns) or r"(?!x)x", re.IGNORECASE)


def _build(extra: Mapping[str, Any] | None) -> StanceModel:
    tables = {name: read_data(name) for name in FILES}
    if extra:
        if not isinstance(extra, Mapping):
            raise ConfigError("vocab.stance_cues must be a mapping of section -> words", resource="vocab")
        owner = {section: name for name, data in tables.items() for section in data}
        for section, words in extra.items():
            if section not in owner:
                raise ConfigError(f"vocab.stance_cues.{section}: no such stance table", resource="vocab")
            name = owner[section]
            tables[name] = {**tables[name], section: merge(tables[name][section], words, f"stance_cues.{section}")}
    shared = tables["stance_cues.yaml"]
    macros = {str(k): str(v) for k, v in (shared.get("macros") or {}).items()}
    roles = build_roles(tables["stances/roles.yaml"], shared)
    topic = shared.get("topic") or {}
    mineral = _expand(by_lang(topic.get("mineral")), macros)
    control = _expand(by_lang(topic.get("control")), macros)
    referring = _expand(by_lang(topic.get("referring")), macros)
    continuing = _expand(by_lang(topic.get("continuing")), macros)
    filters = [mineral, control, *(r for _, r in roles.pairs), roles.both_sides, *(r for _, r in roles.implicit),
               *(r for _, r in roles.anaphora)]
    return StanceModel(
        cues=build_cues(tables["stances/cues.yaml"]),
        polarity=build_polarity(tables["stances/polarity.yaml"]),
        roles=roles,
        confidence=build_confidence(tables["stances/confidence.yaml"]),
        topic_mineral=mineral,
        topic_control=control,
        topic_referring=referring,
        topic_continuing=continuing,
        sentence_filter=Prefilter(filters),
        first_pair=2,
    )


@lru_cache(maxsize=1)
def _default() -> StanceModel:
    return _build(None)


@lru_cache(maxsize=8)
def _extended(extra_json: str) -> StanceModel:
    return _build(json.loads(extra_json))


def stance_model(extra: Mapping[str, Any] | None = None) -> StanceModel:
    """The packaged model, or the one extended by a watch file's ``vocab:`` section.

    ``extra`` is the whole ``vocab:`` mapping; its ``stance_cues`` entry is used (the other
    entries extend the shared vocabulary, ``vocab.load_vocabulary``). Cached per distinct value.
    """
    words = extra.get("stance_cues") if extra else None
    if not words:
        return _default()
    return _extended(json.dumps(words, sort_keys=True, ensure_ascii=False, default=str))
