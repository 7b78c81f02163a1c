"""Write the statistics of one fold as ``{"id", "raw", "right"}`` lines: the confidence judge's raw
probability and whether the statistic is right in full. Run at the end of a round, on the fold the
round held out, it gives the honest calibration data of ``train_attribution.py --calibrate-on``.

    .venv/bin/python scripts/dump_heldout.py FOLD OUT.jsonl [GOLD.jsonl ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from worker.extract.analyze import analyze
from worker.extract.evaluate import _full_match, _greedy, load_jsonl
from worker.extract.folds import fold_of
from worker.extract.statistics import Traced, extract_statistics
from worker.extract.statistics.learned import default_model

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
fold, out = int(sys.argv[1]), sys.argv[2]
files = sys.argv[3:] or [str(SHARED / "dev.jsonl"), str(SHARED / "dev2.jsonl")]
model = default_model()
if model is None:
    raise SystemExit("no attribution weights in the package")
rows = []
for f in files:
    for g in load_jsonl(f):
        if fold_of(g['id']) != fold:
            continue
        a = analyze(g['text'], title=g.get('title'))
        if not a.relevant:
            continue
        trace: list[Traced] = []
        stats = [s.to_dict() for s in extract_statistics(g['text'], language=a.language, trace=trace, on_topic=True)]
        right = set(_greedy(g.get('statistics') or [], stats, _full_match).values())
        for t in trace:
            raw = model.confidence.raw(t.evidence)
            for i in range(t.first, t.first + t.count):
                rows.append({'id': g['id'], 'raw': raw, 'right': i in right})
with open(out, 'w') as fh:
    for r in rows:
        fh.write(json.dumps(r) + '\n')
print(len(rows), sum(r['right'] for r in rows))
