"""Characters that must not reach storage, alerts or pages: invisible controls in titles and texts.

A feed or page can carry bidi overrides (U+202E turns "slortnoc" into "controls" on screen, so an
alert could read differently from what it says), zero-width characters (they split "ex\u200bport"
so the vocabulary no longer matches), NUL (PostgreSQL refuses it in text columns) and other C0
controls (lxml refuses them). None of them is visible text: they are dropped before the text is
stored or analysed; tabs and newlines stay.
"""

from __future__ import annotations

import re

_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f"  # C0 controls (not \t \n \r) and DEL
    "\u200b-\u200f"  # zero-width space/non-joiner/joiner, LRM, RLM
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u2069"  # word joiner, invisible operators, bidi isolates
    "\ufeff\ufffe\uffff\ud800-\udfff]"  # BOM / zero-width no-break space, non-characters, lone surrogates
)


def visible(text: str) -> str:
    """``text`` without invisible control characters (see the module doc)."""
    return _INVISIBLE.sub("", text)


def visible_or_none(text: str | None) -> str | None:
    """:func:`visible` for optional fields; None when nothing visible is left."""
    if text is None:
        return None
    cleaned = visible(text).strip()
    return cleaned or None
