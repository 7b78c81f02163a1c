"""The language resources of number recognition, read from data and compiled once.

``data/numbers/en.yaml`` and ``data/numbers/zh.yaml`` hold every word (number words, scales,
fractions, multipliers, currencies, masses, percent words, hedges, roles); this module turns
them into look-up tables and regular expressions. The engine never names a word of either
language: it asks the ``Lexicon`` ("is this a currency word, and which?").

Conventions of the compiled patterns:
- English is matched on the ASCII-lower-cased text; a multi-word entry matches with any spaces
  or hyphens between its words ("per cent", "per-cent"); an entry ending in a letter must not be
  followed by another letter.
- Chinese entries match as substrings of the matcher form (Simplified, half-width).
- Patterns that look *left* of a number are compiled over the reversed words and matched at the
  start of the reversed few characters before it (``rev``): one anchored match instead of a
  search through a window.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from worker.common.cjk import is_han
from worker.errors import ConfigError
from worker.extract.resources import read_data

__all__ = ["Lexicon", "key", "lexicon"]

_SPACES = re.compile(r"[\s\-]+")


def key(s: str) -> str:
    """The look-up form of a matched word: lower case, one space between words."""
    s = s.strip().lower()
    return _SPACES.sub(" ", s) if (" " in s or "-" in s or "\t" in s) else s


_END = ""


def _tokens(w: str) -> list[str]:
    """An entry as regex pieces: characters, flexible inner spacing between words, and (Chinese)
    optional spaces between characters ("个 百 分 点": text extracted from PDFs and some pages)."""
    out: list[str] = []
    for i, word in enumerate(w.split(" ")):
        if i:
            out.append(r"[\s\-]+")
        for j, ch in enumerate(word):
            out.append(("[ ]*" if j and is_han(ch) else "") + re.escape(ch))
    return out


def _trie_pattern(entries: Iterable[list[str]]) -> str:
    """One alternation as a trie, so that the regex engine tries each first character once
    (an alternation of a hundred words is tried word by word at every position otherwise)."""
    root: dict[str, Any] = {}
    for toks in entries:
        node = root
        for t in toks:
            node = node.setdefault(t, {})
        node[_END] = True
    return _emit(root)


def _emit(node: dict[str, Any]) -> str:
    alts = [tok + _emit(child) for tok, child in sorted(node.items()) if tok != _END]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if _END in node else body


def alternation(words: Iterable[str]) -> str:
    """The words as one pattern that prefers the longest ("percentage points" over "percentage");
    an entry ending in a letter must not be followed by another letter."""
    uniq = {w for w in words if w}
    if not uniq:
        return "(?!)"
    lettered = [_tokens(w) for w in uniq if w[-1].isascii() and w[-1].isalpha()]
    other = [_tokens(w) for w in uniq if not (w[-1].isascii() and w[-1].isalpha())]
    parts = []
    if lettered:
        parts.append(f"(?:{_trie_pattern(lettered)})(?![a-z])")
    if other:
        parts.append(_trie_pattern(other))
    return "|".join(parts)


def reversed_alternation(words: Iterable[str]) -> str:
    """The words reversed, for matching right-to-left from a number (see module doc): an entry
    starting with a letter must not have a letter before it."""
    uniq = {w for w in words if w}
    if not uniq:
        return "(?!)"
    lettered = [_tokens(w[::-1]) for w in uniq if w[0].isascii() and w[0].isalpha()]
    other = [_tokens(w[::-1]) for w in uniq if not (w[0].isascii() and w[0].isalpha())]
    parts = []
    if lettered:
        parts.append(f"(?:{_trie_pattern(lettered)})(?![a-z])")
    if other:
        parts.append(_trie_pattern(other))
    return "|".join(parts)


def _strs(data: Mapping[str, Any], name: str, where: str) -> list[str]:
    value = data.get(name) or []
    if not isinstance(value, list):
        raise ConfigError(f"data/numbers/{where}: {name} must be a list", resource=f"numbers/{where}")
    return [str(v).lower() for v in value]


def _nums(data: Mapping[str, Any], name: str, where: str) -> dict[str, float]:
    value = data.get(name) or {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"data/numbers/{where}: {name} must be a mapping", resource=f"numbers/{where}")
    return {key(str(k)): float(v) for k, v in value.items()}


@dataclass(frozen=True)
class Currency:
    code: str  # usd | cny | eur | other
    factor: float = 1.0  # subunits: cents → 0.01


@dataclass(frozen=True)
class Lexicon:
    """Both languages' words as look-up tables (keys in ``key`` form) and compiled patterns."""

    en_numerals: dict[str, float]
    scales: dict[str, float]
    scale_abbreviations: dict[str, float]
    fraction_numerators: dict[str, float]
    fraction_denominators: dict[str, float]
    multipliers: dict[str, float]
    spaced_abbreviations: frozenset[str]
    fraction_of: tuple[str, ...]
    fraction_by: tuple[str, ...]
    half_before: tuple[str, ...]
    per_words: tuple[str, ...]
    counted_joiners: frozenset[str]
    period_words: tuple[str, ...]
    period_fractions: frozenset[str]
    period_after_of: tuple[str, ...]
    currency_symbols: dict[str, Currency]
    chinese_symbols: dict[str, Currency]  # symbols that read otherwise in Chinese text (¥: yuan)
    currency_words: dict[str, Currency]
    clause_end_currency: dict[str, Currency]  # currency words only when no noun follows (块)
    masses: dict[str, tuple[str, float]]
    per_mass: dict[str, str]
    measurements: frozenset[str]
    percent_words: frozenset[str]
    point_words: frozenset[str]
    basis_point_words: frozenset[str]
    vague_before: str
    times_words: frozenset[str]
    negative_words: frozenset[str]
    million_prefix: str
    # Chinese numerals
    cn_digits: dict[str, float]
    cn_small: dict[str, float]
    cn_big: dict[str, float]
    cn_point: str
    cn_financial: frozenset[str]
    cn_more: frozenset[str]
    cn_half: str
    cn_halves: dict[str, float]
    cn_multipliers: dict[str, float]
    cn_zero_after: frozenset[str]
    cn_per_before: dict[str, str]
    cn_per_after: dict[str, str]
    classifiers: tuple[str, ...]
    # hedges and roles
    hedge_adverbs: frozenset[str]
    hedge_comparatives: frozenset[str]
    hedge_after: tuple[str, ...]
    hedge_symbols: tuple[str, ...]
    not_hedge: tuple[str, ...]
    after_not_before: tuple[str, ...]
    comparison_reference: tuple[str, ...]
    share_whole: tuple[str, ...]
    label_before: frozenset[str]
    durations: frozenset[str]
    months: frozenset[str]
    ordinal_suffixes: frozenset[str]
    counted_skip: tuple[str, ...]
    counted_stop: frozenset[str]
    counted_plurals: frozenset[str]
    counted_kinds: frozenset[str]
    zh_roles: dict[str, tuple[str, ...]]
    times_not_before: tuple[str, ...]
    cheng: str
    cheng_not_before: str
    fraction_mark: str
    zh_times: str
    links: dict[str, tuple[str, ...]]  # both languages' link words by use (see en.yaml "links")
    slash_share_before: str
    slash_share_after: tuple[str, ...]
    possessive: str
    month_after: str
    day_after: tuple[str, ...]
    year_after: str
    half_not_before: str
    yuan_not_before: str


