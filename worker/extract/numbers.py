"""Number expressions: find them in text and normalise them to SCHEMA units.

Pure parsing, no topic knowledge: ``find_quantities`` returns every number-like expression
with its value (scale words applied: "US$1.2bn" → 1.2e9 usd, "9.2万吨" → 92000 tonnes,
"900 pounds" → 408.23 kg), an optional upper bound for ranges ("80-90%"), the SCHEMA unit
(``None`` for a bare number such as a year or "seven"), and whether the form itself is
approximate (fractions, "七成", "~"). Whether a number is a *statistic* (and its hedges,
sign, subject...) is decided by ``worker.extract.statistics`` from the sentence around it.

The input must be the matcher form of the text (``vocab.prepare``: half-width, Simplified
Chinese): both transforms are length-stable, so the spans are spans into the original text.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, insort
from dataclasses import dataclass

__all__ = ["Quantity", "find_quantities", "parse_chinese_numeral", "parse_number"]

POUND_KG = 0.45359237


@dataclass(frozen=True)
class Quantity:
    """One number expression. ``unit`` is a SCHEMA unit, or ``None`` for a bare number."""

    value: float
    unit: str | None
    start: int
    end: int
    value_high: float | None = None
    approx: bool = False
    word: bool = False  # written as a word ("seven", "三") rather than digits
    text: str = ""


# ----------------------------------------------------------------------------- scalars

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}


def parse_chinese_numeral(s: str) -> float | None:
    """``"九"`` → 9, ``"十五"`` → 15, ``"一千二百万"`` → 12e6; ``None`` if not a numeral."""
    if not s or any(ch not in _CN_DIGITS and ch not in _CN_SMALL and ch not in _CN_BIG for ch in s):
        return None
    total = 0.0
    section = 0.0
    num = 0.0
    for ch in s:
        if ch in _CN_DIGITS:
            num = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (num if num else 1) * _CN_SMALL[ch]
            num = 0
        else:
            section += num
            num = 0
            if _CN_BIG[ch] == 100_000_000:
                total = (total + section) * 100_000_000
            else:
                total += section * 10_000
            section = 0
    return total + section + num


_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip

_SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "万": 1e4, "亿": 1e8, "千": 1e3, "万亿": 1e12,
    "百万": 1e6, "千万": 1e7,
}  # fmt: skip


def parse_number(s: str) -> float | None:
    """Arabic (``"1,720"``, ``"8.63"``), Chinese (``"九"``) or word (``"seven"``) number → float."""
    s = s.strip()
    if not s:
        return None
    plain = s.replace(",", "")
    try:
        return float(plain)
    except ValueError:
        pass
    if s.lower() in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[s.lower()])
    return parse_chinese_numeral(s)


# ----------------------------------------------------------------------------- patterns

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千万亿]+"
_SCALE = (
    r"(?:\s?(?P<{g}>thousand|million|billion|trillion|mln|mn|bn|tn)\b"
    r"|(?P<{g}c>万亿|百万|千万|万|亿)"
    r"|(?P<{g}s>[kKmMbB])(?![A-Za-z]))"
)
_CUR_PREFIX = r"(?P<cur>US\$|USD\s?|U\.S\.\s?\$|A\$|AU\$|C\$|CA\$|HK\$|\$|€|EUR\s?|£|RMB\s?|Rmb\s?|CNY\s?|¥)"
_PER_MASS = (
    r"(?P<per>\s?(?:/|per\s|a\s)\s?(?:metric\s)?(?:tonne|ton|mt|t)\b|\s?/\s?(?:tonne|ton|t)\b"
    r"|\s?(?:/|per\s|a\s)\s?(?:kilogram|kilo|kg)\b|\s?(?:/|per\s|a\s)\s?(?:pound|lb)\b"
    r"|\s?(?:/|per\s|an\s|a\s)\s?(?:ounce|oz|troy\sounce|pound|lb)\b"
    r"|每吨|/吨|每公吨|每公斤|/公斤|/千克|每千克|每盎司|/盎司)"
)
_CUR_SUFFIX = (
    r"(?P<curs>\s?(?:US\s)?dollars?\b|\s?usd\b|\s?USD\b|\s?yuan\b|\s?renminbi\b|\s?RMB\b|\s?euros?\b"
    r"|美元|人民币|元人民币|元|欧元|港元|日元)"
)
_MASS = (
    r"(?P<mass>\s?(?:metric\s)?(?:tonnes|tonne|tons|ton)\b|\s?(?:mt|t)\b(?!\s?/)|\s?(?:kt|kilotonnes|kilotons)\b"
    r"|\s?kgs?\b"
    r"|\s?kilograms?\b|\s?kilos\b|\s?(?:pounds|lbs?)\b|公吨|吨|公斤|千克)"
)
_PERCENT = (
    r"(?P<pct>\s?%|\s?percent\b|\s?per\s?cent\b|\s?pc\b|\s?pct\b)"
    r"|(?P<pp>\s?percentage[\s-]points?\b|\s?pp\b|\s?ppt\b|个百分点|百分点)"
)
_TIMES = r"(?P<times>倍|-fold\b|\s?fold\b|\s?times\b(?!\s+(?:a|per|each|every)\b))"

_SUFFIX_RE = re.compile(
    "(?:" + _SCALE.format(g="sc") + ")?"
    "(?P<more>多|余)?"  # "3000多吨", "60余万吨": more than, so approximate
    "(?:"
    + "|".join([_PERCENT, _PER_MASS.replace("(?P<per>", "(?P<per0>"), _MASS, _CUR_SUFFIX, _TIMES])
    + ")?"
    + "(?:"
    + _PER_MASS
    + ")?"
)

_CORE_RE = re.compile(
    r"(?<![A-Za-z0-9.,_/\-])"  # not inside a code (1E902, WO3, FY2026) or a longer number
    + r"(?:(?P<pre>"
    + _CUR_PREFIX[len("(?P<cur>") : -1]
    + r")|(?P<pct_pre>百分之)|(?P<per_pre>每吨|每公吨|每公斤|每千克|每盎司))?"
    + r"(?P<num>"
    + _NUM
    + r")"
    + r"(?P<range>\s?(?:%|percent|per\s?cent)?\s?(?:-|to|~|～|至|到)\s?(?:US\$|\$|€)?(?P<num2>"
    + _NUM
    + r"))?"
)

_CN_CORE_RE = re.compile(
    r"(?P<pct_pre>百分之)?(?P<num>" + _CN + r")(?:(?P<range>至|到|、)?(?P<num2>" + _CN + r"))?"
    r"(?P<unit>成|倍|吨|万吨|种|类|项|个)?"
)

# English number words, fractions and multipliers, matched in one pass over an ASCII-lower-cased
# copy of the text (a leading \b is much cheaper than a look-behind or IGNORECASE here);
# ``find_quantities`` also rejects a word glued to a hyphen ("non-one").
_EN_WORDS_RE = re.compile(
    r"\b(?:(?P<frac>(?P<n>one|a|two|three|four|an)[\s-](?P<d>thirds?|quarters?|fifths?|tenths?|half)(?![a-z]))"
    r"|(?P<half>half)(?=\s+(?:of|the|its|their|all)\b|[\s.,;])"
    r"|(?P<mult>doubled|doubling|double|twice|tripled|tripling|triple|treble|trebled|threefold|three-fold"
    r"|quadrupled|quadruple|fourfold|four-fold|fivefold|five-fold|tenfold|ten-fold)(?![a-z\-])"
    r"|(?P<w>" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")(?![a-z\-]))"
)
_CN_FRACTION_RE = re.compile(
    r"(?P<cnd>[一二三四五六七八九十百千万]+)分之(?P<cnn>[一二三四五六七八九十]+)|(?P<cnhalf>一半|半数|过半|逾半)"
)
_BY_BEFORE = re.compile(r"\bby\s+(?:about\s+|almost\s+|nearly\s+|more\s+than\s+|roughly\s+)?$")
_SLASH_FRACTION_RE = re.compile(
    r"(?<=约|近|超|逾|占|达|为|足|到|过)([1-9])/([2-9]|10)(?![\d/.])|(?<![\d/.])([1-9])/([2-9]|10)(?=的)"
)
_CN_ZERO_RE = re.compile(r"(?<=[为至归是])零(?![一二三四五六七八九十点])")
_CHENG_RE = re.compile(r"(?<![\d.])(\d{1,2})成(?![本员交立为功])")
_HAS_CJK = re.compile(r"[\u3400-\u9fff]")
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_DENOM = {
    "half": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5, "tenth": 10,
    "tenths": 10,
}  # fmt: skip
_NUMER = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4}

_MULT_VALUES = {
    "doubled": 2, "doubling": 2, "double": 2, "twice": 2, "tripled": 3, "tripling": 3, "triple": 3,
    "treble": 3, "trebled": 3, "threefold": 3, "three-fold": 3, "quadrupled": 4, "quadruple": 4,
    "fourfold": 4, "four-fold": 4, "fivefold": 5, "five-fold": 5, "tenfold": 10, "ten-fold": 10,
}  # fmt: skip

_CN_MULT = {"翻了一番": 2.0, "翻一番": 2.0, "翻番": 2.0, "翻倍": 2.0, "翻了两番": 4.0, "翻两番": 4.0}
_CN_MULT_RE = re.compile("|".join(sorted(_CN_MULT, key=len, reverse=True)))


# ----------------------------------------------------------------------------- scanning


def _scale(m: re.Match[str]) -> float:
    for g in ("sc", "scc"):
        v = m.group(g)
        if v:
            return _SCALES[v.lower()]
    short = m.group("scs")
    if short:
        return _SCALES[short.lower()]
    return 1.0


def _unit_from_suffix(
    sfx: re.Match[str], cur_prefix: str | None, per_prefix: str | None
) -> tuple[str | None, float]:
    """(unit, factor) from the suffix match and any prefix; ``factor`` converts the value."""
    if sfx.group("pct"):
        return "percent", 1.0
    if sfx.group("pp"):
        return "percentage_points", 1.0
    if sfx.group("times"):
        return "times", 1.0
    currency: str | None = None
    if cur_prefix:
        c = cur_prefix.strip().upper()
        currency = {"€": "eur", "EUR": "eur", "RMB": "cny", "CNY": "cny", "¥": "cny"}.get(c, "usd")
        if c in {"£", "A$", "AU$", "C$", "CA$", "HK$"}:
            currency = "other"
    cs = (sfx.group("curs") or "").strip().lower()
    if cs:
        if cs in {"dollar", "dollars", "us dollars", "usd", "美元"}:
            currency = "usd"
        elif cs in {"yuan", "renminbi", "rmb", "人民币", "元人民币", "元"}:
            currency = currency or "cny"
            if cs != "元":
                currency = "cny"
        elif cs in {"euro", "euros", "欧元"}:
            currency = "eur"
        else:
            currency = "other"
    per = (sfx.group("per") or sfx.group("per0") or per_prefix or "").strip().lower()
    if per and currency:
        if currency == "other":
            return "other", 1.0
        if any(k in per for k in ("kilo", "kg", "公斤", "千克")):
            return f"{currency}_per_kg", 1.0
        if any(k in per for k in ("ounce", "oz", "盎司")):
            return "other", 1.0  # precious-metal style quotes: no SCHEMA unit
        if any(k in per for k in ("pound", "lb")):
            return f"{currency}_per_kg", 1 / POUND_KG
        return f"{currency}_per_tonne", 1.0
    if currency:
        return currency, 1.0
    mass = (sfx.group("mass") or "").strip().lower()
    if mass:
        if mass in {"kg", "kgs", "kilogram", "kilograms", "kilos", "公斤", "千克"}:
            return "kg", 1.0
        if mass in {"pound", "pounds", "lb", "lbs"}:
            return "kg", POUND_KG
        if mass in {"kt", "kilotonnes", "kilotons"}:
            return "tonnes", 1000.0
        return "tonnes", 1.0
    return None, 1.0


def find_quantities(text: str) -> list[Quantity]:
    """Every number expression in ``text`` (matcher form), in text order, non-overlapping."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []  # the spans of ``found``, sorted: non-overlapping, so ends sorted too

    def free(s: int, e: int) -> bool:
        # only the last span starting before ``e`` can reach past ``s`` (a scan made long pages quadratic)
        i = bisect_left(taken, (e, -1))
        return i == 0 or taken[i - 1][1] <= s

    def add(q: Quantity) -> None:
        if free(q.start, q.end):
            found.append(q)
            insort(taken, (q.start, q.end))

    has_cjk = _HAS_CJK.search(text) is not None
    for m in _CORE_RE.finditer(text):
        for q in _core_quantities(text, m):
            add(q)

    # "7成", "9成以上"
    for m in _CHENG_RE.finditer(text) if has_cjk else ():
        n = float(m.group(1))
        if 0 < n <= 10:
            _replace_bare(found, taken, m.start(1), m.end(1))
            add(
                Quantity(
                    value=n * 10, unit="percent", start=m.start(), end=m.end(), approx=True, text=m.group(0)
                )
            )

    for m in _SLASH_FRACTION_RE.finditer(text) if has_cjk else ():
        # "约1/3的石墨出口": in Chinese text a small slash fraction is a share, not a date
        num, den = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        val = int(num) / int(den) * 100
        _replace_bare(found, taken, m.start(), m.start() + len(num))
        _replace_bare(found, taken, m.end() - len(den), m.end())
        add(
            Quantity(
                value=_round(val), unit="percent", start=m.start(), end=m.end(), approx=True, text=m.group(0)
            )
        )

    for m in _CN_FRACTION_RE.finditer(text) if has_cjk else ():
        if m.group("cnhalf"):
            val = 50.0
        else:
            d = parse_chinese_numeral(m.group("cnd"))
            n2 = parse_chinese_numeral(m.group("cnn"))
            if not d or n2 is None:
                continue
            val = n2 / d * 100
            if d == 100:  # 百分之六十一 is an exact percentage
                add(
                    Quantity(value=_round(val), unit="percent", start=m.start(), end=m.end(), text=m.group(0))
                )
                continue
        add(
            Quantity(
                value=_round(val), unit="percent", start=m.start(), end=m.end(), approx=True, text=m.group(0)
            )
        )

    low = text.translate(_ASCII_LOWER)
    for m in _EN_WORDS_RE.finditer(low):
        s0 = m.start()
        if s0 and ((low[s0 - 1].isalpha() and low[s0 - 1].isascii()) or low[s0 - 1] == "-"):
            continue  # inside a word: "someone", "anyone"
        if m.group("frac"):
            # "one-third of exports", "cut by a third"; not "a third country"
            if not (re.match(r"\s+of\b", low[m.end() : m.end() + 4]) or _BY_BEFORE.search(low, 0, s0)):
                continue
            val = _NUMER[m.group("n")] / _DENOM[m.group("d")] * 100
            add(
                Quantity(
                    value=_round(val), unit="percent", start=s0, end=m.end(), approx=True, text=m.group(0)
                )
            )
        elif m.group("half"):
            if re.search(r"(?:first|second|a|one)\s+$", low[max(0, s0 - 8) : s0]):
                continue  # "the first half of 2024" is a period; "a half" is read as a fraction above
            if not re.match(
                r"\s+(?:of|the|its|their|all)\b", low[m.end() : m.end() + 7]
            ) and not _BY_BEFORE.search(low, 0, s0):
                continue  # "by half", "by almost half"; a bare "half" elsewhere is not a number
            add(Quantity(value=50.0, unit="percent", start=s0, end=m.end(), approx=True, text=m.group(0)))
        elif m.group("mult"):
            times = _MULT_VALUES[m.group("mult")]
            add(Quantity(value=float(times), unit="times", start=s0, end=m.end(), word=True, text=m.group(0)))
        else:
            w = m.group("w")
            # "N times" with a word number
            tm = re.match(r"\s+times\b", low[m.end() : m.end() + 7])
            unit = "times" if tm and w != "one" else None
            end = m.end() + (len(tm.group(0)) if tm and unit else 0)
            add(
                Quantity(
                    value=float(_WORD_NUMBERS[w]), unit=unit, start=s0, end=end, word=True, text=text[s0:end]
                )
            )

    for m in _CN_CORE_RE.finditer(text) if has_cjk else ():
        unit_txt = m.group("unit") or ""
        pct = bool(m.group("pct_pre"))
        if not unit_txt and not pct:
            continue
        value = parse_chinese_numeral(m.group("num"))
        if value is None:
            continue
        if m.group("num2") and m.group("range") in {"至", "到"}:
            high = parse_chinese_numeral(m.group("num2"))
        elif m.group("num2"):
            continue
        else:
            high = None
        if pct:
            unit, mult, approx = "percent", 1.0, False
        elif unit_txt == "成":
            if value > 10:
                continue
            unit, mult, approx = "percent", 10.0, True
        elif unit_txt == "倍":
            unit, mult, approx = "times", 1.0, False
            if value == 1:  # "上涨一倍" is a doubling; nobody writes "one times"
                value = 2.0
        elif unit_txt in {"吨", "万吨"}:
            unit, mult, approx = "tonnes", (10_000.0 if unit_txt == "万吨" else 1.0), False
        else:  # 种/类/项/个: a bare count, the extractor decides
            unit, mult, approx = None, 1.0, False
            if value <= 1:  # "一种", "一类": an article, not a count
                continue
        end = m.end() if unit is not None else m.end("num2") if m.group("num2") else m.end("num")
        add(
            Quantity(
                value=value * mult,
                unit=unit,
                start=m.start(),
                end=end,
                value_high=high * mult if high is not None else None,
                approx=approx,
                word=True,
                text=text[m.start() : end],
            )
        )

    for m in _CN_MULT_RE.finditer(text) if has_cjk else ():
        add(
            Quantity(
                value=_CN_MULT[m.group(0)],
                unit="times",
                start=m.start(),
                end=m.end(),
                word=True,
                text=m.group(0),
            )
        )

    # "出口量均为零", "降至零": a nil quantity, its unit comes from the sentence
    for m in _CN_ZERO_RE.finditer(text) if has_cjk else ():
        add(Quantity(value=0.0, unit=None, start=m.start(), end=m.end(), word=True, text=m.group(0)))

    found.sort(key=lambda q: q.start)
    plausible = [q for q in found if _plausible(q.value) and (q.value_high is None or _plausible(q.value_high))]
    return _between_ranges(text, _share_list_units(text, _carry_price_units(text, plausible)))


