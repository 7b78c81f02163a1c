"""Ranges: two numbers that state one quantity between two bounds, and the parts they share.

Rules, in order, for each pair of neighbouring mentions A, B:

  connector     only a dash, tilde, "to", 至, 到 between them ("80-90%", "80% to 90%",
                "two to four times", "10%至15%", "三到五成"), or "and"/与/和 after "between"/介于
                ("between 10 and 20 per cent", "介于80%至90%之间")
  from_to       "from 92% to 90%", "从5万吨增至…": two values, not a range; A still takes the
                unit it lacks from B ("from 5 to 10 million tonnes")
  compatible    the units agree, or one side has none (it takes the other's): "$58,000-60,000
                per tonne"; a number with a unit before a bare one joins only across a dash
                ("fell 24% to 5,000 tonnes" is a change then a level); a year before a unit
                never joins ("in 2024-25%" is no range)
  share         the side without a scale, currency, mass or per-mass takes the other's:
                "US$1.2-1.5bn", "AUD 1.7 to 1.8 billion", "10-15万吨"

The joined range is A with ``high`` = B.
"""

from __future__ import annotations

import re
from functools import lru_cache

from worker.extract.numbers.lexicon import Lexicon, alternation, lexicon
from worker.extract.numbers.model import Mention

__all__ = ["join_ranges", "share_parts"]


class _Patterns:
    def __init__(self, lex: Lexicon) -> None:
        links = lex.links

        def between(name: str) -> re.Pattern[str]:
            return re.compile(rf"[ \t]*(?:{alternation(links.get(name, ()))})[ \t]*")

        def before(name: str) -> re.Pattern[str]:
            return re.compile(rf"(?<![a-z])(?:{alternation(links.get(name, ()))})[ \t]*$")

        self.dash, self.to, self.conj = between("range_dash"), between("range_to"), between("range_and")
        self.between, self.from_ = before("range_between"), before("range_from")


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns(lexicon())


def _year_like(m: Mention, text: str) -> bool:
    raw = text[m.start : m.end]
    return m.bare and m.scale is None and raw.isdigit() and len(raw) == 4 and 1800 <= m.base <= 2100


def join_ranges(text: str, low: str, mentions: list[Mention]) -> list[Mention]:
    p = _patterns()
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        a = mentions[i]
        b = mentions[i + 1] if i + 1 < len(mentions) else None
        if b is not None and a.role is None and b.role is None and a.high is None:
            gap = low[a.end : b.start]
            before = low[max(0, a.start - 12) : a.start]
            short = len(gap) <= 12
            dash = short and p.dash.fullmatch(gap) is not None
            to = short and p.to.fullmatch(gap) is not None
            conj = short and not b.bare and p.conj.fullmatch(gap) is not None and p.between.search(before) is not None
            if (dash or to or conj) and p.from_.search(before):
                if a.bare and not _year_like(a, text) and not b.bare:
                    share_parts(b, a)
            elif (dash or to or conj) and _compatible(a, b, dash, text):
                share_parts(b, a)
                share_parts(a, b)
                a.high = b
                a.approx = a.approx or b.approx
                out.append(a)
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _compatible(a: Mention, b: Mention, dash: bool, text: str) -> bool:
    if "form" in a.tags and a.kind is not None and "scaled" not in a.tags:
        return False  # "two-thirds to …": a fraction is no bound
    if a.bare and b.bare:
        return True
    if a.bare:
        return not _year_like(a, text) and (a.scale is None or b.scale is None or a.scale == b.scale)
    if b.bare:
        # "$58,000-60,000", "AUD 1.7 to 1.8 billion"; not "fell 24% to 5,000"
        scaled = b.scale is not None and a.scale is None and a.currency is not None
        return (dash or scaled) and b.base >= a.base and not _year_like(b, text)
    if a.kind != b.kind:
        return False
    if a.currency is not None and b.currency is not None and a.currency != b.currency:
        return False
    return a.mass == b.mass or a.mass is None or b.mass is None


def share_parts(src: Mention, dst: Mention, *, header: bool = False) -> None:
    """Give ``dst`` the unit parts it lacks and ``src`` has. A scale goes only to a number of the
    same order ("from 5 to 3 million", not "from 900,000 to 1.2 million"), or from a header."""
    if dst.kind is None and src.kind is not None and src.kind != "measurement":
        dst.kind = src.kind
    if dst.currency is None and src.currency is not None:
        dst.currency = src.currency
        dst.money_factor = src.money_factor
    if dst.mass is None and src.mass is not None and dst.kind is None:
        dst.mass, dst.mass_factor = src.mass, src.mass_factor
    if dst.per_mass is None and src.per_mass is not None:
        dst.per_mass = src.per_mass
    same_order = header or (src.base > 0 and 0.01 <= dst.base / src.base <= 100)
    if dst.scale is None and src.scale is not None and "scaled" not in dst.tags and same_order:
        dst.scale = src.scale
