r"""Finding stance cues: verb families joined to their objects (``data/stances/cues.yaml``).

A rule is a short pattern over word classes, compiled once into a regular expression:
``@impose:verb ~6 #controls`` is "any form of an imposing verb, up to six words, any form of a
control noun" and reads "imposed new export controls", "is expanding its curbs", "slapped
export restrictions". Word classes come from the data file (verb families inflected by
:mod:`morphology`, object classes pluralised); the grammar of the pattern language is here:

- ``@fam`` (``@a|b``) every form of a verb family, ``:verb`` ``:noun`` ``:pp`` ``:ing``
  ``:base`` narrow it; ``#obj`` (``#a|b``) an object class; a reference may carry a regex
  suffix (``#controls(?!\s+dialogue)``) or ``?`` (optional).
- ``~N`` a gap of up to N words (English: no clause punctuation or subordinator crossed) or N
  characters (Chinese: inside the clause); ``~~N`` may cross commas (not the sentence end).
- ``(?:…)`` a group whose content uses these tokens is compiled the same way (``|`` separates
  alternatives); a group ending ``)?`` is optional; anything else is a regular expression.
- English tokens are joined by white space, Chinese tokens directly; English patterns ignore
  case; Chinese ones are folded to Simplified like the text (``vocab.prepare``).

Cues whose spans overlap resolve by suppression: a position (or one rule) lists the positions
whose overlapping cues it silences ("urged China to EASE" is press, "SUSPENDED its export
CONTROLS" is ease, "must OBTAIN a LICENCE" is a requirement, not a grant).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from worker.errors import ConfigError
from worker.extract.stances.morphology import Morphology
from worker.extract.stances.prefilter import StemPrefilter
from worker.extract.vocab import prepare

__all__ = ["Cue", "CueTable", "Hit", "build_cues", "compile_pattern", "find_hits"]

# a word inside an English gap: never clause punctuation (a comma only inside a number) and never
# a subordinator or relative pronoun, which start another clause ("imposed the controls AFTER
# Washington raised tariffs" is not "imposed … tariffs"; "lodged since early April" is a date)
_EN_WORD = (r"(?!(?:when|while|because|although|though|whereas|which|who|whom|whose|where|but|if|unless|that)\b"
            r"|(?:after|before|since|until)\s+(?!(?:early|late|mid|last|next|this|\d|january|february|march|april|may"
            r"|june|july|august|september|october|november|december)))(?:[\w'$%&/.()’€£¥-]|,(?=\d))+")
_ZH_GAP_CHARS = r"[^，。；：,;:!?！？\n]"
_ZH_WIDE_GAP = r"[^。；;!?！？\n]"
_KINDS = frozenset({"all", "verb", "noun", "pp", "ing", "base"})


@dataclass(frozen=True)
class Cue:
    """One compiled rule pattern and what a match of it means."""

    name: str
    position: str
    regex: re.Pattern[str]
    weight: float
    negation_ok: bool = False
    passive_by: bool = False
    parties: bool = False
    inner: bool = False
    plain: bool = False
    nominal: bool = False
    bare: bool = False
    norm: bool = False
    need: str | None = None
    directive: bool = False
    supply_deal: bool = False
    warning: bool = False
    pair: bool = False
    agent: str | None = None
    context: str | None = None
    suppress: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Hit:
    """A cue found in a sentence, with its span."""

    cue: Cue
    start: int
    end: int


@dataclass(frozen=True)
class CueTable:
    cues: tuple[Cue, ...]
    suppress: Mapping[str, frozenset[str]]
    prefilter: StemPrefilter


class _Classes:
    """The word classes of the data file as regex alternations, per language."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.morph = Morphology(raw.get("irregular") or {}, raw.get("spelling") or {})
        self.verbs: dict[str, Mapping[str, Any]] = dict(raw.get("verbs") or {})
        self.objects: dict[str, Mapping[str, Any]] = dict(raw.get("objects") or {})

    def family(self, names: str, kind: str, zh: bool) -> str:
        forms: list[str] = []
        for name in names.split("|"):
            spec = self.verbs.get(name)
            if spec is None:
                raise ConfigError(f"stance cue: unknown verb family @{name}", resource="stances/cues.yaml")
            if zh:  # Chinese words are regex fragments ("投资(?!者)"): no inflection, no escaping
                forms += [prepare(str(w)) for w in spec.get("zh") or []]
                continue
            lemmas = [str(w) for w in spec.get("en") or []]
            if kind in ("all", "verb"):
                forms += self.morph.verbs(lemmas)
            elif kind in ("pp", "ing", "base"):
                forms += self.morph.verbs(lemmas, kind)
            if kind in ("all", "noun"):
                forms += self.morph.nouns(str(n) for n in spec.get("nouns") or [])
        return _alternation(forms, zh)

    def object(self, names: str, zh: bool) -> str:
        forms: list[str] = []
        stops: list[str] = []
        for name in names.split("|"):
            spec = self.objects.get(name)
            if spec is None:
                raise ConfigError(f"stance cue: unknown object class #{name}", resource="stances/cues.yaml")
            words = [str(w) for w in spec.get("zh" if zh else "en") or []]
            forms += [prepare(w) for w in words] if zh else self.morph.nouns(words)
            stop = (spec.get("not_before") or {}).get("zh" if zh else "en") or []
            stops += [re.escape(prepare(str(s))) for s in stop]
        body = _alternation(forms, zh)
        if stops:
            sep = "" if zh else r"[\s-]+"
            body += "(?!" + sep + "(?:" + "|".join(stops) + "))"
        return body