# No trade or production figure comes near this in any unit (world GDP is ~1e14 dollars): a longer
# run of digits is hostile or garbled input ("999…9%" read as 1e302%), not a statistic to alert on.
_MAX_MAGNITUDE = 1e15


def _plausible(value: float) -> bool:
    return math.isfinite(value) and abs(value) < _MAX_MAGNITUDE


_PRICE_LINK = re.compile(
    r"\W*(?:up|down|rising|falling|rose|fell|climbing|dropping)?\s*"
    r"(?:from|against|compared with|versus|vs\.?|to|and|or)\s*$",
    re.IGNORECASE,
)


_LIST_LINK = re.compile(r"\s*(?:,|、|和|与|及|and|or|to)\s*(?:about\s+|around\s+)?$", re.IGNORECASE)


def _between_ranges(text: str, found: list[Quantity]) -> list[Quantity]:
    """ "between 80% and 90%", "介于80%至90%之间": one range, like "80-90%"."""
    out: list[Quantity] = []
    i = 0
    while i < len(found):
        q = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        if (
            nxt is not None
            and q.unit is not None
            and q.unit == nxt.unit
            and q.value_high is None
            and re.search(r"(?:\bbetween|介于)\s*$", text[max(0, q.start - 10) : q.start], re.IGNORECASE)
            and re.fullmatch(r"\s*(?:and|至|到|与|和)\s*", text[q.end : nxt.start], re.IGNORECASE)
        ):
            out.append(
                Quantity(
                    **{**q.__dict__, "value_high": nxt.value, "end": nxt.end, "text": text[q.start : nxt.end]}
                )
            )
            i += 2
            continue
        out.append(q)
        i += 1
    return out


