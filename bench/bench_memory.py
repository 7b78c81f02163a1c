"""Worker resident memory while analysing N articles (extract_page + analyze), sampled every 500.

Cycles the 181 article-extraction-benchmark pages; RSS from /proc/self/status (VmRSS).
Prints the curve and the growth between article 2,000 and the last sample (flat = no leak).
Run: .venv/bin/python bench/bench_memory.py [--articles 10000] [--quick] [--json FILE]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
from pathlib import Path

from worker.extract.analyze import analyze
from worker.fetch.decode import decode_html
from worker.scrape.article import extract_page

PAGES = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "article-extraction-benchmark" / "html"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=500)
    parser.add_argument("--quick", action="store_true", help="2,000 articles, sampled every 250")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.quick:
        args.articles, args.every = 2_000, 250
    raw = [gzip.decompress(p.read_bytes()) for p in sorted(PAGES.glob("*.html.gz"))]
    curve: list[tuple[int, float]] = [(0, rss_mb())]
    for i in range(1, args.articles + 1):
        html, _ = decode_html(raw[i % len(raw)], "text/html")
        page = extract_page(html, url=f"http://bench.example/{i}")  # a new URL each time, as in production
        analyze(page.text, title=page.title, language=page.language)
        if i % args.every == 0:
            gc.collect()
            curve.append((i, rss_mb()))
    warm = min(2_000, args.articles // 5)
    base = next(mb for n, mb in curve if n >= warm)
    growth = (curve[-1][1] - base) / base * 100
    print(f"articles: {args.articles}, RSS sampled every {args.every}")
    for n, mb in curve:
        print(f"  {n:>6}  {mb:8.1f} MB")
    print(f"growth {warm} -> {args.articles}: {growth:+.1f}%  ({'flat' if abs(growth) < 5 else 'NOT flat'})")
    result = {"articles": args.articles, "curve_mb": curve, "warm_after": warm, "growth_pct": growth,
              "rss_start_mb": curve[0][1], "rss_end_mb": curve[-1][1]}
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
