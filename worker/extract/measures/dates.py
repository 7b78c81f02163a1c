"""Dates in a sentence, resolved to ISO 8601 as precisely as the text gives them.

``find_dates`` returns every calendar expression of a prepared sentence (English "October 9,
2025", "Oct. 9", "early April", "in 2023", "last August", "February last year"; Chinese
"2025年10月9日", "10月9日", "今年4月", "四月初", "2023年", "9日"); ``resolve`` turns one into
``2025-10-09`` / ``2025-10`` / ``2025`` using the article's published date for a missing year
(the year that puts the date closest to publication: "December 1" in an October article is this
December, "November 10" in a January article last November). Without a published date a date
that lacks its year stays as written, ``--12-01`` / ``--12``, and is flagged. Weekdays and
"yesterday" are not dates here: the text does not state them as dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from worker.extract.numbers import parse_chinese_numeral

__all__ = ["Published", "RawDate", "combine", "find_dates", "parse_published", "resolve"]

Published = tuple[int, int, int]
"""A publication date as (year, month, day); a partial one ("2019-06") takes day 15 / month 6."""

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_MON = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|march|(?-i:Mar)|apr(?:il)?|(?-i:May)|june?|july?|aug(?:ust)?"
        r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
_YEAR = r"(?P<year>(?:19|20)\d\d)\b(?![-/]\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b"
_PART = r"(?:(?P<part>early|mid|late|the beginning of|the start of|the end of|beginning of|start of|end of)[\s-]+)"
_PREP = r"(?:in|since|from|until|till|by|through|during|of|before|after|on|and|or|last|this)"
_EN = [re.compile(p, re.IGNORECASE) for p in (
    rf"\b{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?",
    rf"\b{_DAY}\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR})?",
    rf"\b{_PART}?{_MON}\s+(?:{_YEAR}|(?P<rel>last|this|next)\s+year\b)",
    rf"\b(?P<lastm>last|this|next)\s+{_MON}(?!\s+\d)",
    rf"\b{_PREP}\s+(?P<at>{_PART}?{_MON}(?!\s*\d))",
    rf"\b{_PART}{_MON}(?!\s*\d)",
    rf"\b{_MON}(?='s\b)",
    rf"\b{_PREP}\s+(?P<at>{_PART}?{_YEAR})",
    rf"\b{_PART}{_YEAR}",
    rf"\b{_YEAR}(?:'s)?(?=\s+(?:[\w-]+\s+){{0,3}}?(?:export\s+)?(?:controls|curbs|restrictions|measures|embargo|ban)\b)",
)]
_CN = r"[一二三四五六七八九十〇零两]{1,3}"
_ZH = [re.compile(p) for p in (
    rf"(?P<year>\d{{4}})\s*年\s*(?P<mon>\d{{1,2}}|{_CN})\s*月\s*(?P<day>\d{{1,2}}|{_CN})\s*[日号]",
    rf"(?:(?P<rel>今年|去年|明年|本年)|(?<![\d年]))(?P<mon>\d{{1,2}}|{_CN})\s*月\s*(?P<day>\d{{1,2}}|{_CN})\s*[日号]",
    rf"(?P<year>\d{{4}})\s*年\s*(?P<mon>\d{{1,2}}|{_CN})\s*月(?P<part>初|底|中旬|上旬|下旬|中)?",
    rf"(?P<rel>今年|去年|明年|本年)(?P<mon>\d{{1,2}}|{_CN})\s*月(?P<part>初|底|中旬|上旬|下旬|中)?",
    r"(?<![\d个第至到、年])(?P<mon>\d{1,2}|(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,2})\s*月(?P<part>初|底|中旬|上旬|下旬)?(?![份]?\s*\d|个)",
    r"(?P<year>\d{4})\s*年(?!\s*(?:第|度|代|以来|前后|\d))",
    r"(?P<rel>去年|今年|明年)(?![\d一二三四五六七八九十]{1,2}\s*月)",
    r"(?<![\d月年第])(?P<day>[0-3]?\d)\s*日(?![本元圆])",
)]


@dataclass(frozen=True)
class RawDate:
    """A date expression: what the text gives (``None`` where it gives nothing) and its span."""

    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    rel_year: int | None = None  # -1 last year, 0 this year, 1 next year
    last_month: bool = False  # "last August": the latest such month before publication


def parse_published(value: date | datetime | str | None) -> Published | None:
    """``2025-10-09`` / ``2019-06`` / a date or datetime → (year, month, day); else ``None``."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.year, value.month, value.day
    m = re.match(r"\s*((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?", str(value))
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or 6), int(m.group(3) or 15)


