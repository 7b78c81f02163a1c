"""The measure extractor's word lists, read once from ``data/measures_events/*.yaml`` and compiled.

Everything the rules know about language lives in those files (action cues, blockers, issuers,
date words, items, targets, off-topic words), so a new phrasing is a line of YAML, not code.
``lexicon()`` parses and compiles them on first use and caches the result for the process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from worker.errors import ConfigError
from worker.extract.resources import read_data
from worker.extract.text import required_literals
from worker.extract.vocab import AliasMatcher, prepare

__all__ = ["ACTIONS", "Cue", "Lexicon", "lexicon"]

ACTIONS: tuple[str, ...] = ("impose", "expand", "suspend", "resume", "lift", "extend")
"""The action keys, in the order docs/measure_events.md explains them."""

_DIR = "measures_events"
_MACRO = re.compile(r"\{([A-Z0-9_]+)\}")
_NEVER = re.compile(r"(?!x)x")


@dataclass(frozen=True)
class Cue:
    """One compiled action cue (see the header of actions.yaml for the options)."""

    lang: str
    action: str
    regex: re.Pattern[str]
    weight: float
    rank: int
    effect: bool
    nominal: bool
    need_ctrl: bool
    attributive: bool
    negation_ok: bool
    subject_first: bool
    descriptive: bool
    bare: bool
    needs: tuple[frozenset[str], ...] = ()  # literal groups the regex cannot match without (text.fold form)


@dataclass(frozen=True)
class Lexicon:
    """All compiled patterns, by language where the language matters (``en`` / ``zh``)."""

    cues: tuple[Cue, ...]
    gate: Mapping[str, re.Pattern[str]]
    ctrl: Mapping[str, re.Pattern[str]]
    blockers: Mapping[str, re.Pattern[str]]
    blockers_after: re.Pattern[str]
    topic_after: re.Pattern[str]
    window: Mapping[str, int]
    realised: re.Pattern[str]
    issuers: AliasMatcher
    issuer_rank: Mapping[str, int]
    issuer_country: Mapping[str, str]
    mineral_only: frozenset[str]
    items: Mapping[str, re.Pattern[str]]
    dual_use: Mapping[str, re.Pattern[str]]
    end_uses: tuple[tuple[str, Mapping[str, re.Pattern[str]]], ...]
    target_before: Mapping[str, re.Pattern[str]]
    threshold_words: tuple[tuple[str, Mapping[str, re.Pattern[str]]], ...]
    off_topic: Mapping[str, re.Pattern[str]]
    domestic: Mapping[str, re.Pattern[str]]
    exports: Mapping[str, re.Pattern[str]]
    families: Mapping[str, frozenset[str]]
    effective_before: Mapping[str, re.Pattern[str]]
    effective_after: re.Pattern[str]
    until_before: Mapping[str, re.Pattern[str]]
    until_after_extend: re.Pattern[str]
    immediate: Mapping[str, re.Pattern[str]]
    issuing: Mapping[str, re.Pattern[str]]


def _expand(pattern: str, macros: Mapping[str, str]) -> str:
    for _ in range(3):  # macros may use macros
        pattern = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)
    return pattern


def _compile(patterns: Iterable[Any], macros: Mapping[str, str] | None = None) -> re.Pattern[str]:
    """One case-insensitive alternation; Chinese is folded to Simplified as the text will be."""
    parts = [f"(?:{prepare(_expand(str(p), macros or {}))})" for p in patterns]
    if not parts:
        return _NEVER
    try:
        return re.compile("|".join(parts), re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"data/{_DIR}: bad pattern: {exc}", resource=_DIR) from exc


def _by_lang(entry: Any, macros: Mapping[str, str] | None = None) -> dict[str, re.Pattern[str]]:
    """``{en: [...], zh: [...]}`` (or one string per language) → one pattern per language."""
    entry = entry or {}
    out = {}
    for lang in ("en", "zh"):
        value = entry.get(lang)
        out[lang] = _compile([value] if isinstance(value, str) else (value or []), macros)
    return out


def _cues(raw: Mapping[str, Any], macros: Mapping[str, str]) -> tuple[Cue, ...]:
    out: list[Cue] = []
    for action, spec in raw.items():
        if action not in ACTIONS:
            raise ConfigError(f"data/{_DIR}/actions.yaml: unknown action {action!r}", resource=_DIR)
        for lang in ("en", "zh"):
            for item in spec["cues"].get(lang) or []:
                opts: Mapping[str, Any] = item if isinstance(item, Mapping) else {"p": item}
                out.append(Cue(
                    lang=lang,
                    action=action,
                    regex=_compile([opts["p"]], macros),
                    weight=float(opts.get("w", spec.get("w", 0.7))),
                    rank=int(opts.get("rank", spec.get("rank", 1))),
                    effect=bool(opts.get("effect")),
                    nominal=bool(opts.get("nominal")),
                    need_ctrl=bool(opts.get("need_ctrl")),
                    attributive=bool(opts.get("attributive")),
                    negation_ok=bool(opts.get("negation_ok")),
                    subject_first=bool(opts.get("subject_first")),
                    descriptive=bool(opts.get("descriptive")),
                    bare=bool(opts.get("bare")),
                    needs=required_literals(_compile([opts["p"]], macros)),
                ))
    return tuple(out)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The compiled lexicon (parsed and compiled once per process)."""
    actions = read_data(f"{_DIR}/actions.yaml")
    issuers = read_data(f"{_DIR}/issuers.yaml")
    scope = read_data(f"{_DIR}/scope.yaml")
    dates = read_data(f"{_DIR}/dates.yaml")
    macros = {str(k): str(v) for k, v in actions["macros"].items()}
    entries = [(str(key), str(alias), False)
               for key, spec in issuers.items() for lang in ("en", "zh") for alias in spec.get(lang) or []]
    blockers = actions["blockers"]
    cues = _cues(actions["actions"], macros)
    return Lexicon(
        cues=cues,
        gate=_by_lang(actions["gate"]),
        ctrl=_by_lang(actions["ctrl_words"]),
        blockers=_by_lang(blockers),
        blockers_after=_compile(actions["blockers_after"]["zh"]),
        topic_after=_compile([actions["topic_after"]["zh"]]),
        window={lang: int(blockers["window"][lang]) for lang in ("en", "zh")},
        realised=_compile(actions["infinitive"]["realised"]),
        issuers=AliasMatcher(entries),
        issuer_rank={str(key): i for i, key in enumerate(issuers)},
        issuer_country={str(key): str(spec.get("country", key)) for key, spec in issuers.items()},
        mineral_only=frozenset(str(k) for k, spec in issuers.items() if spec.get("mineral_only")),
        items=_by_lang(scope["items"]),
        dual_use=_by_lang(scope["dual_use"]),
        end_uses=tuple((str(k), _by_lang(v)) for k, v in scope["end_uses"].items()),
        target_before=_by_lang(scope["target_before"]),
        threshold_words=tuple((str(k), _by_lang(v)) for k, v in scope["thresholds"].items()),
        off_topic=_by_lang(scope["off_topic"]),
        domestic=_by_lang(scope["domestic"]),
        exports=_by_lang(scope["exports"]),
        families={str(k): frozenset(str(x) for x in v) for k, v in scope["material_families"].items()},
        effective_before=_by_lang(dates["effective_before"]),
        effective_after=_compile([dates["effective_after"]["zh"]]),
        until_before=_by_lang({"en": dates["until_before"]["en"], "zh": dates["until_before"]["zh"]}),
        until_after_extend=_compile([dates["until_before"]["en_after_extend"]]),
        immediate=_by_lang(dates["immediate"]),
        issuing=_by_lang(dates["issuing"]),
    )
