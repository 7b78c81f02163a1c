"""Vocabularies for the extractors: actors, materials, measure cues and grammar cues.

The words live in YAML files under ``worker/extract/data`` so that users extend them from the
watch file (``vocab:`` section) instead of editing code. Loading compiles every alias list
into one regular expression per kind, once: the default vocabulary is cached, and matching a
page is a few ``finditer`` calls.

Matching rules (the same for every kind):
- Text is normalised (full-width → half-width) and folded to Simplified Chinese, both
  length-stable, so match offsets are offsets into the caller's text.
- Latin aliases match on word boundaries and may take a plural ``s``/``es``; an alias with an
  upper-case letter after its first character (``U.S.``, ``EU``, ``MOFCOM``) is
  case-sensitive, the others ignore case (``china``, ``China``, ``CHINA``).
- Chinese aliases match as substrings (Chinese has no spaces).
- Where aliases overlap, the longest one wins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from worker.common.cjk import HAN_CLASS, has_han
from worker.errors import ConfigError
from worker.extract.numbers import hedge_words
from worker.extract.resources import read_data
from worker.extract.text import normalize, to_simplified

__all__ = ["AliasMatcher", "Match", "Vocabulary", "load_vocabulary", "prepare"]

_IGNORED = "_ignore"


@dataclass(frozen=True)
class Match:
    """One alias found in a text: the vocabulary ``key`` it stands for and its span."""

    key: str
    start: int
    end: int
    alias: str
    weak: bool = False


def prepare(text: str) -> str:
    """The form every matcher searches: normalised and folded to Simplified (length-stable)."""
    return to_simplified(normalize(text))


def _case_sensitive(alias: str) -> bool:
    return any(ch.isupper() for ch in alias[1:])


_TOKEN_RE = re.compile(rf"[A-Za-z0-9]+|[^\sA-Za-z0-9\-{HAN_CLASS}]")
_GAP_OK = frozenset(" \t\r\n-")
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


class _Node:
    """A trie node over lower-cased Latin tokens; ``ends`` holds what an alias ending here means."""

    __slots__ = ("children", "ends")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        # channel -> (key, weak, exact tokens for case-sensitive aliases or None)
        self.ends: dict[str, tuple[str, bool, tuple[str, ...] | None]] = {}


class _Scanner:
    """Finds the aliases of many lists ("channels") in one pass over a text.

    Latin aliases are token sequences in a trie (so word boundaries come for free and the
    cost does not grow with the number of aliases); Chinese aliases are looked up by their
    first character. Each channel gets its own leftmost-longest, non-overlapping matches.
    The last few texts' results are cached: the statistics, stance and claim passes scan
    the same article.
    """

    def __init__(self, entries: Iterable[tuple[str, str, str, bool]]) -> None:
        """``entries``: ``(channel, key, alias, weak)``; a later duplicate alias overrides an earlier one."""
        self._root = _Node()
        self._cjk: dict[str, list[tuple[str, str, str, bool]]] = {}
        self._cache: dict[str, dict[str, list[Match]]] = {}
        self._cjk_first: re.Pattern[str] | None = None
        for channel, key, raw_alias, weak in entries:
            alias = prepare(str(raw_alias).strip())
            if not alias:
                continue
            if has_han(alias):
                bucket = self._cjk.setdefault(alias[0], [])
                bucket[:] = [e for e in bucket if not (e[0] == alias and e[1] == channel)]
                bucket.append((alias, channel, key, weak))
                bucket.sort(key=lambda e: len(e[0]), reverse=True)
                continue
            tokens = _TOKEN_RE.findall(alias)
            if not tokens:
                continue
            exact = tuple(tokens) if _case_sensitive(alias) else None
            self._insert(tokens, channel, (key, weak, exact))
            last = tokens[-1]
            if last.isalpha() and len(last) > 1:
                for suffix in ("s", "es"):
                    plural = [*tokens[:-1], last + suffix]
                    self._insert(plural, channel, (key, weak, tuple(plural) if exact else None), keep=True)
        if self._cjk:
            # the characters that can start a Chinese alias, found by one regex pass
            self._cjk_first = re.compile("[" + "".join(re.escape(c) for c in sorted(self._cjk)) + "]")

    def _insert(
        self,
        tokens: list[str],
        channel: str,
        payload: tuple[str, bool, tuple[str, ...] | None],
        *,
        keep: bool = False,
    ) -> None:
        node = self._root
        for t in tokens:
            node = node.children.setdefault(t.lower(), _Node())
        if keep and channel in node.ends:
            return  # a real alias beats a generated plural ("US" + "s" never hides "USs")
        node.ends[channel] = payload

    def scan(self, text: str) -> dict[str, list[Match]]:
        """Matches per channel in ``text`` (already in matcher form), offsets into ``text``."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        candidates: dict[str, list[tuple[int, int, str, bool]]] = {}
        low = text.translate(_ASCII_LOWER)  # length-stable, unlike str.lower()
        spans = [m.span() for m in _TOKEN_RE.finditer(low)]
        words = [low[s:e] for s, e in spans]
        children = self._root.children
        n = len(words)
        for i in range(n):
            node = children.get(words[i])
            if node is None:
                continue
            j = i
            best: dict[str, tuple[int, str, bool]] = {}
            while True:
                for channel, (key, weak, exact) in node.ends.items():
                    if exact is not None and tuple(text[s:e] for s, e in spans[i : j + 1]) != exact:
                        continue
                    best[channel] = (spans[j][1], key, weak)
                if j + 1 >= n or not node.children:
                    break
                gap_start, gap_end = spans[j][1], spans[j + 1][0]
                if gap_end > gap_start and not set(text[gap_start:gap_end]) <= _GAP_OK:
                    break
                nxt = node.children.get(words[j + 1])
                if nxt is None:
                    break
                node = nxt
                j += 1
            start = spans[i][0]
            for channel, (end, key, weak) in best.items():
                candidates.setdefault(channel, []).append((start, end, key, weak))
        if self._cjk_first is not None:
            for m in self._cjk_first.finditer(text):
                i = m.start()
                seen: set[str] = set()
                for alias, channel, key, weak in self._cjk[m.group()]:
                    if channel in seen or not text.startswith(alias, i):
                        continue
                    seen.add(channel)
                    candidates.setdefault(channel, []).append((i, i + len(alias), key, weak))
        result: dict[str, list[Match]] = {}
        for channel, cands in candidates.items():
            cands.sort(key=lambda c: (c[0], c[0] - c[1]))
            out: list[Match] = []
            last_end = -1
            for start, end, key, weak in cands:
                if start < last_end:
                    continue
                out.append(Match(key=key, start=start, end=end, alias=text[start:end], weak=weak))
                last_end = end
            result[channel] = out
        if len(self._cache) >= 8:
            self._cache.pop(next(iter(self._cache)))
        self._cache[text] = result
        return result