def _num(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    v = parse_chinese_numeral(s)
    return int(v) if v is not None else None


def _month(name: str) -> int:
    return _MONTHS[name.lower()[:3]]


_DATELINE = re.compile(r"\s*(?:电|訊|讯|\((?:Reuters|AP|AFP|Xinhua|Bloomberg|Kyodo)\))", re.IGNORECASE)


def find_dates(text: str, *, chinese: bool) -> list[RawDate]:
    """Every date expression of a prepared sentence, left to right, longest first where they overlap.

    A news agency's dateline ("北京10月9日电", "BEIJING, Sept 17 (Reuters)") dates the report, not an act.
    """
    found: list[RawDate] = []
    taken: list[tuple[int, int]] = []
    for rx in (_ZH if chinese else _EN):
        for m in rx.finditer(text):
            s, e = m.span("at") if "at" in rx.groupindex and m.group("at") else m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            raw = _raw(m, chinese)
            if raw is not None and not _DATELINE.match(text, raw.end):
                found.append(raw)
                taken.append((s, e))
    return sorted(found, key=lambda r: r.start)


def _raw(m: re.Match[str], chinese: bool) -> RawDate | None:
    groups = m.groupdict()
    year = _num(groups.get("year"))
    day = _num(groups.get("day"))
    mon_text = groups.get("mon")
    month = (_num(mon_text) if chinese else _month(mon_text)) if mon_text else None
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    rel = groups.get("rel")
    rel_year = {"去年": -1, "今年": 0, "本年": 0, "明年": 1, "last": -1, "this": 0, "next": 1}.get(
        (rel or "").lower()) if rel else None
    lastm = (groups.get("lastm") or "").lower()
    if lastm in ("this", "next"):
        rel_year = 0 if lastm == "this" else 1
    if year is not None and not 1900 <= year <= 2099:
        return None
    s, e = m.span("at") if groups.get("at") else m.span()
    return RawDate(s, e, year, month, day, rel_year, lastm == "last")


def resolve(raw: RawDate, published: Published | None, *, past: bool = False) -> tuple[str, bool] | None:
    """The ISO value of a date and whether it stays as written (no year known); ``None`` if unusable.

    ``past``: the date is of something already done (an announcement): a missing year is the one
    that puts it on or before publication, not merely the closest one.
    """
    year = raw.year
    if year is None and published is not None:
        if raw.rel_year is not None:
            year = published[0] + raw.rel_year
        elif raw.last_month and raw.month is not None:
            year = published[0] if raw.month < published[1] else published[0] - 1
        elif raw.month is not None and past:
            year = published[0] if (raw.month, raw.day or 1) <= published[1:] else published[0] - 1
        elif raw.month is not None:
            year = _closest_year(raw.month, raw.day or 15, published)
        elif raw.day is not None:  # Chinese "9日": this month, or last month if the day is still to come
            y, mth = published[0], published[1]
            if raw.day > published[2]:
                y, mth = (y, mth - 1) if mth > 1 else (y - 1, 12)
            return f"{y:04d}-{mth:02d}-{raw.day:02d}", False
    if year is None:
        if raw.month is None:
            return None
        return (f"--{raw.month:02d}-{raw.day:02d}" if raw.day else f"--{raw.month:02d}"), True
    if raw.month is None:
        return f"{year:04d}", False
    if raw.day is None:
        return f"{year:04d}-{raw.month:02d}", False
    return f"{year:04d}-{raw.month:02d}-{raw.day:02d}", False


def _closest_year(month: int, day: int, published: Published) -> int:
    """The year putting the date nearest publication, news being mostly about the past: a future
    date wins only when it is less than half as far ("from December 1" in October is this
    December; "自四月初起" in October is this April, not next)."""
    pub = date(*published)
    past = future = None
    for y in (published[0] - 1, published[0], published[0] + 1):
        when = date(y, month, min(day, 28))
        gap = (when - pub).days
        if gap <= 0 and (past is None or -gap < past[1]):
            past = (y, -gap)
        elif gap > 0 and (future is None or gap < future[1]):
            future = (y, gap)
    if future is not None and (past is None or 2 * future[1] < past[1]):
        return future[0]
    return past[0] if past is not None else published[0]


def _parts(value: str) -> tuple[int | None, int | None, int | None]:
    if value.startswith("--"):
        bits = value[2:].split("-")
        return None, int(bits[0]), int(bits[1]) if len(bits) > 1 else None
    bits = value.split("-")
    return int(bits[0]), int(bits[1]) if len(bits) > 1 else None, int(bits[2]) if len(bits) > 2 else None


def combine(a: str | None, b: str | None) -> str | bool | None:
    """Two statements of one date: the more precise value when they agree, ``False`` when they conflict.

    ``--04-04`` and ``2025-04`` are ``2025-04-04``; ``2025-10`` and ``2025-10-09`` are ``2025-10-09``.
    """
    if a is None or b is None:
        return a if b is None else b
    pa, pb = _parts(a), _parts(b)
    out = []
    for x, y in zip(pa, pb, strict=True):
        if x is not None and y is not None and x != y:
            return False
        out.append(x if x is not None else y)
    year, month, day = out
    if year is None:
        return f"--{month:02d}-{day:02d}" if day else f"--{month:02d}"
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}-{day:02d}" if day else f"{year:04d}-{month:02d}"