def _alternation(forms: Iterable[str], zh: bool) -> str:
    unique = sorted(set(forms), key=len, reverse=True)
    if not unique:
        return r"(?!x)x"
    body = "|".join(unique)
    return f"(?:{body})" if zh else rf"\b(?:{body})\b"


_REF = re.compile(r"^([@#])([a-z_|]+)(?::([a-z]+))?(.*)$", re.S)
_GAP = re.compile(r"^(~~?)(\d+)$")


def _group_end(text: str, i: int) -> int:
    """Index after the parenthesised group opening at ``text[i]`` (and its ``?``)."""
    depth = 0
    j = i
    while j < len(text):
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                j += 1
                return j + 1 if j < len(text) and text[j] == "?" else j
        j += 1
    raise ValueError(f"unbalanced parenthesis in {text!r}")


def _tokens(pattern: str, zh: bool) -> list[str]:
    """English: split on white space outside groups. Chinese: gaps, references, groups, literals."""
    out: list[str] = []
    i, cur = 0, ""
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            cur += pattern[i:i + 2]
            i += 2
            continue
        if ch == "(":
            j = _group_end(pattern, i)
            cur += pattern[i:j]
            i = j
            continue
        if not zh and ch.isspace():
            if cur:
                out.append(cur)
            cur = ""
            i += 1
            continue
        if zh and ch in "~@#":
            if cur:
                out.append(cur)
            m = re.match(r"~~?\d+|[@#][a-z_|]+(?::[a-z]+)?\??", pattern[i:])
            if m is None:
                raise ValueError(f"bad token at {pattern[i:]!r}")
            out.append(m.group(0))
            cur = ""
            i += m.end()
            continue
        cur += ch
        i += 1
    if cur:
        out.append(cur)
    return out


def _split_alternatives(inner: str) -> list[str]:
    parts: list[str] = []
    depth, cur, i = 0, "", 0
    while i < len(inner):
        ch = inner[i]
        if ch == "\\":
            cur += inner[i:i + 2]
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    parts.append(cur)
    return parts


def _body(token: str, classes: _Classes, zh: bool) -> tuple[str, bool]:
    """One token as a regex, and whether it is optional."""
    ref = _REF.match(token)
    if ref:
        sigil, names, kind, suffix = ref.groups()
        kind = kind or "all"
        if kind not in _KINDS:
            raise ValueError(f"unknown form :{kind}")
        body = classes.family(names, kind, zh) if sigil == "@" else classes.object(names, zh)
        if suffix == "?":
            return body, True
        return body + (prepare(suffix) if zh else suffix), False
    if not token.startswith("("):
        return (prepare(token) if zh else token), False
    end = _group_end(token, 0)  # after the group and its "?"
    question = token[end - 1] == "?"
    close = end - 1 if question else end
    suffix = token[end:]
    optional = question and not suffix  # "(?:new|fresh)?": an optional token
    if token.startswith("(?:") and re.search(r"[@#~]|\s", token[3:close - 1]):
        inner = "|".join(compile_pattern(alt, classes, zh) for alt in _split_alternatives(token[3:close - 1]))
        group = f"(?:{inner})" + ("?" if question and suffix else "")
    else:
        group = token[:end] if suffix else token[:close]
    body = group + suffix
    return (prepare(body) if zh else body), optional


