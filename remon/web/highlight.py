"""Split an article's text into segments marked with what was extracted from them.

Pure: the template escapes each segment and wraps marked ones in ``<mark>``, so untrusted text
never reaches the page as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any


@dataclass(frozen=True)
class Segment:
    text: str
    kinds: tuple[str, ...] = ()
    note: str = ""


def _find(text: str, needle: str) -> tuple[int, int] | None:
    if not needle:
        return None
    at = text.find(needle)
    return (at, at + len(needle)) if at >= 0 else None


def spans(text: str, statistics: Sequence[Mapping[str, Any]], stances: Sequence[Mapping[str, Any]],
          claims: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, note) for each extracted item that can be located in ``text``."""
    out: list[tuple[int, int, str, str]] = []
    for s in statistics:
        start, end = int(s.get("start") or 0), int(s.get("end") or 0)
        note = f"{s.get('metric_key') or 'statistic'}: {s.get('value')}{s.get('unit') or ''}"
        if 0 <= start < end <= len(text) and any(ch.isdigit() for ch in text[start:end]):
            out.append((start, end, "stat", note))
        else:
            found = _find(text, str(s.get("sentence") or ""))
            if found:
                out.append((*found, "stat", note))
    for s in stances:
        found = _find(text, str(s.get("sentence") or ""))
        if found:
            out.append((*found, f"stance stance-{s.get('position')}", f"{s.get('actor')}: {s.get('position')}"))
    for c in claims:
        found = _find(text, str(c.get("sentence") or ""))
        if found:
            out.append((*found, "claim", f"claim: {c.get('speaker') or ''}".strip()))
    return out


def segments(text: str, marks: Sequence[tuple[int, int, str, str]]) -> list[Segment]:
    """``text`` cut at every mark boundary; each piece carries the kinds covering it."""
    if not text:
        return []
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    out: list[Segment] = []
    for a, b in pairwise(cuts):
        if a >= b:
            continue
        covering = [m for m in marks if m[0] <= a and b <= m[1]]
        kinds = tuple(dict.fromkeys(k for m in covering for k in m[2].split()))
        out.append(Segment(text[a:b], kinds, "; ".join(dict.fromkeys(m[3] for m in covering))))
    return out
