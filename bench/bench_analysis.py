"""Analysis throughput on the 181 pages of the article-extraction benchmark, beside trafilatura.

Prints, for the same pages in the same run (median of --runs rounds, each round running (a) to (d)
in turn):
  (a) trafilatura's extraction alone (bare_extraction, the options extract_page uses);
  (b) our whole per-article analysis: decode, text, relevance/statistics/stances/claims, dedup;
  (c) the extraction passes alone, forced on every page (statistics + stances + claims);
  (d) analyze() as the pipeline calls it: relevance first, the passes only on relevant pages.
Goals: (b)/(a) <= 1.25 (issue 9) and (c)/(a) < 0.25 (issue 4). Numbers, never asserts.
Run: .venv/bin/python bench/bench_analysis.py [--runs 3] [--quick] [--json FILE]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from worker.extract.analyze import analyze, warm_up
from worker.extract.claims import extract_claims
from worker.extract.stances import extract_stances
from worker.extract.statistics import extract_statistics
from worker.fetch.decode import decode_html
from worker.scrape.article import extract_page
from worker.scrape.dedup import content_hash, signature

PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "article-extraction-benchmark" / "html"


def timed(fns: list[Callable[[], None]], runs: int) -> list[float]:
    """Median seconds of each function over ``runs`` rounds; each round runs every function once,
    in turn, so load from other processes falls on all of them alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def main() -> dict[str, float]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one run")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.quick:
        args.runs = 1
    raw = [gzip.decompress(p.read_bytes()) for p in sorted(PAGES.glob("*.html.gz"))]
    htmls = [decode_html(b, "text/html")[0] for b in raw]
    texts = [extract_page(h, url=f"http://bench.example/{i}").text for i, h in enumerate(htmls)]
    warm_up()

    def trafilatura_alone() -> None:
        for i, h in enumerate(htmls):
            trafilatura.bare_extraction(h, url=f"http://bench.example/{i}", with_metadata=True,
                                        include_comments=False, include_tables=True, favor_precision=True,
                                        deduplicate=False)

    def whole() -> None:
        for i, b in enumerate(raw):
            html, _ = decode_html(b, "text/html")
            page = extract_page(html, url=f"http://bench.example/{i}")
            analyze(page.text, title=page.title, language=page.language)
            content_hash(page.text)
            signature(page.text)

    def passes() -> None:
        for t in texts:
            extract_statistics(t)
            extract_stances(t)
            extract_claims(t)

    def as_pipeline() -> None:  # analyze(): relevance first, the passes only on relevant articles
        for t in texts:
            analyze(t)

    a, b, c, d = timed([trafilatura_alone, whole, passes, as_pipeline], args.runs)
    n = len(raw)
    result = {"pages": n, "trafilatura_s": a, "whole_s": b, "passes_s": c,
              "trafilatura_docs_per_s": n / a, "whole_docs_per_s": n / b, "passes_docs_per_s": n / c,
              "whole_over_trafilatura": b / a, "passes_over_trafilatura": c / a,
              "analyze_s": d, "analyze_over_trafilatura": d / a}
    print(f"pages: {n}  (median of {args.runs} runs)")
    print(f"{'':34}{'seconds':>10}{'docs/s':>10}{'ratio':>8}")
    print(f"{'(a) trafilatura alone':34}{a:10.2f}{n / a:10.1f}{1:8.2f}")
    print(f"{'(b) our whole analysis':34}{b:10.2f}{n / b:10.1f}{b / a:8.2f}   goal <= 1.25")
    print(f"{'(c) statistics+stances+claims':34}{c:10.2f}{n / c:10.1f}{c / a:8.2f}   goal < 0.25 (forced)")
    print(f"{'(d) analyze() as the pipeline runs':34}{d:10.2f}{n / d:10.1f}{d / a:8.2f}   relevance-gated passes")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
