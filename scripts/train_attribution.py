"""Learn the attribution weights (worker/extract/data/attribution_model.json) from gold passages.

    .venv/bin/python scripts/train_attribution.py ../shared/eval/dev.jsonl ../shared/eval/dev2.jsonl \
        [--exclude-fold K] [--cv] [--out worker/extract/data/attribution_model.json]

For every number the rules keep, the extractor lists its candidate subjects, materials and
measures with their features (``worker.extract.statistics.candidates``); numbers are matched to
gold statistics by value and unit, and a logistic model per decision is fitted (scikit-learn,
L-BFGS: deterministic). The calibration map of the confidence is fitted (isotonic) on
predictions made for each fold by weights trained without it.

``--exclude-fold K`` leaves fold K out of everything (the fold a round holds out);
``--cv`` prints, for each remaining fold, the scores of the rules alone and of the rules plus
weights trained on the other folds: the honest comparison docs/extraction.md reports.
Needs the dev extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker.extract.analyze import analyze
from worker.extract.evaluate import _full_match, _greedy, _value_close, evaluate, load_jsonl
from worker.extract.folds import DEFAULT_FOLDS, fold_of
from worker.extract.statistics import Traced, extract_statistics
from worker.extract.statistics.attribution import AttributionModel, Classifier, Ranker
from worker.extract.statistics.candidates import unit_family

OUT = Path(__file__).resolve().parents[1] / "worker" / "extract" / "data" / "attribution_model.json"
C = 0.5  # L2 strength (inverse): small data, many features


def _same_number(p: dict[str, Any], g: dict[str, Any]) -> bool:
    return _value_close(p.get("value"), g.get("value")) and p.get("unit") == g.get("unit")


def examples(passages: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """Measure, subject and material examples from the numbers the rules keep, matched to gold."""
    out: dict[str, list[Any]] = {"measure": [], "subject": [], "material": [], "units": []}
    for g in passages:
        if not g.get("relevant"):
            continue
        trace: list[Traced] = []
        stats = [s.to_dict() for s in extract_statistics(g["text"], rules_only=True, trace=trace)]
        pairs = _greedy(g.get("statistics") or [], stats, _same_number)
        by_pred = {pi: g["statistics"][gi] for gi, pi in pairs.items()}
        for t in trace:
            gold = next((by_pred[i] for i in range(t.first, t.first + t.count) if i in by_pred), None)
            if gold is None:
                continue
            out["measure"].append((t.measure_features, gold.get("measure")))
            out["units"].append((unit_family(stats[t.first]["unit"]), gold.get("measure")))
            keys = [c.key for c in t.subjects]
            if gold.get("subject") in keys:
                out["subject"].append([(c.features, c.key == gold.get("subject")) for c in t.subjects])
            if t.count == 1 and gold.get("material") in [c.key for c in t.materials]:
                out["material"].append([(c.features, c.key == gold.get("material")) for c in t.materials])
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


def fit(ex: dict[str, list[Any]]) -> AttributionModel:
    """Three logistic models from the examples (no calibration yet)."""
    rows = [f for f, _ in ex["measure"]]
    labels = [str(m) for _, m in ex["measure"]]
    names = _index(rows)
    clf = LogisticRegression(C=C, max_iter=5000)
    clf.fit(_matrix(rows, names), labels)
    classes = tuple(str(c) for c in clf.classes_)
    coef = clf.coef_ if len(classes) > 2 else np.vstack([-clf.coef_[0], clf.coef_[0]])
    bias = clf.intercept_ if len(classes) > 2 else np.array([-clf.intercept_[0], clf.intercept_[0]])
    measure = Classifier(classes, {f: tuple(float(x) for x in coef[:, j]) for f, j in names.items()},
                         tuple(float(b) for b in bias))
    rankers = []
    for kind in ("subject", "material"):
        flat = [(f, y) for group in ex[kind] for f, y in group]
        names = _index([f for f, _ in flat])
        lr = LogisticRegression(C=C, max_iter=5000)
        lr.fit(_matrix([f for f, _ in flat], names), [int(y) for _, y in flat])
        rankers.append(Ranker({f: float(lr.coef_[0][j]) for f, j in names.items()}))
    allowed: dict[str, set[str]] = {}
    for fam, m in ex["units"]:
        allowed.setdefault(fam, set()).add(str(m))
    return AttributionModel(measure=measure, subject=rankers[0], material=rankers[1],
                            allowed={k: frozenset(v) for k, v in allowed.items()})


def predict(passages: Sequence[dict[str, Any]], model: AttributionModel | None) -> list[dict[str, Any]]:
    """``analyze`` of each passage, its statistics from ``model`` (None: the rules alone)."""
    out = []
    for g in passages:
        a = analyze(g["text"], title=g.get("title")).to_dict()
        if a["relevant"]:
            stats = extract_statistics(g["text"], language=a["language"], model=model, rules_only=model is None)
            a["statistics"] = [s.to_dict() for s in stats]
        out.append(a)
    return out


def raw_and_right(passages: Sequence[dict[str, Any]], model: AttributionModel) -> list[tuple[float, bool]]:
    """(raw probability, right in full) of every statistic the model gives on ``passages``."""
    pairs = []
    for g, a in zip(passages, predict(passages, model), strict=True):
        preds = a["statistics"]
        full = set(_greedy(g.get("statistics") or [], preds, _full_match).values())
        pairs += [(p["confidence"], i in full) for i, p in enumerate(preds)]
    return pairs


def calibrate(points: Sequence[tuple[float, bool]]) -> tuple[tuple[float, float], ...]:
    """An isotonic map from raw probability to the share right, as a few (x, y) points."""
    if len(points) < 20:
        return ()
    iso = IsotonicRegression(y_min=0.02, y_max=0.98, out_of_bounds="clip")
    xs = np.array([p for p, _ in points])
    iso.fit(xs, np.array([float(r) for _, r in points]))
    grid = sorted({0.0, 1.0, *(round(float(x), 3) for x in iso.X_thresholds_)})
    return tuple((x, float(iso.predict([x])[0])) for x in grid)


def scores(passages: Sequence[dict[str, Any]], predicted: Sequence[dict[str, Any]]) -> dict[str, float]:
    rep = evaluate(list(passages), list(predicted))
    out = {}
    for grp in ("en", "zh"):
        s = rep.groups[grp]
        out[f"{grp}_quantity"] = round(s.stats_quantity.f1, 3)
        out[f"{grp}_full"] = round(s.stats_full.f1, 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--exclude-fold", type=int, default=None)
    ap.add_argument("--cv", action="store_true", help="score each fold with weights trained on the others")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    gold = [g for f in args.files for g in load_jsonl(f)]
    gold = [g for g in gold if fold_of(str(g["id"])) != args.exclude_fold]
    folds = sorted({fold_of(str(g["id"])) for g in gold})
    by_fold = {k: [g for g in gold if fold_of(str(g["id"])) == k] for k in folds}
    print(f"{len(gold)} passages in folds {folds}", file=sys.stderr)

    held_out_points: list[tuple[float, bool]] = []
    for k in folds:
        train = [g for g in gold if fold_of(str(g["id"])) != k]
        model = fit(examples(train))
        held_out_points += raw_and_right(by_fold[k], model)
        if args.cv:
            rules = scores(by_fold[k], predict(by_fold[k], None))
            learned = scores(by_fold[k], predict(by_fold[k], model))
            print(f"fold {k}: rules {rules}")
            print(f"fold {k}: model {learned}")
    ex = examples(gold)
    print("examples:", {k: len(v) for k, v in ex.items()}, file=sys.stderr)
    model = fit(ex)
    model = AttributionModel(model.measure, model.subject, model.material, model.allowed,
                             calibrate(held_out_points))
    right = Counter(r for _, r in held_out_points)
    print(f"held-out statistics for calibration: {sum(right.values())} ({right[True]} right)", file=sys.stderr)
    if not args.no_write:
        data = model.to_dict()
        data["trained_on"] = {"files": [f.name for f in args.files], "folds": folds, "folds_total": DEFAULT_FOLDS,
                              "passages": len(gold)}
        args.out.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
