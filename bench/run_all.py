"""Run every benchmark, print one table, write bench/results/latest.json.

Run: .venv/bin/python bench/run_all.py [--quick] [--only analysis,polling,...]
Each benchmark runs in its own process (memory and timings do not leak between them).
Numbers only: nothing here fails because the machine is slow.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# name -> (script, full-size arguments, quick arguments)
BENCHES: dict[str, tuple[str, list[str], list[str]]] = {
    "analysis": ("bench_analysis.py", ["--runs", "3"], ["--runs", "1"]),
    "polling": ("bench_polling.py", ["--sources", "1000"], ["--quick"]),
    "polling_rtt": ("bench_polling.py", ["--sources", "300", "--delay-ms", "20"], ["--quick", "--delay-ms", "20"]),
    "latency": ("bench_latency.py", ["--items", "20"], ["--quick"]),
    "storage": ("bench_storage.py", [], ["--quick"]),
    "memory": ("bench_memory.py", ["--articles", "10000"], ["--quick"]),
}


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "0")
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_gib": round(int(mem) / 1024 / 1024, 1),
            "python": platform.python_version()}


def row(name: str, r: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(measure, value, baseline/ratio) lines for the table."""
    if name == "analysis":
        return [("(a) trafilatura alone", f"{r['trafilatura_docs_per_s']:.1f} docs/s", "baseline"),
                ("(b) whole analysis", f"{r['whole_docs_per_s']:.1f} docs/s",
                 f"{r['whole_over_trafilatura']:.2f}x time (goal <= 1.25)"),
                ("(c) extraction passes", f"{r['passes_docs_per_s']:.1f} docs/s",
                 f"{r['passes_over_trafilatura']:.2f}x time (goal < 0.25)"),
                ("(d) analyze() gated", f"{r['pages'] / r['analyze_s']:.1f} docs/s",
                 f"{r['analyze_over_trafilatura']:.2f}x time")]
    if name in ("polling", "polling_rtt"):
        where = f", server delay {r['delay_ms']:g} ms" if r.get("delay_ms") else ", loopback"
        return [(f"bare httpx.Client{where}", f"{r['bare_polls_per_s']:.1f} polls/s", "baseline"),
                (f"refresh_source ({r['sources']} sources{where})", f"{r['worker_polls_per_s']:.1f} polls/s",
                 f"{r['ratio']:.2f} of bare (goal >= 0.70)")]
    if name == "latency":
        out = []
        for broker, v in r["brokers"].items():
            if "p50_s" in v:
                out.append((f"latency {broker}: publish->alert", f"p50 {v['p50_s']:.2f} s, p95 {v['p95_s']:.2f} s",
                            f"{v['delivered']}/{v['items']} items, beat {r['beat_interval']} s, "
                            f"source interval {r['source_interval']} s"))
                out.append((f"latency {broker}: seen->alert", f"p50 {v['seen_p50_s']:.2f} s, "
                            f"p95 {v['seen_p95_s']:.2f} s", "from the poll that first sees the item"))
            else:
                out.append((f"alert latency, {broker}", "n/a", v.get("error", "")[:60]))
        return out
    if name == "storage":
        out = [("storage size", f"{r['articles']:,} articles", f"{r['statistics']:,} statistics")]
        for db in ("sqlite", "postgresql"):
            if db not in r:
                continue
            d = r[db]
            out.append((f"{db} insert (first {d.get('timed_articles', 0):,} articles)",
                        f"{d['articles_insert_rows_per_s']:.0f} art rows/s",
                        f"{d['statistics_insert_rows_per_s']:.0f} stat rows/s; whole load {d.get('load_s', 0):.0f} s"))
            for q, v in d["queries"].items():
                out.append((f"{db} {q}", f"p50 {v['p50_ms']:.1f} ms", f"p95 {v['p95_ms']:.1f} ms"))
        return out
    if name == "memory":
        return [("RSS start / end", f"{r['rss_start_mb']:.0f} / {r['rss_end_mb']:.0f} MB",
                 f"{r['articles']} articles"),
                (f"RSS growth {r['warm_after']}->{r['articles']}", f"{r['growth_pct']:+.1f}%", "flat if |x| < 5%")]
    return []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes (development)")
    parser.add_argument("--only", default="", help="comma-separated subset of " + ",".join(BENCHES))
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latest.json")
    parser.add_argument("--show", type=Path, help="print the table of an earlier results JSON and exit")
    args = parser.parse_args()
    if args.show:
        print(table(json.loads(args.show.read_text())))
        return
    names = [n for n in BENCHES if not args.only or n in args.only.split(",")]
    results: dict[str, Any] = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
                               "machine": machine(), "command": " ".join([Path(sys.executable).name, *sys.argv]),
                               "benches": {}}
    total = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="remon-bench-"))
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for name in names:
        script, full, quick = BENCHES[name]
        out = tmp / f"{name}.json"
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        cmd = [sys.executable, str(BENCH / script), *(quick if args.quick else full), "--json", str(out)]
        proc = subprocess.run(cmd, cwd=REPO, env=env)
        seconds = time.perf_counter() - start
        entry: dict[str, Any] = {"seconds": round(seconds, 1), "exit": proc.returncode}
        if out.exists():
            entry["result"] = json.loads(out.read_text())
        results["benches"][name] = entry
    results["total_seconds"] = round(time.perf_counter() - total, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1))
    print()
    print(table(results))
    print(f"\ntotal {results['total_seconds']:.0f} s; JSON in {args.out}")


def table(results: dict[str, Any]) -> str:
    """The Markdown table of a results JSON (also: run_all.py --show bench/results/latest.json)."""
    lines = [("benchmark", "measure", "value", "baseline / ratio")]
    for name, entry in results["benches"].items():
        if "result" not in entry:
            lines.append((name, "failed", f"exit {entry['exit']}", ""))
            continue
        lines += [(name, *r) for r in row(name, entry["result"])]
    widths = [max(len(str(line[i])) for line in lines) for i in range(4)]
    text = []
    for i, line in enumerate(lines):
        text.append("| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if i == 0:
            text.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(text)


if __name__ == "__main__":
    main()