class AliasMatcher:
    """One list ("channel") of a shared scanner: finds its aliases, longest first, left to right."""

    def __init__(
        self,
        entries: Iterable[tuple[str, str, bool]] | None = None,
        *,
        scanner: _Scanner | None = None,
        channel: str = "",
    ) -> None:
        """Either ``entries`` (``(key, alias, weak)`` triples) or a ``scanner`` and its ``channel``."""
        if scanner is None:
            scanner = _Scanner((channel, k, a, w) for k, a, w in (entries or ()))
        self._scanner = scanner
        self._channel = channel

    def find(self, text: str, *, prepared: bool = False) -> list[Match]:
        """All non-overlapping alias matches in ``text`` (offsets into ``text``)."""
        if not text:
            return []
        if prepared:
            return list(self._scanner.scan(text).get(self._channel, ()))
        # report the alias as written (Traditional, full-width), not in its matcher form
        found = self._scanner.scan(prepare(text)).get(self._channel, ())
        return [Match(m.key, m.start, m.end, text[m.start : m.end], m.weak) for m in found]

    def search(self, text: str, *, prepared: bool = False) -> bool:
        """True when any alias occurs in ``text``."""
        return bool(self.find(text, prepared=prepared))


@dataclass(frozen=True)
class Vocabulary:
    """Alias lists by key plus their compiled matchers.

    ``actors``/``materials``: key → aliases (English and Chinese together).
    ``measures``: measure key → cue phrases. ``cues``: grammar cue name → phrases
    (``hedge_before``, ``up``, ``down``, ``control``...; see data/cues.yaml).
    """

    actors: dict[str, list[str]]
    materials: dict[str, list[str]]
    measures: dict[str, list[str]]
    cues: dict[str, list[str]]
    weak_actors: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()  # actor keys that are states (data/countries.yaml)
    weak_material_aliases: dict[str, list[str]] = field(default_factory=dict)
    ignored_actor_aliases: tuple[str, ...] = ()
    # the watch file's whole ``vocab:`` section, for the tables built elsewhere (stance cues)
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)
    actor_matcher: AliasMatcher = field(init=False, repr=False, compare=False)
    material_matcher: AliasMatcher = field(init=False, repr=False, compare=False)
    measure_matchers: dict[str, AliasMatcher] = field(init=False, repr=False, compare=False)
    cue_matchers: dict[str, AliasMatcher] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        entries: list[tuple[str, str, str, bool]] = []
        for k, aliases in self.actors.items():
            entries += [("actor", k, a, k in self.weak_actors) for a in aliases]
        entries += [("actor", _IGNORED, a, True) for a in self.ignored_actor_aliases]
        for k, aliases in self.materials.items():
            entries += [("material", k, a, False) for a in aliases]
        for k, aliases in self.weak_material_aliases.items():
            entries += [("material", k, a, True) for a in aliases]
        for k, aliases in self.measures.items():
            entries += [(f"measure:{k}", k, a, False) for a in aliases]
        for k, aliases in self.cues.items():
            entries += [(f"cue:{k}", k, a, False) for a in aliases]
        scanner = _Scanner(entries)
        object.__setattr__(self, "actor_matcher", AliasMatcher(scanner=scanner, channel="actor"))
        object.__setattr__(self, "material_matcher", AliasMatcher(scanner=scanner, channel="material"))
        object.__setattr__(
            self,
            "measure_matchers",
            {k: AliasMatcher(scanner=scanner, channel=f"measure:{k}") for k in self.measures},
        )
        object.__setattr__(
            self, "cue_matchers", {k: AliasMatcher(scanner=scanner, channel=f"cue:{k}") for k in self.cues}
        )

    def find_actors(self, text: str, *, prepared: bool = False) -> list[Match]:
        """Actor mentions, in text order (weak ones such as ``global`` flagged).

        Names listed under ``_ignore`` in actors.yaml ("US Geological Survey") are matched
        so that the country inside them is not, and are then dropped.
        """
        return [m for m in self.actor_matcher.find(text, prepared=prepared) if m.key != _IGNORED]

    def find_materials(self, text: str, *, prepared: bool = False) -> list[Match]:
        """Material mentions, in text order (weak aliases such as ``lithium`` flagged)."""
        return self.material_matcher.find(text, prepared=prepared)

    def find_measure_cues(self, measure: str, text: str, *, prepared: bool = False) -> list[Match]:
        """Cue phrases of one measure in ``text``."""
        matcher = self.measure_matchers.get(measure)
        return matcher.find(text, prepared=prepared) if matcher else []

    def find_cues(self, name: str, text: str, *, prepared: bool = False) -> list[Match]:
        """Phrases of one grammar cue list (data/cues.yaml) in ``text``."""
        matcher = self.cue_matchers.get(name)
        return matcher.find(text, prepared=prepared) if matcher else []


