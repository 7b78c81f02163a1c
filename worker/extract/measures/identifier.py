"""Announcement identifiers, normalised so every spelling of one announcement is one key.

- MOFCOM (and joint MOFCOM–GACC) announcements: "商务部公告2025年第61号", "商务部 海关总署公告
  2025年第58号", "2025年第61号公告", "第61号公告", "MOFCOM Announcement No. 61 of 2025",
  "Announcement No 61", "Announcement [2025] No. 61" → ``mofcom-2025-61``. A number given
  without its year takes the year from the sentence's dates, else from the passage (see
  ``complete``); a GACC-only announcement ("海关总署公告") is ``gacc-…``.
- Federal Register citations: "90 FR 12345" → ``fr-90-12345``.
- EU acts: "Regulation (EU) 2021/821", "EU Regulation 2021/821" → ``eu-2021-821``.

The sentence must be the prepared form (half-width digits, Simplified Chinese).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Identifier", "complete", "find_identifiers"]

_ZH_FULL = re.compile(
    r"(?:(?P<who>海关总署|商务部)[^,，。;；:：、]{0,6}?)?公告\s*(?P<year>(?:19|20)\d\d)\s*年?\s*第\s*(?P<no>\d{1,4})\s*号"
    r"|(?P<year2>(?:19|20)\d\d)\s*年\s*第\s*(?P<no2>\d{1,4})\s*号(?=[^,，。;；]{0,40}?公告)"
    r"|第\s*(?P<no3>\d{1,4})\s*号\s*公告|(?<![\d第])(?P<no4>\d{1,4})\s*号公告")
_EN_ANN = re.compile(
    r"\b(?:(?P<who>MOFCOM|GACC)\s+)?Announcement\s+(?:\[(?P<year0>(?:19|20)\d\d)\]\s*)?(?:No\.?\s*)?(?P<no>\d{1,4})\b"
    r"(?:\s+of\s+(?P<year>(?:19|20)\d\d)\b|\s*\((?P<year2>(?:19|20)\d\d)\))?")
_FR = re.compile(r"\b(?P<vol>\d{2,3})\s+FR\s+(?P<page>\d{3,6})\b")
_EU = re.compile(r"\b(?:Regulation|Decision|Directive)\s+(?:\((?:EU|EC)\)\s*)?(?:No\.?\s*)?"
                 r"(?P<year>(?:19|20)\d\d)/(?P<no>\d{1,5})\b"
                 r"|\bEU\s+Regulation\s+(?P<year2>(?:19|20)\d\d)/(?P<no2>\d{1,5})\b")


@dataclass(frozen=True)
class Identifier:
    """One identifier: its issuer part, year (``None`` until known) and number, and its span."""

    scheme: str  # mofcom | gacc | fr | eu
    year: int | None
    number: str
    start: int
    end: int

    @property
    def key(self) -> str:
        """``mofcom-2025-61``, ``fr-90-12345``, ``eu-2021-821``; ``mofcom-?-61`` while the year is unknown."""
        if self.scheme == "fr":
            return f"fr-{self.number}"
        return f"{self.scheme}-{self.year if self.year is not None else '?'}-{self.number}"


def find_identifiers(text: str) -> list[Identifier]:
    """The identifiers in a prepared sentence, left to right."""
    out: list[Identifier] = []
    for m in _ZH_FULL.finditer(text):
        year = m.group("year") or m.group("year2")
        number = m.group("no") or m.group("no2") or m.group("no3") or m.group("no4")
        # a joint MOFCOM–GACC announcement is numbered in MOFCOM's series
        gacc_only = m.group("who") == "海关总署" and "商务部" not in text[max(0, m.start() - 10) : m.start()]
        scheme = "gacc" if gacc_only else "mofcom"
        out.append(Identifier(scheme, int(year) if year else None, str(int(number)), m.start(), m.end()))
    for m in _EN_ANN.finditer(text):
        year = m.group("year0") or m.group("year") or m.group("year2")
        scheme = "gacc" if m.group("who") == "GACC" else "mofcom"
        out.append(Identifier(scheme, int(year) if year else None, str(int(m.group("no"))), m.start(), m.end()))
    for m in _FR.finditer(text):
        out.append(Identifier("fr", None, f"{m.group('vol')}-{m.group('page')}", m.start(), m.end()))
    for m in _EU.finditer(text):
        year = m.group("year") or m.group("year2")
        number = m.group("no") or m.group("no2")
        out.append(Identifier("eu", int(year), str(int(number)), m.start(), m.end()))
    return sorted(out, key=lambda i: i.start)


def complete(ident: Identifier, years: list[int]) -> Identifier:
    """The identifier with its year filled from ``years`` (the candidates, best first) when it lacks one."""
    if ident.year is not None or ident.scheme == "fr" or not years:
        return ident
    return Identifier(ident.scheme, years[0], ident.number, ident.start, ident.end)
