"""Learn the statistics confidence weights (worker/extract/data/attribution_model.json) from gold passages.

    .venv/bin/python scripts/train_attribution.py ../shared/eval/dev.jsonl ../shared/eval/dev2.jsonl \
        [--exclude-fold K] [--rerank] [--no-write]

For every number the rules keep, the extractor records its evidence (the chosen subject's and
material's candidate features, the measure's cues; ``worker.extract.statistics.confidence``);
each statistic is labelled right or wrong in full against the gold set, and a logistic model
(scikit-learn, L-BFGS: deterministic) learns the chance of being right. Its probabilities are
calibrated (isotonic) on predictions made for each fold by weights trained without that fold,
and the table of those held-out predictions by confidence band is printed: the calibration
table of docs/extraction.md.

``--exclude-fold K`` leaves fold K out of everything (the fold a round holds out).
``--rerank`` also runs the experiment of choosing subject, material and measure by learned
weights over the candidates instead of by the rules, and prints both accuracies per held-out
fold (the rules won; docs/extraction.md). Needs the dev extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker.extract.evaluate import _full_match, _greedy, _value_close, load_jsonl
from worker.extract.folds import DEFAULT_FOLDS, fold_of
from worker.extract.statistics import Traced, extract_statistics
from worker.extract.statistics.confidence import ConfidenceModel

OUT = Path(__file__).resolve().parents[1] / "worker" / "extract" / "data" / "attribution_model.json"
C = 0.1  # L2 strength (inverse): little data, many features
BANDS = (0.0, 0.5, 0.7, 0.8, 0.9, 1.01)


def judged(passages: Sequence[dict[str, Any]]) -> list[tuple[tuple[str, ...], bool]]:
    """(evidence, right in full) of every statistic the rules give on relevant ``passages``."""
    out = []
    for g in passages:
        if not g.get("relevant"):
            continue
        trace: list[Traced] = []
        stats = [s.to_dict() for s in extract_statistics(g["text"], rules_only=True, trace=trace)]
        right = set(_greedy(g.get("statistics") or [], stats, _full_match).values())
        for t in trace:
            out += [(t.evidence, i in right) for i in range(t.first, t.first + t.count)]
    return out


def _index(rows: Sequence[Sequence[str]]) -> dict[str, int]:
    names: dict[str, int] = {}
    for feats in rows:
        for f in feats:
            names.setdefault(f, len(names))
    return names


def _matrix(rows: Sequence[Sequence[str]], names: dict[str, int]) -> np.ndarray:
    x = np.zeros((len(rows), len(names)))
    for i, feats in enumerate(rows):
        for f in feats:
            j = names.get(f)
            if j is not None:
                x[i, j] = 1.0
    return x


def fit(examples: Sequence[tuple[tuple[str, ...], bool]]) -> ConfidenceModel:
    names = _index([f for f, _ in examples])
    lr = LogisticRegression(C=C, max_iter=5000)
    lr.fit(_matrix([f for f, _ in examples], names), [int(y) for _, y in examples])
    return ConfidenceModel({f: float(lr.coef_[0][j]) for f, j in names.items()}, float(lr.intercept_[0]))


def calibrate(points: Sequence[tuple[float, bool]]) -> tuple[tuple[float, float], ...]:
    """An isotonic map from raw probability to the share right, as (x, y) points."""
    iso = IsotonicRegression(y_min=0.02, y_max=0.98, out_of_bounds="clip")
    iso.fit(np.array([p for p, _ in points]), np.array([float(r) for _, r in points]))
    grid = sorted({0.0, 1.0, *(round(float(x), 4) for x in iso.X_thresholds_)})
    return tuple((x, float(iso.predict([x])[0])) for x in grid)


def table(points: Sequence[tuple[float, bool]]) -> str:
    lines = [f"{'confidence':>12}{'items':>8}{'right':>8}"]
    for lo, hi in pairwise(BANDS):
        band = [r for p, r in points if lo <= p < hi]
        if band:
            lines.append(f"{lo:>5.1f}-{min(hi, 1.0):<6.1f}{len(band):>8}{sum(band) / len(band):>8.2f}")
    high = [r for p, r in points if p >= 0.8]
    if high:
        lines.append(f"right at confidence >= 0.8: {sum(high) / len(high):.2f} ({len(high)} statistics)")
    return "\n".join(lines)


def rerank_experiment(gold: Sequence[dict[str, Any]], folds: Sequence[int]) -> None:
    """Per held-out fold: accuracy of the rules' subject/material vs learned re-ranking of the candidates."""
    def rows(passages: Sequence[dict[str, Any]]) -> dict[str, list[list[tuple[tuple[str, ...], bool, bool]]]]:
        out: dict[str, list[list[tuple[tuple[str, ...], bool, bool]]]] = {"subject": [], "material": []}
        for g in passages:
            if not g.get("relevant"):
                continue
            trace: list[Traced] = []
            stats = [s.to_dict() for s in extract_statistics(g["text"], rules_only=True, trace=trace)]
            pairs = _greedy(g.get("statistics") or [], stats, lambda p, q: _value_close(p.get("value"), q.get(
                "value")) and p.get("unit") == q.get("unit"))
            by_pred = {pi: g["statistics"][gi] for gi, pi in pairs.items()}
            for t in trace:
                gold_stat = by_pred.get(t.first)
                if gold_stat is None:
                    continue
                for kind, cands in (("subject", t.subjects), ("material", t.materials)):
                    want = gold_stat.get(kind)
                    if any(c.key == want for c in cands):
                        out[kind].append([(c.features, c.key == want, "rule" in c.features) for c in cands])
        return out

    for k in folds:
        train = rows([g for g in gold if fold_of(str(g["id"])) != k])
        test = rows([g for g in gold if fold_of(str(g["id"])) == k])
        line = [f"fold {k}:"]
        for kind in ("subject", "material"):
            flat = [(f, y) for group in train[kind] for f, y, _ in group]
            names = _index([f for f, _ in flat])
            x = _matrix([f for f, _ in flat], names)
            lr = LogisticRegression(C=0.5, max_iter=5000).fit(x, [y for _, y in flat])
            rule_right = learned_right = 0
            for group in test[kind]:
                scores = lr.decision_function(_matrix([f for f, _, _ in group], names))
                learned_right += group[int(np.argmax(scores))][1]
                rule_right += any(y and r for _, y, r in group)
            n = max(1, len(test[kind]))
            line.append(f"{kind} rules {rule_right / n:.3f} learned {learned_right / n:.3f} (n={n})")
        print("  ".join(line))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--exclude-fold", type=int, default=None)
    ap.add_argument("--rerank", action="store_true", help="also run the re-ranking experiment")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    gold = [g for f in args.files for g in load_jsonl(f)]
    gold = [g for g in gold if fold_of(str(g["id"])) != args.exclude_fold]
    folds = sorted({fold_of(str(g["id"])) for g in gold})
    print(f"{len(gold)} passages in folds {folds}")

    held_out: list[tuple[float, bool]] = []
    for k in folds:
        model = fit(judged([g for g in gold if fold_of(str(g["id"])) != k]))
        held_out += [(model.raw(f), y) for f, y in judged([g for g in gold if fold_of(str(g["id"])) == k])]
    print("held-out raw probabilities (weights trained without the fold):")
    print(table(held_out))
    calibration = calibrate(held_out)
    print("held-out after calibration (the map is fitted on these same points: an optimistic view):")
    print(table([(_interp(calibration, p), y) for p, y in held_out]))
    examples = judged(gold)
    print(f"statistics: {len(examples)} ({Counter(y for _, y in examples)[True]} right in full)")
    if args.rerank:
        rerank_experiment(gold, folds)
    model = fit(examples)
    model = ConfidenceModel(model.weights, model.bias, calibration)
    if not args.no_write:
        data = model.to_dict()
        data["trained_on"] = {"files": [f.name for f in args.files], "folds": folds, "folds_total": DEFAULT_FOLDS,
                              "passages": len(gold), "statistics": len(examples)}
        args.out.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


def _interp(points: Sequence[tuple[float, float]], raw: float) -> float:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return float(np.interp(raw, xs, ys))


if __name__ == "__main__":
    main()