# ----------------------------------------------------------------------------- loading


def _aliases(entry: Any, where: str) -> list[str]:
    """``{en: [...], zh: [...]}`` or a plain list → one flat list of alias strings."""
    if entry is None:
        return []
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, list):
        return [str(a) for a in entry]
    if isinstance(entry, Mapping):
        out: list[str] = []
        for lang in ("en", "zh", "aliases"):
            value = entry.get(lang)
            if value is None:
                continue
            if not isinstance(value, list):
                raise ConfigError(f"{where}.{lang} must be a list of strings", resource=where)
            for a in value:
                if not isinstance(a, str | int | float) or isinstance(a, bool):
                    # YAML reads a bare `on`, `no`, `yes` as a boolean: the alias must be quoted
                    raise ConfigError(f"{where}.{lang}: {a!r} is not a string (quote it)", resource=where)
                out.append(str(a))
        return out
    raise ConfigError(f"{where} must be a list or a mapping of en/zh lists", resource=where)


def _merge(base: dict[str, list[str]], extra: Any, where: str) -> dict[str, list[str]]:
    merged = {k: list(v) for k, v in base.items()}
    if extra is None:
        return merged
    if not isinstance(extra, Mapping):
        raise ConfigError(f"vocab.{where} must be a mapping of key -> aliases", resource="vocab")
    for key, entry in extra.items():
        for alias in _aliases(entry, f"vocab.{where}.{key}"):
            bucket = merged.setdefault(str(key), [])
            if alias not in bucket:
                bucket.append(alias)
    return merged


