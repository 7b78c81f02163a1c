"""Tuning aid: per-language quantity/full P/R/F1 of extract_statistics on a gold jsonl.

    .venv/bin/python bench/score_statistics.py [../shared/eval/dev.jsonl] [-v]

Matching per passage, greedy one-to-one: value within 0.5% relative (value_high too when
gold has one is NOT required: SCHEMA scores value, unit, approx), unit and approx equal for
"quantity"; plus subject, material, measure for "full". -v prints misses and false hits.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from worker.extract.statistics import extract_statistics


def _close(a: float, b: float) -> bool:
    if a == b:
        return True
    return abs(a - b) <= 0.005 * max(abs(a), abs(b))


def _qty(p: dict[str, Any], g: dict[str, Any]) -> bool:
    return (
        _close(float(p["value"]), float(g["value"]))
        and p["unit"] == g["unit"]
        and bool(p["approx"]) == bool(g.get("approx", False))
    )


def _full(p: dict[str, Any], g: dict[str, Any]) -> bool:
    return _qty(p, g) and all(p.get(k) == g.get(k) for k in ("subject", "material", "measure"))


def _match(
    pred: list[dict[str, Any]], gold: list[dict[str, Any]], ok: Any
) -> tuple[int, list[int], list[int]]:
    used: set[int] = set()
    hits = 0
    unmatched_pred = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            if j not in used and ok(p, g):
                used.add(j)
                hits += 1
                break
        else:
            unmatched_pred.append(i)
    return hits, unmatched_pred, [j for j in range(len(gold)) if j not in used]


def _show(s: dict[str, Any]) -> str:
    keys = f"{s.get('subject')}/{s.get('material')}/{s.get('measure')}"
    return f"{s['value']} {s['unit']} approx={s.get('approx', False)} {keys}"


def _show(s: dict[str, Any]) -> str:
    keys = f"{s.get('subject')}/{s.get('material')}/{s.get('measure')}"
    return f"{s['value']} {s['unit']} approx={s.get('approx', False)} {keys}"


def _prf(tp: int, np_: int, ng: int) -> str:
    p = tp / np_ if np_ else 1.0
    r = tp / ng if ng else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P={p:.3f} R={r:.3f} F1={f:.3f} (tp={tp} pred={np_} gold={ng})"


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose = "-v" in sys.argv
    path = Path(args[0] if args else "../shared/eval/dev.jsonl")
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # qty tp, full tp, pred, gold
    elapsed = 0.0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        lang = "en" if doc["lang"] == "en" else "zh"
        t0 = time.perf_counter()
        stats = extract_statistics(doc["text"])
        elapsed += time.perf_counter() - t0
        pred = [s.to_dict() for s in stats]
        gold = doc.get("statistics", [])
        q_tp, q_fp, q_fn = _match(pred, gold, _qty)
        f_tp, f_fp, f_fn = _match(pred, gold, _full)
        c = counts[lang]
        c[0] += q_tp
        c[1] += f_tp
        c[2] += len(pred)
        c[3] += len(gold)
        if verbose and (q_fp or q_fn or f_fp or f_fn):
            print(f"== {doc['id']} ({doc['lang']})")
            for i in q_fp:
                p = pred[i]
                span = doc["text"][p["start"] : p["end"]]
                print(f"  FALSE  {_show(p)}  «{span}» in: {p['sentence'][:110]}")
            for j in q_fn:
                print(f"  MISS   {_show(gold[j])}")
            for j in f_fn:
                if j not in q_fn:
                    print(f"  WRONG  gold {_show(gold[j])}")
            for i in f_fp:
                if i not in q_fp:
                    p = pred[i]
                    print(f"         pred {_show(p)}  «{doc['text'][p['start'] : p['end']]}»")
    for lang in sorted(counts):
        q_tp, f_tp, np_, ng = counts[lang]
        print(f"{lang}: quantity {_prf(q_tp, np_, ng)}")
        print(f"{lang}: full     {_prf(f_tp, np_, ng)}")
    print(f"extract_statistics time: {elapsed * 1000:.1f} ms total")


if __name__ == "__main__":
    main()
