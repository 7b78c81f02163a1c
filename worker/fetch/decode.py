"""Bytes of a web page into text, without mojibake on Chinese (or any other) pages.

Order of evidence, as browsers use it: a byte-order mark, then the HTTP ``charset``, then
``<meta charset>`` / ``http-equiv`` / the XML declaration, then detection (charset-normalizer).
The BOM goes first because it cannot be wrong by accident, while headers and meta tags often
are: servers default to ISO-8859-1, CMSs copy templates declaring gb2312 onto Big5 pages.

So a declared label is *checked*, not trusted: it must decode strictly, and the text must not
look like mojibake (charset-normalizer's mess ratio) when detection finds a cleaner reading.
Labels are mapped the WHATWG way to the superset codec actually in use on the web: GBK/GB2312
→ gb18030, Big5 → big5hkscs, Shift_JIS → cp932, ISO-8859-1/ASCII → cp1252, EUC-KR → cp949.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "euc-cn": "gb18030", "euc_cn": "gb18030", "csgb2312": "gb18030", "gb_2312-80": "gb18030",
    "hz-gb-2312": "gb18030", "windows-936": "gb18030", "chinese": "gb18030",
    "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "x-x-big5": "big5hkscs", "cn-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "windows-31j": "cp932", "csshiftjis": "cp932",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "korean": "cp949",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
    "iso_8859-1": "cp1252", "l1": "cp1252",
    "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8", "x-unicode20utf8": "utf-8",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HTTP_CHARSET = re.compile(r"""charset\s*[=:]\s*["']?\s*([^\s"';,]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")
# A declared label is overruled only when its reading is this much messier than detection's.
_MESS_MARGIN = 0.05
_MESS_SUSPECT = 0.02


def normalize_label(label: str | None) -> str | None:
    """The Python codec to use for a charset label, or None when the label names no codec."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    key = _SUPERSETS.get(key, key)
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    name = _SUPERSETS.get(name, name)
    # Labels that are not text encodings (e.g. "base64", "rot13") are not charsets.
    if name in {"base64", "rot-13", "hex", "quopri", "uu", "zlib", "bz2"}:
        return None
    if name in {"utf-16", "utf-32"}:  # without a BOM a declared UTF-16 is almost always a lie
        return None
    return name


def charset_from_header(content_type_header: str | None) -> str | None:
    """The codec named by ``Content-Type: ...; charset=...``, if any."""
    if not content_type_header:
        return None
    match = _HTTP_CHARSET.search(content_type_header)
    return normalize_label(match.group(1)) if match else None


def charset_from_markup(content: bytes) -> str | None:
    """The codec named by ``<meta charset>``, ``http-equiv`` or ``<?xml encoding?>`` in the head."""
    head = content[:8192]
    for pattern in (_XML_DECL, _META_CHARSET):
        match = pattern.search(head)
        if match:
            label = normalize_label(match.group(1).decode("ascii", "ignore"))
            if label:
                return label
    return None


def _bom(content: bytes) -> tuple[str, int] | None:
    for mark, name in _BOMS:
        if content.startswith(mark):
            return name, len(mark)
    return None


def _mess(text: str) -> float:
    sample = _TAGS.sub(" ", text[:200_000])
    return float(mess_ratio(sample, maximum_threshold=1.0))


def _strict(content: bytes, encoding: str) -> str | None:
    try:
        return content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(content: bytes) -> tuple[str, str]:
    best = from_bytes(content[:500_000]).best()
    encoding = normalize_label(best.encoding) if best is not None else None
    if encoding is None:
        encoding = "utf-8"
    return content.decode(encoding, errors="replace"), encoding


def decode_html(content: bytes, content_type_header: str | None) -> tuple[str, str]:
    """Decode a page (or feed) to text; return ``(text, codec used)``.

    Never raises: when nothing fits, the detected (or UTF-8) reading with replacement
    characters is returned, which is still better than a wrong codec's mojibake.
    """
    bom = _bom(content)
    if bom:
        name, skip = bom
        return content[skip:].decode(name, errors="replace"), name
    if not content:
        return "", charset_from_header(content_type_header) or "utf-8"
    if not any(b >= 0x80 for b in content[:1_000_000]) and b"\0" not in content[:4096]:
        # Pure ASCII reads the same under every ASCII-compatible label.
        return content.decode("ascii", errors="replace"), charset_from_header(
            content_type_header) or charset_from_markup(content) or "ascii"
    detected: tuple[str, str] | None = None
    for label in (charset_from_header(content_type_header), charset_from_markup(content)):
        if label is None:
            continue
        text = _strict(content, label)
        if text is None or "\ufffd" in text:
            continue  # the label lies: the bytes are not in that encoding
        mess = _mess(text)
        if mess <= _MESS_SUSPECT:
            return text, label
        detected = detected or _detect(content)
        if detected[1] == label or mess <= _mess(detected[0]) + _MESS_MARGIN:
            return text, label
    if _strict(content, "utf-8") is not None:
        return content.decode("utf-8"), "utf-8"
    return detected or _detect(content)
