"""Tuning aid: are the statistics the extractor misses missed by number recognition, or dropped later?

    .venv/bin/python bench/number_recognition.py /work/folds/train_r1.jsonl [-v]

For every gold statistic, does ``find_quantities`` produce a Quantity with its value (the sign is
the statistics' decision: |value| is compared), its unit (a count or manufactured units: a bare
number; unit ``other``: a bare number whose role is a physical measurement, which a control rule
may state as a threshold) and its ``approx``? Then, for the gold statistics the whole extractor
misses in quantity ("number missed" in ``remon eval``): "recognition" when no such Quantity
exists, "scope" when it exists and statistics' scope rules (``_unit_of``, ``_counted_item``,
``_excluded``, relevance...) dropped it. Feed it only the passages you may read (folds 1-4).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import Any

from worker.extract.analyze import analyze
from worker.extract.error_classes import statistic_miss_class
from worker.extract.evaluate import VALUE_TOLERANCE
from worker.extract.numbers import Quantity, find_quantities
from worker.extract.vocab import prepare


def _close(a: float, b: float) -> bool:
    return a == b if b == 0 else abs(a - b) <= VALUE_TOLERANCE * abs(b)


def _unit_ok(q: Quantity, unit: str) -> bool:
    if unit in {"count", "units"}:
        return q.unit is None
    if unit == "other" and q.role == "measurement":
        return True
    return q.unit == unit


def _quantity_match(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    return (
        pred.get("value") is not None
        and _close(float(pred["value"]), float(gold["value"]))
        and pred.get("unit") == gold.get("unit")
        and bool(pred.get("approx")) == bool(gold.get("approx"))
    )


def main() -> None:
    paths = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose = "-v" in sys.argv
    found: Counter[tuple[str, str]] = Counter()
    missed: Counter[tuple[str, str]] = Counter()
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            passages = [json.loads(line) for line in fh if line.strip()]
        for g in passages:
            gold = list(g.get("statistics") or [])
            if not gold:
                continue
            lang = "zh" if str(g.get("lang", "")).startswith("zh") else "en"
            qs = find_quantities(prepare(g["text"]))
            preds = list(analyze(g["text"], title=g.get("title")).to_dict()["statistics"])
            used: set[int] = set()
            for gs in gold:
                value, unit, approx = abs(float(gs["value"])), str(gs["unit"]), bool(gs.get("approx"))
                at_value = [q for q in qs if _close(q.value, value)]
                with_unit = [q for q in at_value if _unit_ok(q, unit)]
                state = (
                    "ok"
                    if any(q.approx == approx for q in with_unit)
                    else "approx"
                    if with_unit
                    else ("unit" if at_value else "value")
                )
                found[(lang, state)] += 1
                hit = next((i for i, p in enumerate(preds) if i not in used and _quantity_match(p, gs)), None)
                if hit is not None:
                    used.add(hit)
                    continue
                loose = [p for i, p in enumerate(preds) if i not in used]
                if statistic_miss_class(gs, loose) != "number missed":
                    continue
                kind = "scope" if with_unit else "recognition"
                missed[(lang, kind)] += 1
                if verbose:
                    texts = [(q.text, q.unit, q.approx, q.role) for q in at_value][:3]
                    print(f"{g['id']:8} {lang} {kind:11} {'~' if approx else ''}{gs['value']:g} {unit}  found: {texts}")
    for lang in ("en", "zh"):
        total = sum(n for (lg, _), n in found.items() if lg == lang) or 1
        states = {s: n for (lg, s), n in found.items() if lg == lang}
        print(
            f"{lang}: gold statistics read by find_quantities {found[(lang, 'ok')] / total:.3f} {states}; "
            f"number missed: recognition {missed[(lang, 'recognition')]}, scope {missed[(lang, 'scope')]}"
        )


if __name__ == "__main__":
    main()
