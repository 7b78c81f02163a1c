"""Number expressions: find them in text and normalise them to SCHEMA units.

Pure parsing, no topic knowledge: ``find_quantities`` returns every number-like expression
with its value (scale words applied: "US$1.2bn" → 1.2e9 usd, "9.2万吨" → 92000 tonnes,
"900 pounds" → 408.23 kg), an optional upper bound for ranges ("80-90%"), the SCHEMA unit
(``None`` for a bare number such as a year or "seven"), whether it is hedged (``approx``: the
form, "七成", "~", and the hedge words around it, "about", "超过", "以上"), what a bare number
counts ("seven elements") and why a number is not a quantity (a year, "No. 18", "14 nm").
Whether a number is a *statistic* (sign, subject, measure...) is decided by
``worker.extract.statistics`` from the sentence around it.

The input must be the matcher form of the text (``vocab.prepare``: half-width, Simplified
Chinese): both transforms are length-stable, so the spans are spans into the original text.

The package follows Recognizers-Text and Duckling: the words of each language are data
(``worker/extract/data/numbers/en.yaml``, ``zh.yaml``), read by one language-agnostic engine
(``engine``) whose stages are modules by decision: ``scalars`` (numerals), ``forms`` (fractions,
multipliers, 成), ``units``, ``ranges``, ``roles`` (roles and counts), ``carry`` (units stated
once), ``hedges``. Each module keeps an ordered table of named rules in its docstring, and
``tests/test_extract_numbers.py`` holds the examples of each.
"""

from worker.extract.numbers.engine import find_quantities
from worker.extract.numbers.hedges import hedge_words
from worker.extract.numbers.model import Quantity
from worker.extract.numbers.scalars import parse_chinese_numeral, parse_number

__all__ = ["Quantity", "find_quantities", "hedge_words", "parse_chinese_numeral", "parse_number"]
