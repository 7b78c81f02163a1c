"""Storage at scale: synthetic articles and statistics, then query p50/p95, on SQLite and PostgreSQL.

Full size: 1,000,000 articles and 3,000,000 statistics (--scale 1.0); --scale shrinks both.
Rows are bulk-inserted through SQLAlchemy Core executemany (insertmanyvalues) into the schema that
the Alembic migrations create. Signatures (1 KiB MinHash) are stored only for the articles of the last
30 days (the near-duplicate window), to keep the generated database a reasonable size.
Queries (each --repeat times, p50/p95 in ms):
  series  statistics of one metric_key ordered by published_at (the ix_statistics_metric_time index)
  search_common  (--repeat / 4 times) the review app's article search (storage.review.list_articles: full-text index,
          FTS5 on SQLite, tsvector+GIN on PostgreSQL, newest 20) for two words most articles have
  search_rare    the same for a word one article in a thousand has
  search_miss    the same for a word no article has
  neardup content_hash equality, then every signature of the last 30 days compared in Python
          (tasks.steps._find_original, as the worker calls it for each new article)
The insert rates include the search index (storage.search.index_articles), as in the worker.
Run: .venv/bin/python bench/bench_storage.py [--scale 1.0] [--quick] [--pg URL] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from storage.db import get_engine, migrate
from storage.models import Article, Statistic
from storage.review import ArticleFilter, list_articles
from storage.search import index_articles
from tasks.steps import _find_original

PG_ADMIN = os.environ.get("REMON_BENCH_PG", "postgresql://remon:remon@127.0.0.1:55432/postgres")
WORDS = [
    "rare", "earth", "export", "control", "licence", "gallium", "germanium", "antimony", "dysprosium", "terbium",
    "magnet", "refining", "tariff", "quota", "smelter", "beijing", "washington", "brussels", "tokyo", "supply",
    "chain", "ministry"
]
METRICS = [f"china|{m}|{x}" for m in ("rare earths", "gallium", "germanium", "graphite", "antimony", "tungsten")
           for x in ("share_of_supply", "exports_t", "price_usd", "refining_share", "mining_share")]
BATCH = 10_000
NOW = datetime.now(UTC)
SPAN_DAYS = 3 * 365


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def generate(engine: sa.Engine, n_articles: int, n_stats: int, rng: random.Random) -> dict[str, float]:
    art, st = Article.__table__, Statistic.__table__
    sig = bytes(rng.getrandbits(8) for _ in range(1024))
    start = time.perf_counter()
    with engine.begin() as conn:
        for lo in range(0, n_articles, BATCH):
            rows = []
            for i in range(lo, min(n_articles, lo + BATCH)):
                age = SPAN_DAYS * (1 - i / n_articles)  # ids grow with time
                at = NOW - timedelta(days=age)
                title = " ".join(rng.choices(WORDS, k=8))
                if i % 1000 == 7:  # one article in a thousand has a rare word
                    title += f" scandium{i // 1000 % 50}"
                rows.append({"url": f"https://news.example/{i}", "source_id": None, "title": title,
                             "text": title + ". " + " ".join(rng.choices(WORDS, k=60)), "language": "en",
                             "published_at": at, "first_seen_at": at, "content_hash": f"{i:064x}",
                             "signature": sig if age <= 30 else None, "status": "analysed", "matched_terms": [],
                             "attempts": 0, "relevant": True})
            conn.execute(art.insert(), rows)
            index_articles(conn, [(lo + k + 1, r["title"], r["text"]) for k, r in enumerate(rows)])
    art_s = time.perf_counter() - start
    start = time.perf_counter()
    with engine.begin() as conn:
        per = max(1, n_stats // max(1, n_articles))
        for lo in range(0, n_stats, BATCH):
            rows = []
            for j in range(lo, min(n_stats, lo + BATCH)):
                a = j // per + 1
                at = NOW - timedelta(days=SPAN_DAYS * (1 - (a - 1) / n_articles))
                rows.append({"article_id": a, "idx": j % per, "value": rng.uniform(1, 99), "unit": "%",
                             "approx": False, "metric_key": rng.choice(METRICS), "sentence": "China supplies 90%.",
                             "start": 0, "end": 10, "published_at": at, "alerted": False})
            conn.execute(st.insert(), rows)
    st_s = time.perf_counter() - start
    return {"articles_insert_rows_per_s": n_articles / art_s, "statistics_insert_rows_per_s": n_stats / st_s,
            "insert_s": art_s + st_s}


def timings(fn: Callable[[int], Any], repeat: int) -> dict[str, float]:
    fn(0)  # warm the cache
    times = []
    for k in range(repeat):
        t = time.perf_counter()
        fn(k + 1)
        times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": statistics.median(times), "p95_ms": pct(times, 95)}


def run_queries(engine: sa.Engine, n_articles: int, repeat: int, rng: random.Random) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    with engine.connect() as conn:
        def series(k: int) -> None:
            conn.execute(sa.text("SELECT published_at, value, article_id FROM statistics WHERE metric_key = :m "
                                 "ORDER BY published_at"), {"m": METRICS[k % len(METRICS)]}).all()

        out["series"] = timings(series, repeat)
    with Session(engine) as session:
        def search(query: str) -> Callable[[int], Any]:
            return lambda k: list_articles(session, ArticleFilter(q=query.format(k=k), limit=20))

        probe = bytes(rng.getrandbits(8) for _ in range(1024))

        def neardup(k: int) -> None:
            _find_original(session, article_id=0, text_hash=f"{rng.randrange(n_articles):064x}x", sig=probe)

        out["search_common"] = timings(search("rare earth"), max(3, repeat // 4))
        out["search_rare"] = timings(search("scandium{k}"), repeat)
        out["search_miss"] = timings(search("yttrium{k}"), repeat)
        out["neardup"] = timings(neardup, repeat)
    return out


def bench_one(name: str, url: str, n_articles: int, n_stats: int, repeat: int) -> dict[str, Any]:
    migrate(url)
    engine = get_engine(url)
    rng = random.Random(7)
    res: dict[str, Any] = generate(engine, n_articles, n_stats, rng)
    if url.startswith("postgresql"):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    res["queries"] = run_queries(engine, n_articles, repeat, rng)
    print(f"  {name:10} insert articles {res['articles_insert_rows_per_s']:9.0f} rows/s, "
          f"statistics {res['statistics_insert_rows_per_s']:9.0f} rows/s")
    for q, v in res["queries"].items():
        print(f"  {name:10} {q:8} p50 {v['p50_ms']:9.1f} ms   p95 {v['p95_ms']:9.1f} ms")
    engine.dispose()
    return res


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 articles, 3,000,000 statistics")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="--scale 0.01 --repeat 5")
    parser.add_argument("--pg", default=PG_ADMIN, help="PostgreSQL admin URL ('' to skip)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.quick:
        args.scale, args.repeat = 0.01, 5
    n_articles, n_stats = int(1_000_000 * args.scale), int(3_000_000 * args.scale)
    print(f"storage: {n_articles:,} articles, {n_stats:,} statistics (scale {args.scale}), {args.repeat} queries each")
    result: dict[str, Any] = {"scale": args.scale, "articles": n_articles, "statistics": n_stats}
    tmp = Path(tempfile.mkdtemp(prefix="remon-bench-storage-"))
    result["sqlite"] = bench_one("sqlite", f"sqlite:///{tmp}/bench.db", n_articles, n_stats, args.repeat)
    (tmp / "bench.db").unlink(missing_ok=True)
    if args.pg:
        db = "remon_bench_" + uuid.uuid4().hex[:8]
        admin = sa.create_engine(args.pg.replace("postgresql://", "postgresql+psycopg://", 1),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {db}"))
        try:
            result["postgresql"] = bench_one("postgresql", args.pg.rsplit("/", 1)[0] + "/" + db,
                                             n_articles, n_stats, args.repeat)
        finally:
            from storage.db import dispose_all
            dispose_all()
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
            admin.dispose()
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