def compile_pattern(pattern: str, classes: _Classes, zh: bool) -> str:
    """One rule pattern in the small pattern language → a regular expression (see the module doc).

    A gap is its own piece, so an optional token after it ("~6 (?:new)? #controls") does not
    take the gap with it when it is absent.
    """
    parts: list[str] = []
    lead_gap = ""
    for token in _tokens(pattern.strip() if not zh else pattern.replace(" ", ""), zh):
        g = _GAP.match(token)
        if g:
            n = int(g.group(2))
            wide = g.group(1) == "~~"
            if zh:
                parts.append(f"{_ZH_WIDE_GAP if wide else _ZH_GAP_CHARS}{{0,{n}}}?")
            elif parts:
                parts.append(rf"(?:[\s,]+{_EN_WORD}){{0,{n}}}?" if wide else rf"(?:\s+{_EN_WORD}){{0,{n}}}?")
            else:  # a group's content starting with a gap: words each followed by a space
                lead_gap = rf"(?:{_EN_WORD}[\s,]+){{0,{n}}}?" if wide else rf"(?:{_EN_WORD}\s+){{0,{n}}}?"
            continue
        body, optional = _body(token, classes, zh)
        if zh:
            parts.append(f"(?:{body})?" if optional else f"(?:{body})")
        elif not parts:
            lead = r"\b" if not lead_gap and (body[:1].isalnum() or body.startswith("(")) else ""
            seq = f"{lead}{lead_gap}(?:{body})"
            parts.append(f"(?:{seq})?" if optional else seq)
        else:
            parts.append(rf"(?:\s+(?:{body}))?" if optional else rf"\s+(?:{body})")
    return "".join(parts)


_ANTI = re.compile(r"anti-$", re.IGNORECASE)  # "anti-subsidy" is no subsidy


def _option(opts: Mapping[str, Any], key: str) -> bool:
    return bool(opts.get(key))


def build_cues(raw: Mapping[str, Any]) -> CueTable:
    """Compile ``cues.yaml`` (with any watch-file additions merged in) into a cue table."""
    classes = _Classes(raw)
    positions: Mapping[str, Mapping[str, Any]] = raw.get("positions") or {}
    cues: list[Cue] = []
    for rule in raw.get("rules") or []:
        name = str(rule.get("name", "?"))
        position = str(rule.get("position"))
        if position not in positions:
            raise ConfigError(f"stance rule {name}: unknown position {position!r}", resource="stances/cues.yaml")
        spec = positions[position]
        for zh in (False, True):
            for pattern in rule.get("zh" if zh else "en") or []:
                try:
                    regex = re.compile(compile_pattern(str(pattern), classes, zh), re.IGNORECASE)
                except re.error as exc:
                    raise ConfigError(f"stance rule {name}: bad pattern {pattern!r}: {exc}",
                                      resource="stances/cues.yaml") from exc
                cues.append(Cue(
                    name=name, position=position, regex=regex,
                    weight=float(rule.get("w", spec.get("w", 0.7))),
                    negation_ok=_option(rule, "negation_ok"), passive_by=_option(rule, "passive_by"),
                    parties=_option(rule, "parties"), inner=_option(rule, "inner"), plain=_option(rule, "plain"),
                    nominal=_option(rule, "nominal"), bare=_option(rule, "bare") or _option(rule, "nominal"),
                    norm=_option(rule, "norm"), need=rule.get("need", spec.get("need")),
                    directive=_option(rule, "directive"), supply_deal=_option(rule, "supply_deal"),
                    warning=_option(rule, "warning"), pair=_option(rule, "pair"),
                    agent=rule.get("agent"), context=rule.get("context"),
                    suppress=frozenset(rule.get("suppress") or ()),
                ))
    suppress = {str(p): frozenset(s.get("suppress") or ()) for p, s in positions.items()}
    return CueTable(cues=tuple(cues), suppress=suppress, prefilter=StemPrefilter([c.regex for c in cues]))


def find_hits(sent: str, table: CueTable, candidates: Sequence[int]) -> list[Hit]:
    """The cues found in ``sent`` (only those in ``candidates`` are run), after suppression."""
    cues = table.cues
    hits = [Hit(cues[i], m.start(), m.end()) for i in candidates for m in cues[i].regex.finditer(sent)
            if m.end() > m.start() and not _ANTI.match(sent, max(0, m.start() - 5), m.start())]
    if len(hits) < 2:
        return hits
    kept: list[Hit] = []
    for h in hits:
        if not any(_silences(o, h, table) and not (_silences(h, o, table) and h.end - h.start > o.end - o.start)
                   for o in hits if o is not h):
            kept.append(h)
    return kept


def _silences(o: Hit, h: Hit, table: CueTable) -> bool:
    """``o`` overlaps ``h`` and its position (or rule) suppresses ``h``'s position; where two
    cues suppress each other the longer reading wins ("NOT APPROVE exports" over "approve exports")."""
    pos = h.cue.position
    return (o.cue.position != pos and o.start < h.end and h.start < o.end
            and (pos in table.suppress[o.cue.position] or pos in o.cue.suppress))