def _build(extra: Mapping[str, Any] | None) -> Vocabulary:
    actors_raw = read_data("actors.yaml")
    countries = read_data("countries.yaml")
    states = frozenset(str(k) for k in countries.pop("_states", []) or []) | frozenset(countries)
    for key, entry in countries.items():
        actors_raw.setdefault(key, entry)  # actors.yaml's own entry wins
    materials_raw = read_data("materials.yaml")
    measures_raw = read_data("measures.yaml")
    cues_raw = read_data("cues.yaml")

    ignored = tuple(_aliases(actors_raw.pop(_IGNORED, None), "actors._ignore"))
    actors = {str(k): _aliases(v, f"actors.{k}") for k, v in actors_raw.items()}
    weak_actors = frozenset(
        str(k) for k, v in actors_raw.items() if isinstance(v, Mapping) and bool(v.get("weak"))
    )
    materials = {str(k): _aliases(v, f"materials.{k}") for k, v in materials_raw.items()}
    weak_materials = {
        str(k): [str(a) for a in (v.get("weak") or [])]
        for k, v in materials_raw.items()
        if isinstance(v, Mapping) and v.get("weak")
    }
    measures = {str(k): _aliases(v, f"measures.{k}") for k, v in measures_raw.items()}
    cues = {str(k): _aliases(v, f"cues.{k}") for k, v in cues_raw.items()}
    for name, words in hedge_words().items():  # the hedge words live with the number grammar
        cues.setdefault(name, words)

    if extra:
        actors = _merge(actors, extra.get("actors"), "actors")
        materials = _merge(materials, extra.get("materials"), "materials")
        measures = _merge(measures, extra.get("measures"), "measures")
        cues = _merge(cues, extra.get("cues"), "cues")
    return Vocabulary(
        actors=actors,
        materials=materials,
        measures=measures,
        cues=cues,
        weak_actors=weak_actors,
        states=states,
        weak_material_aliases=weak_materials,
        ignored_actor_aliases=ignored,
        extra=dict(extra or {}),
    )


@lru_cache(maxsize=1)
def _default() -> Vocabulary:
    return _build(None)


def load_vocabulary(extra: Mapping[str, Any] | None = None) -> Vocabulary:
    """The packaged vocabulary, with a watch file's ``vocab:`` section merged on top.

    ``extra`` looks like ``{"actors": {"lynas": {"en": ["Lynas Corp"]}}, "materials": {...},
    "measures": {...}, "cues": {...}}``; its aliases are appended to the packaged ones (new
    keys are added). Results are cached, per distinct ``extra``.
    """
    if not extra:
        return _default()
    # the same watch-file section gives the same (cached) vocabulary: workers call this per task
    return _extended(json.dumps(extra, sort_keys=True, ensure_ascii=False, default=str))


@lru_cache(maxsize=8)
def _extended(extra_json: str) -> Vocabulary:
    return _build(json.loads(extra_json))