def _share_list_units(text: str, found: list[Quantity]) -> list[Quantity]:
    """ "5.15 and 8.63 tonnes", "20, 30 and 40%": earlier members of a list take the last one's unit."""
    out = list(found)
    for i in range(len(out) - 2, -1, -1):
        q, nxt = out[i], out[i + 1]
        if q.unit is not None or q.word or nxt.unit in (None, "times"):
            continue
        if q.value == int(q.value) and 1800 <= q.value <= 2100:
            continue  # a year: "in 2024 and 5%"
        gap = text[q.end : nxt.start]
        if len(gap) <= 12 and _LIST_LINK.match(gap + " ") and not re.search(r"\d", gap):
            out[i] = Quantity(**{**q.__dict__, "unit": nxt.unit})
    return out


def _carry_price_units(text: str, found: list[Quantity]) -> list[Quantity]:
    """ "$1,000 per kilogram, up from $300": the bare amount is a price in the same unit."""
    out = list(found)
    for i in range(len(out)):
        q = out[i]
        if q.unit not in {"usd", "cny", "eur"}:
            continue
        for j in (i - 1, i + 1):
            if not 0 <= j < len(out):
                continue
            other = out[j]
            if not (other.unit or "").startswith(q.unit + "_per_"):
                continue
            lo, hi = (other.end, q.start) if j < i else (q.end, other.start)
            gap = text[lo:hi]
            forward = j < i and _PRICE_LINK.match(gap + " ")
            backward = j > i and re.fullmatch(r"\s*(?:to|and|or)\s*", gap)  # "$300 to $1,000/kg"
            comparable = (
                other.value > 0 and 0.01 <= q.value / other.value <= 100
            )  # not "$5 million and $60/kg"
            if len(gap) <= 30 and (forward or backward) and comparable:
                out[i] = Quantity(**{**q.__dict__, "unit": other.unit})
                break
    return out


