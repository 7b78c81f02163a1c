"""Review app at scale (issue 6): 100,000 articles and 300,000 statistics, pages and API p50/p95.

A synthetic history (English and Chinese texts, 300 metrics, 40 sources, three years) is
bulk-loaded into the schema the migrations create, the search index is built, and a real
`remon web` process (uvicorn) answers; each request is timed from a client on 127.0.0.1,
--repeat times after one warm-up, on SQLite and on PostgreSQL. The goal: the article list, a
metric chart and a search each under 300 ms p95.

Run: .venv/bin/python bench/bench_web.py [--articles 100000] [--stats 300000] [--repeat 30]
     [--only sqlite|postgres] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storage.db import dispose_all, get_engine, migrate  # noqa: E402
from storage.models import Alert, Article, Source, Statistic  # noqa: E402
from storage.search import index_articles  # noqa: E402

PG_ADMIN = os.environ.get("REMON_TEST_POSTGRES_URL", "postgresql://remon:remon@127.0.0.1:55432/postgres")
EN = ["rare", "earth", "export", "controls", "licence", "magnets", "gallium", "germanium", "antimony", "dysprosium",
      "terbium", "refining", "supply", "chain", "ministry", "commerce", "tariff", "quota", "smelter", "beijing",
      "washington", "brussels", "tokyo", "talks", "suspend", "tighten", "ease", "pressure", "allies", "stockpile",
      "shortage", "automakers", "defence", "industry", "analysts", "said", "would", "the", "of", "and", "to", "in",
      "on", "for", "with", "from", "that", "this", "new", "data", "shows", "prices", "rose", "fell", "percent"]
ZH = ["稀土", "出口", "管制", "许可", "商务部", "永磁", "镓", "锗", "锑", "供应链", "冶炼", "分离", "暂停",
      "措施", "美国", "中国", "谈判", "关税", "价格", "上涨", "企业", "表示", "全球", "产能"]
NOW = datetime(2026, 11, 28, tzinfo=UTC)
BATCH = 5000


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def text_for(rng: random.Random, zh: bool) -> tuple[str, str]:
    if zh:
        body = "。".join("".join(rng.choices(ZH, k=rng.randint(6, 14))) for _ in range(rng.randint(6, 14))) + "。"
        return "".join(rng.choices(ZH, k=6)), body
    body = ". ".join(" ".join(rng.choices(EN, k=rng.randint(10, 22))) for _ in range(rng.randint(8, 16))) + "."
    return " ".join(rng.choices(EN, k=8)).capitalize(), body


def generate(url: str, n_articles: int, n_stats: int, rng: random.Random) -> dict[str, float]:
    engine = get_engine(url)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.insert(Source.__table__), [
            {"url": f"https://news{i}.example/feed.xml", "name": f"Source {i}", "kind": "feed", "lang": "en",
             "interval": 900, "enabled": True, "options": {}, "next_check_at": NOW, "error_count": i % 7 == 0,
             "failing_alerted": False, "created_at": NOW} for i in range(1, 41)])
        for lo in range(0, n_articles, BATCH):
            rows = []
            docs = []
            for i in range(lo + 1, min(n_articles, lo + BATCH) + 1):
                zh = i % 3 == 0
                title, body = text_for(rng, zh)
                published = NOW - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
                rows.append({"id": i, "url": f"https://news{i % 40 + 1}.example/a/{i}", "source_id": i % 40 + 1,
                             "title": title, "text": body, "language": "zh" if zh else "en",
                             "published_at": published, "status": "analysed", "relevant": i % 4 != 0,
                             "relevance": 0.5, "matched_terms": [], "attempts": 1, "first_seen_at": published})
                docs.append((i, title, body))
            conn.execute(sa.insert(Article.__table__), rows)
            index_articles(conn, docs)
    t1 = time.perf_counter()
    with engine.begin() as conn:
        for lo in range(0, n_stats, BATCH * 2):
            rows = []
            for j in range(lo, min(n_stats, lo + BATCH * 2)):
                aid = rng.randint(1, n_articles)
                m = j % 300
                rows.append({"article_id": aid, "idx": j // n_articles * 1000 + j, "value": 50 + rng.random() * 40,
                             "unit": "percent", "approx": False, "subject": "china", "material": f"m{m}",
                             "measure": "share_of_global_refining",
                             "metric_key": f"china/m{m}/share_of_global_refining",
                             "sentence": "China supplies 90% of refined rare earths.", "start": 0, "end": 3,
                             "published_at": NOW - timedelta(seconds=rng.randint(0, 3 * 365 * 86400)),
                             "alerted": False})
            conn.execute(sa.insert(Statistic.__table__), rows)
        conn.execute(sa.insert(Alert.__table__), [
            {"kind": "new_statistic", "dedup_key": f"k{i}", "article_id": (i * 10) % n_articles + 1,
             "title": f"alert {i}",
             "body": "body", "payload": {}, "created_at": NOW - timedelta(hours=i)} for i in range(1, 2001)])
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return {"load_articles_s": round(t1 - t0, 1), "load_stats_s": round(time.perf_counter() - t1, 1)}


REQUESTS = [
    ("page: article list", "/articles"),
    ("page: article list, page 50", "/articles?page=50"),
    ("page: article list, zh + relevant", "/articles?lang=zh&relevant=1"),
    ("page: search (en)", "/articles?q=export+controls+magnets"),
    ("page: search (zh)", "/articles?q=%E5%87%BA%E5%8F%A3%E7%AE%A1%E5%88%B6"),
    ("page: search, rare word", "/articles?q=dysprosium+terbium+stockpile"),
    ("page: metric chart", "/numbers/china/m7/share_of_global_refining"),
    ("page: article", "/articles/4242"),
    ("page: dashboard", "/"),
    ("page: numbers", "/numbers"),
    ("api: articles", "/api/articles"),
    ("api: search", "/api/articles?q=rare+earth"),
    ("api: metric series", "/api/metrics/china/m7/share_of_global_refining"),
    ("api: statistics", "/api/statistics?metric=china/m9/share_of_global_refining"),
    ("api: article", "/api/articles/4242"),
    ("api: alerts", "/api/alerts"),
]
GOALS = {"page: article list", "page: metric chart", "page: search (en)", "page: search (zh)"}


def measure(url: str, repeat: int, tmp: Path) -> list[dict[str, Any]]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMON_")}
    env.update(REMON_DATABASE_URL=url, REMON_DATA_DIR=str(tmp), REMON_LOG_LEVEL="WARNING")
    proc = subprocess.Popen([str(REPO / ".venv" / "bin" / "remon"), "web", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        out = []
        with httpx.Client(base_url=base, timeout=60) as client:
            for name, path in REQUESTS:
                resp = client.get(path)  # warm-up
                assert resp.status_code == 200, (path, resp.status_code, resp.text[:300])
                times = []
                for _ in range(repeat):
                    t = time.perf_counter()
                    client.get(path).raise_for_status()
                    times.append((time.perf_counter() - t) * 1000)
                out.append({"request": name, "path": path, "p50_ms": round(pct(times, 50), 1),
                            "p95_ms": round(pct(times, 95), 1), "bytes": len(resp.content),
                            "goal_300ms": (pct(times, 95) < 300) if name in GOALS else None})
        return out
    finally:
        proc.terminate()
        proc.wait(20)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_backend(kind: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    rng = random.Random(42)
    pg_name = None
    if kind == "sqlite":
        url = f"sqlite:///{tmp}/web-bench.db"
    else:
        import psycopg

        pg_name = f"remon_webbench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + pg_name
    try:
        migrate(url)
        load = generate(url, args.articles, args.stats, rng)
        dispose_all()
        results = measure(url, args.repeat, tmp)
        return {"backend": kind, "articles": args.articles, "statistics": args.stats, **load, "requests": results}
    finally:
        dispose_all()
        if pg_name:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--stats", type=int, default=300_000)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--only", choices=["sqlite", "postgres"])
    ap.add_argument("--quick", action="store_true", help="10,000 articles, 30,000 statistics, 10 repeats")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if args.quick:
        args.articles, args.stats, args.repeat = 10_000, 30_000, 10
    report = []
    with tempfile.TemporaryDirectory(prefix="remon-webbench-") as tmp:
        for kind in [args.only] if args.only else ["sqlite", "postgres"]:
            r = run_backend(kind, args, Path(tmp))
            report.append(r)
            print(f"\n{kind}: {r['articles']:,} articles, {r['statistics']:,} statistics "
                  f"(loaded in {r['load_articles_s']} s + {r['load_stats_s']} s)")
            print(f"{'request':38} {'p50 ms':>8} {'p95 ms':>8} {'KiB':>7}  goal")
            for q in r["requests"]:
                goal = "" if q["goal_300ms"] is None else ("p95 < 300 ms: met" if q["goal_300ms"] else "NOT met")
                print(f"{q['request']:38} {q['p50_ms']:8.1f} {q['p95_ms']:8.1f} {q['bytes'] / 1024:7.1f}  {goal}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
