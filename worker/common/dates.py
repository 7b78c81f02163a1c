"""Read the dates feeds and listing pages print, English or Chinese, into UTC datetimes.

Sources print dates every way there is (RFC 822, ISO 8601, ``2025年4月1日``, ``2025/04/01``,
``Apr 1, 2025``); the raw string is always kept beside the parsed value, so a date we cannot
read costs nothing but the sort order.
"""

from __future__ import annotations

import re
import time
import warnings
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

_CJK_DATE = re.compile(
    r"(?P<y>\d{4})\s*[年./-]\s*(?P<m>\d{1,2})\s*[月./-]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[T\s]*(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2}))?)?"
)


def to_utc(value: datetime) -> datetime:
    """A timezone-aware UTC datetime; naive values are taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def from_struct(value: time.struct_time | None) -> datetime | None:
    """feedparser's ``*_parsed`` (a UTC struct_time) as a datetime, or None."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def parse_date(raw: str | None) -> datetime | None:
    """Best-effort UTC datetime from a printed date; None when it does not read as one."""
    if not raw or not raw.strip():
        return None
    text = raw.strip()
    try:
        return to_utc(datetime.fromisoformat(text))
    except ValueError:
        pass
    match = _CJK_DATE.search(text)
    if match:
        try:
            return datetime(int(match["y"]), int(match["m"]), int(match["d"]), int(match["H"] or 0),
                            int(match["M"] or 0), int(match["S"] or 0), tzinfo=UTC)
        except ValueError:
            return None
    try:
        return to_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    try:
        with warnings.catch_warnings():  # unknown zone names ("IST") are read as UTC, quietly
            warnings.simplefilter("ignore")
            parsed = dateutil_parser.parse(text, fuzzy=True, default=datetime(1900, 1, 1))
    except (ValueError, OverflowError):
        return None
    if parsed.year == 1900:
        return None
    return to_utc(parsed)