def _core_quantities(text: str, m: re.Match[str]) -> list[Quantity]:
    """One quantity (or a range) from an Arabic-number match; two for "from X to Y"."""
    value = parse_number(m.group("num"))
    if value is None:
        return []
    high = parse_number(m.group("num2")) if m.group("num2") else None
    rng = m.group("range") or ""
    split = False
    if high is not None:
        connector_is_to = bool(re.search(r"\bto\b|至|到", rng))
        if connector_is_to and _is_from_to(text, m.start()):
            split = True  # "from 92% to 90%": two statistics, not a range
        elif connector_is_to:
            after2 = _SUFFIX_RE.match(text, m.end())
            first_unit = "%" in rng or "percent" in rng or "cent" in rng
            second_pct = after2 is not None and bool(after2.group("pct"))
            if first_unit != second_pct and first_unit:
                split = True  # "fell 24% to 5,000 tonnes": a change then a level
    end_core = m.end("num") if split else m.end()
    if split:
        high = None
        # the first number's own unit is inside the range group ("92%" of "92% to 90%")
        sfx = _SUFFIX_RE.match(text, m.end("num"))
    else:
        sfx = _SUFFIX_RE.match(text, end_core)
    assert sfx is not None  # the pattern can match the empty string
    scale = _scale(sfx)
    per_prefix = m.group("per_pre")
    unit, factor = _unit_from_suffix(sfx, m.group("pre"), per_prefix)
    end = max(sfx.end(), end_core)
    if m.group("pct_pre"):
        unit, factor = "percent", 1.0
    if per_prefix and "盎司" in per_prefix:
        unit = "other"
    elif per_prefix and unit in {"cny", "usd", "eur"}:
        unit = f"{unit}_per_kg" if ("公斤" in per_prefix or "千克" in per_prefix) else f"{unit}_per_tonne"
    if high is not None and unit is None and "%" in rng:
        unit = "percent"
    approx = text[max(0, m.start() - 1) : m.start()] == "~" or bool(sfx.group("more") and unit)
    s = m.start()
    out = [
        Quantity(
            value=_round(value * scale * factor),
            unit=unit,
            start=s,
            end=_trim_end(text, s, end),
            value_high=_round(high * scale * factor) if high is not None else None,
            approx=approx,
            text=text[s:end],
        )
    ]
    if split:
        m2 = _CORE_RE.match(
            text, m.start("num2") - (1 if text[m.start("num2") - 1 : m.start("num2")] == "$" else 0)
        )
        if m2 is not None:
            out.extend(_core_quantities(text, m2))
    return out


def _replace_bare(found: list[Quantity], taken: list[tuple[int, int]], s: int, e: int) -> None:
    """Drop a unit-less reading that a better one ("7成") replaces."""
    for i, q in enumerate(found):
        if q.start == s and q.end == e and q.unit is None:
            found.pop(i)
            taken.remove((s, e))
            return


def _is_from_to(text: str, start: int) -> bool:
    before = text[max(0, start - 12) : start].lower()
    return (
        bool(re.search(r"\bfrom\s*(?:us\$|\$|€)?$", before)) or before.endswith("从") or before.endswith("由")
    )


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _round(v: float) -> float:
    """Round away binary noise from scaling (9.2*1e4 → 92000.0) without losing real decimals."""
    return float(f"{v:.10g}")
