"""Storage at scale: synthetic articles and statistics, then query p50/p95, on SQLite and PostgreSQL.

Full size: 1,000,000 articles and 3,000,000 statistics (--scale 1.0); --scale shrinks both.
Rows are bulk-inserted through SQLAlchemy Core executemany (insertmanyvalues) into the schema that
the Alembic migrations create. Signatures (1 KiB MinHash) are stored only for the articles of the last
30 days (the near-duplicate window), to keep the generated database a reasonable size.
Queries (each --repeat times after one warm-up, half as many when the warm-up took over 0.5 s;
p50/p95 in ms):
  series  statistics of one metric_key ordered by published_at (the ix_statistics_metric_time index)
  search_common  (--repeat / 4 times) the review app's article search (storage.review.list_articles: full-text index,
          FTS5 on SQLite, tsvector+GIN on PostgreSQL, newest 20) for two words most articles have
  search_rare    the same for a word one article in a thousand has
  search_miss    the same for a word no article has
  neardup content_hash equality, then every signature of the last 30 days read and compared at once
          (tasks.steps._find_original, as the worker calls it for each new article)
The insert rates include the search index (storage.search.index_articles), as in the worker; the
search documents of the pooled titles/texts are built once (see generate()).
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
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from storage import search as search_index
from storage.db import get_engine, migrate
from storage.models import Article, Statistic
from storage.review import ArticleFilter, list_articles
from storage.search import document as _document
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
POOL = 4096
NOW = datetime.now(UTC)
SPAN_DAYS = 3 * 365


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


SAMPLE = 100_000  # articles (and 3x statistics) whose insert is timed through the worker's path


def generate(engine: sa.Engine, n_articles: int, n_stats: int, rng: random.Random) -> dict[str, float]:
    """Fill the database; time the first SAMPLE articles (and their statistics) for the insert rates.

    The timed part goes through SQLAlchemy Core executemany and storage.search.index_articles, as the
    worker writes. The rest is a bulk load that is not timed: on PostgreSQL with COPY (the executemany
    path would take over five minutes of the bench's twenty), on SQLite with the same executemany.
    """
    art, st = Article.__table__, Statistic.__table__
    sig = bytes(rng.getrandbits(8) for _ in range(1024))
    # titles and texts come from a pool, so the search documents (storage.search.document, ~60 us of
    # Python each) are built once per pool entry, not once per row: the insert rate is the databases'
    pool = []
    for _ in range(POOL):
        title = " ".join(rng.choices(WORDS, k=8))
        pool.append((title, title + ". " + " ".join(rng.choices(WORDS, k=60))))
    per = max(1, n_stats // max(1, n_articles))

    def article_rows(lo: int, hi: int) -> list[dict[str, Any]]:
        rows = []
        for i in range(lo, hi):
            age = SPAN_DAYS * (1 - i / n_articles)  # ids grow with time
            at = NOW - timedelta(days=age)
            title, text = pool[rng.randrange(POOL)]
            if i % 1000 == 7:  # one article in a thousand has a rare word
                title += f" scandium{i // 1000 % 50}"
            rows.append({"id": i + 1, "url": f"https://news.example/{i}", "source_id": None, "title": title,
                         "text": text, "language": "en", "published_at": at, "first_seen_at": at,
                         "content_hash": f"{i:064x}", "signature": sig if age <= 30 else None,
                         "status": "analysed", "matched_terms": [], "attempts": 0, "relevant": True})
        return rows

    def stat_rows(lo: int, hi: int) -> list[dict[str, Any]]:
        rows = []
        for j in range(lo, hi):
            a = j // per + 1
            at = NOW - timedelta(days=SPAN_DAYS * (1 - (a - 1) / n_articles))
            rows.append({"article_id": a, "idx": j % per, "value": rng.uniform(1, 99), "unit": "%",
                         "approx": False, "metric_key": rng.choice(METRICS), "sentence": "China supplies 90%.",
                         "start": 0, "end": 10, "published_at": at, "alerted": False})
        return rows

    def insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        conn.execute(table.insert(), rows)
        if table is art:
            index_articles(conn, [(r["id"], r["title"], r["text"]) for r in rows])

    sample_a = min(n_articles, SAMPLE)
    sample_s = min(n_stats, sample_a * per)
    timed: dict[str, float] = {}
    for name, table, rows_of, n in (("articles", art, article_rows, sample_a), ("statistics", st, stat_rows,
                                                                               sample_s)):
        start = time.perf_counter()
        with engine.begin() as conn:
            conn.execution_options(insertmanyvalues_page_size=BATCH)  # one statement per batch
            for lo in range(0, n, BATCH):
                insert(conn, table, rows_of(lo, min(n, lo + BATCH)))
        timed[name] = time.perf_counter() - start
    start = time.perf_counter()
    if engine.dialect.name == "postgresql":
        _copy_rest(engine, article_rows, stat_rows, sample_a, n_articles, sample_s, n_stats)
    else:
        with engine.begin() as conn:
            conn.execution_options(insertmanyvalues_page_size=BATCH)
            for lo in range(sample_a, n_articles, BATCH):
                insert(conn, art, article_rows(lo, min(n_articles, lo + BATCH)))
            for lo in range(sample_s, n_stats, BATCH):
                insert(conn, st, stat_rows(lo, min(n_stats, lo + BATCH)))
    return {"articles_insert_rows_per_s": sample_a / timed["articles"],
            "statistics_insert_rows_per_s": sample_s / timed["statistics"],
            "timed_articles": sample_a, "timed_statistics": sample_s,
            "load_s": sum(timed.values()) + time.perf_counter() - start}


def _copy_rest(engine: sa.Engine, article_rows: Callable[[int, int], list[dict[str, Any]]],
               stat_rows: Callable[[int, int], list[dict[str, Any]]], a_lo: int, a_hi: int, s_lo: int,
               s_hi: int) -> None:
    """PostgreSQL bulk load with COPY; the search documents go through a staging table."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("CREATE TEMP TABLE bench_docs (article_id INTEGER, doc TEXT)")
        cols: list[str] = []
        for lo in range(a_lo, a_hi, BATCH):
            rows = article_rows(lo, min(a_hi, lo + BATCH))
            cols = cols or list(rows[0])
            with cur.copy(f"COPY articles ({', '.join(cols)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row([json.dumps(r[c]) if c == "matched_terms" else r[c] for c in cols])
            with cur.copy("COPY bench_docs (article_id, doc) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row((r["id"], search_index.document(r["title"], r["text"])))  # the cached one
        cur.execute("INSERT INTO article_search (article_id, tsv) "
                    "SELECT article_id, to_tsvector('simple', doc) FROM bench_docs")
        cur.execute("SELECT setval(pg_get_serial_sequence('articles', 'id'), (SELECT max(id) FROM articles))")
        cols = []
        for lo in range(s_lo, s_hi, BATCH):
            rows = stat_rows(lo, min(s_hi, lo + BATCH))
            cols = cols or list(rows[0])
            names = ", ".join(f'"{c}"' for c in cols)  # "end" is a reserved word
            with cur.copy(f"COPY statistics ({names}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row([r[c] for c in cols])
        raw.commit()
    finally:
        raw.close()


def timings(fn: Callable[[int], Any], repeat: int) -> dict[str, float]:
    t = time.perf_counter()
    fn(0)  # warm the cache
    if time.perf_counter() - t > 0.5:  # a slow query: half the repetitions keep the bench short
        repeat = max(3, repeat // 2)
    times = []
    for k in range(repeat):
        t = time.perf_counter()
        fn(k + 1)
        times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": statistics.median(times), "p95_ms": pct(times, 95), "n": len(times)}


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
    search_index.document = lru_cache(maxsize=2 * POOL)(_document)  # see generate(): the pool's documents
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
    print(f"  {name:10} loaded in {res['load_s']:.0f} s; insert (first {res['timed_articles']:,} articles) "
          f"{res['articles_insert_rows_per_s']:9.0f} rows/s, "
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