def _currencies(
    data: Mapping[str, Any], where: str
) -> tuple[dict[str, Currency], dict[str, Currency], dict[str, Currency]]:
    symbols: dict[str, Currency] = {}
    words: dict[str, Currency] = {}
    clause_end: dict[str, Currency] = {}
    table = data.get("currencies") or {}
    for code, entry in table.items():
        if not isinstance(entry, Mapping):
            raise ConfigError(f"data/numbers/{where}: currencies.{code} must be a mapping", resource=where)
        for s in entry.get("symbols") or []:
            symbols[key(str(s))] = Currency(str(code))
        for w in entry.get("words") or []:
            words[key(str(w))] = Currency(str(code))
        for w, factor in (entry.get("subunits") or {}).items():
            words[key(str(w))] = Currency(str(code), float(factor))
        for w in entry.get("clause_end_words") or []:
            clause_end[key(str(w))] = Currency(str(code))
    return symbols, words, clause_end


def _masses(data: Mapping[str, Any]) -> dict[str, tuple[str, float]]:
    out: dict[str, tuple[str, float]] = {}
    for name, entry in (data.get("masses") or {}).items():
        unit = str(entry.get("unit") or name)
        for w in entry.get("words") or []:
            out[key(str(w))] = (unit, float(entry.get("factor", 1)))
    return out


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The packaged resources (read and compiled once per process)."""
    en = read_data("numbers/en.yaml")
    zh = read_data("numbers/zh.yaml")
    en_sym, en_words, en_end = _currencies(en, "en.yaml")
    zh_sym, zh_words, zh_end = _currencies(zh, "zh.yaml")
    per_mass: dict[str, str] = {}
    for kind, words in (en.get("per_mass") or {}).items():
        per_mass.update({key(str(w)): str(kind) for w in words})
    en_hedges = en.get("hedges") or {}
    zh_hedges = zh.get("hedges") or {}
    en_roles = en.get("roles") or {}
    zh_roles_raw = zh.get("roles") or {}
    counted = en.get("counted") or {}
    return Lexicon(
        en_numerals=_nums(en, "numerals", "en.yaml"),
        scales=_nums(en, "scales", "en.yaml"),
        scale_abbreviations=_nums(en, "scale_abbreviations", "en.yaml"),
        fraction_numerators=_nums(en, "fraction_numerators", "en.yaml"),
        fraction_denominators=_nums(en, "fraction_denominators", "en.yaml"),
        multipliers=_nums(en, "multipliers", "en.yaml"),
        spaced_abbreviations=frozenset(_strs(en, "spaced_abbreviations", "en.yaml")),
        fraction_of=tuple(_strs(en, "fraction_of", "en.yaml")),
        fraction_by=tuple(_strs(en, "fraction_by", "en.yaml")),
        half_before=tuple(_strs(en, "half_before", "en.yaml")),
        per_words=tuple(_strs(en, "per", "en.yaml")),
        counted_joiners=frozenset(_strs(counted, "joiners", "en.yaml")),
        period_words=tuple(_strs(en, "period_words", "en.yaml")),
        period_fractions=frozenset(_strs(en, "period_fractions", "en.yaml")),
        period_after_of=tuple(_strs(en, "period_after_of", "en.yaml")),
        currency_symbols={**zh_sym, **en_sym},
        chinese_symbols={k: v for k, v in zh_sym.items() if k in en_sym and en_sym[k] != v},
        currency_words={**en_words, **zh_words},
        clause_end_currency={**en_end, **zh_end},
        masses={**_masses(en), **_masses(zh)},
        per_mass=per_mass,
        measurements=frozenset(
            key(str(w)) for w in [*(en_roles.get("measurements") or []), *(zh_roles_raw.get("measurements") or [])]
        ),
        percent_words=frozenset(key(w) for w in _strs(en, "percent", "en.yaml")),
        point_words=frozenset(
            key(w) for w in [*_strs(en, "percentage_points", "en.yaml"), *_strs(zh, "percentage_points", "zh.yaml")]
        ),
        basis_point_words=frozenset(key(w) for w in _strs(en, "basis_points", "en.yaml")),
        vague_before="".join(_strs(zh, "vague_before", "zh.yaml")),
        times_words=frozenset([*(key(w) for w in _strs(en, "times", "en.yaml")), str(zh.get("times", "倍"))]),
        negative_words=frozenset([*_strs(en, "negative", "en.yaml"), *_strs(zh, "negative", "zh.yaml")]),
        million_prefix=str(en.get("million_prefix", "m")),
        cn_digits={str(k): float(v) for k, v in (zh.get("digits") or {}).items()},
        cn_small={str(k): float(v) for k, v in (zh.get("small_units") or {}).items()},
        cn_big={str(k): float(v) for k, v in (zh.get("big_units") or {}).items()},
        cn_point=str(zh.get("decimal_point", "点")),
        cn_financial=frozenset(str(x) for x in zh.get("financial") or []),
        cn_more=frozenset(_strs(zh, "more_than", "zh.yaml")),
        cn_half=str(zh.get("half", "半")),
        cn_halves={str(k): float(v) for k, v in (zh.get("halves") or {}).items()},
        cn_multipliers={str(k): float(v) for k, v in (zh.get("multipliers") or {}).items()},
        cn_zero_after=frozenset(_strs(zh, "zero_after", "zh.yaml")),
        cn_per_before={str(k): str(v) for k, v in (zh.get("per_mass_before") or {}).items()},
        cn_per_after={str(k): str(v) for k, v in (zh.get("per_mass_after") or {}).items()},
        classifiers=tuple(sorted(_strs(zh, "classifiers", "zh.yaml"), key=len, reverse=True)),
        hedge_adverbs=frozenset(
            key(w) for w in [*_strs(en_hedges, "adverb", "en.yaml"), *_strs(zh_hedges, "adverb", "zh.yaml")]
        ),
        hedge_comparatives=frozenset(
            key(w) for w in [*_strs(en_hedges, "comparative", "en.yaml"), *_strs(zh_hedges, "comparative", "zh.yaml")]
        ),
        hedge_after=tuple([*_strs(en_hedges, "after", "en.yaml"), *_strs(zh_hedges, "after", "zh.yaml")]),
        hedge_symbols=tuple(_strs(en_hedges, "symbols", "en.yaml")),
        not_hedge=tuple(_strs(zh_hedges, "not_hedge", "zh.yaml")),
        after_not_before=tuple(_strs(zh_hedges, "after_not_before", "zh.yaml")),
        comparison_reference=tuple(_strs(zh_hedges, "comparison_reference", "zh.yaml")),
        share_whole=tuple(_strs(zh_hedges, "share_whole", "zh.yaml")),
        label_before=frozenset(key(w) for w in _strs(en_roles, "label_before", "en.yaml")),
        durations=frozenset(key(w) for w in [*_strs(en_roles, "durations", "en.yaml")]),
        months=frozenset(key(w) for w in _strs(en_roles, "months", "en.yaml")),
        ordinal_suffixes=frozenset(_strs(en_roles, "ordinal_suffixes", "en.yaml")),
        counted_skip=tuple(key(w) for w in _strs(counted, "skip", "en.yaml")),
        counted_stop=frozenset(key(w) for w in _strs(counted, "stop", "en.yaml")),
        counted_plurals=frozenset(_strs(counted, "plurals", "en.yaml")),
        counted_kinds=frozenset(_strs(counted, "kinds", "en.yaml")),
        zh_roles={str(k): tuple(str(x) for x in v) for k, v in zh_roles_raw.items()},
        times_not_before=tuple(key(w) for w in _strs(en, "times_not_before", "en.yaml")),
        cheng=str(zh.get("cheng", "成")),
        cheng_not_before="".join(_strs(zh, "cheng_not_before", "zh.yaml")),
        fraction_mark=str(zh.get("fraction_mark", "分之")),
        zh_times=str(zh.get("times", "倍")),
        links=_links(en, zh),
        slash_share_before="".join(_strs(zh, "slash_share_before", "zh.yaml")),
        slash_share_after=tuple(_strs(zh, "slash_share_after", "zh.yaml")),
        possessive=str(zh.get("possessive", "的")),
        month_after=str(zh.get("month_after", "月")),
        day_after=tuple(_strs(zh, "day_after", "zh.yaml")),
        year_after=str(zh.get("year_after", "年")),
        half_not_before="".join(_strs(zh, "half_not_before", "zh.yaml")),
        yuan_not_before="".join(_strs(zh, "yuan_not_before", "zh.yaml")),
    )


def _links(*files: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for data in files:
        for name, words in (data.get("links") or {}).items():
            out.setdefault(str(name), []).extend(str(w).lower() for w in words or [])
    return {k: tuple(v) for k, v in out.items()}
