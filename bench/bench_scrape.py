"""Benchmark: remon's article-text extraction (``extract_page``) vs trafilatura alone.

Runs both over the 181 pages of ``shared/datasets/article-extraction-benchmark`` and scores
them with the benchmark's own metric (re-implemented here from its description): 4-word
shingles of ``\\w+`` tokens, per-document TP/FP/FN normalised to sum 1, precision and recall
averaged over documents, F1 of the two averages. Prints both scores and the time of each.

    .venv/bin/python bench/bench_scrape.py [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.errors import ScrapeError  # noqa: E402
from worker.scrape.article import extract_page  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "article-extraction-benchmark"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum(p.values())) - tp
    fn = float(sum(t.values())) - tp
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(precision(*r) for r in rows if r[0] + r[1] > 0)
    r = statistics.mean(recall(*r) for r in rows if r[0] + r[2] > 0)
    return 2 * p * r / (p + r), p, r


def ours(html: str, url: str) -> str:
    try:
        return extract_page(html, url=url).text
    except ScrapeError:
        return ""


def trafilatura_alone(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def run(name: str, extractor: Callable[[str, str], str], pages: list[tuple[str, str, str]]) -> None:
    rows = []
    start = time.perf_counter()
    for html, url, truth in pages:
        rows.append(tp_fp_fn(truth, extractor(html, url)))
    elapsed = time.perf_counter() - start
    f1, p, r = score(rows)
    print(f"{name:<20} F1={f1:.4f}  precision={p:.4f}  recall={r:.4f}  time={elapsed:.1f}s "
          f"({1000 * elapsed / len(pages):.0f} ms/page)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    args = parser.parse_args()
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[: args.limit]:
        html = gzip.decompress((DATA / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        pages.append((html, truth[key].get("url") or "", truth[key].get("articleBody") or ""))
    print(f"{len(pages)} pages from {DATA}")
    run("trafilatura alone", trafilatura_alone, pages)
    run("remon extract_page", ours, pages)


if __name__ == "__main__":
    main()
