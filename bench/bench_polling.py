"""Polls per second for one worker process (tasks.steps.refresh_source) beside a bare httpx.Client.

N sources on a local ThreadingHTTPServer, SQLite database: a third answer 304 to conditional
requests, a third serve unchanged feeds (no validators), a third serve a feed with a new item each poll.
A first pass primes ETags; the timed pass follows. The bare client makes the same GET requests
(with the same If-None-Match headers). Goal: worker >= 70% of the bare client's rate.
With --delay-ms the server waits before each answer, as a real network does: the ratio then shows
what the worker's own work costs beside a realistic request rather than a loopback one.
Run: .venv/bin/python bench/bench_polling.py [--sources 1000] [--quick] [--delay-ms 20] [--json FILE]
     [--profile FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ITEM = ("<item><title>China tightens rare earth export controls {n}</title><link>{link}</link>"
        "<guid>{link}</guid><description>Rare earth export licences, item {n}.</description></item>")


class Feeds:
    def __init__(self, n: int) -> None:
        self.n, self.counter, self.lock = n, 0, threading.Lock()

    def body(self, i: int) -> bytes:
        items = [ITEM.format(n=k, link=f"http://127.0.0.1/a/{i}/{k}") for k in range(10)]
        if i % 3 == 2:  # a new item on every request
            with self.lock:
                self.counter += 1
                items.insert(0, ITEM.format(n=self.counter, link=f"http://127.0.0.1/a/{i}/new{self.counter}"))
        return ("<?xml version='1.0'?><rss version='2.0'><channel><title>f</title><link>http://127.0.0.1/</link>"
                "<description>d</description>" + "".join(items) + "</channel></rss>").encode()


def serve(feeds: Feeds, delay: float = 0.0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0 (one connection per request): keep-alive with this server hits delayed-ACK stalls

        def do_GET(self) -> None:
            if delay:
                time.sleep(delay)  # a network's round trip and a server's think time
            i = int(self.path.rsplit("/", 1)[1].split(".")[0])
            etag = f'"e{i}"'
            if i % 3 == 0 and self.headers.get("if-none-match") == etag:
                self.send_response(304)
                self.send_header("etag", etag)
                self.send_header("content-length", "0")
                self.end_headers()
                return
            body = feeds.body(i)
            self.send_response(200)
            self.send_header("content-type", "application/rss+xml")
            if i % 3 == 0:
                self.send_header("etag", etag)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="150 sources")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--delay-ms", type=float, default=0.0,
                        help="the server waits this long before each answer, as a real network and server do")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the timed worker pass here")
    args = parser.parse_args(argv)
    n = 150 if args.quick else args.sources
    server = serve(Feeds(n), args.delay_ms / 1000)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    urls = [f"{base}/feed/{i}.xml" for i in range(n)]
    tmp = Path(tempfile.mkdtemp(prefix="remon-bench-poll-"))
    os.environ.update({"REMON_DATA_DIR": str(tmp), "REMON_DATABASE_URL": f"sqlite:///{tmp}/remon.db",
                       "REMON_ALLOW_PRIVATE_NETWORKS": "true", "REMON_LOG_LEVEL": "WARNING"})
    from sqlmodel import select

    from storage import queries
    from storage.db import migrate, session_scope
    from storage.models import Source
    from tasks.runtime import build_runtime
    from tasks.steps import refresh_source
    from worker.config import load_settings

    rt = build_runtime(load_settings())
    migrate(rt.db_url)
    with session_scope(rt.db_url) as session:
        for i, url in enumerate(urls):
            queries.add_source(session, url=url, name=f"s{i}")
    with session_scope(rt.db_url) as session:
        ids = list(session.exec(select(Source.id).order_by(Source.id)).all())

    for sid in ids:  # priming pass: ETags stored, existing items stored
        refresh_source(rt, sid)
    profiler = cProfile.Profile() if args.profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    for sid in ids:
        refresh_source(rt, sid)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    worker_s = time.perf_counter() - start

    with httpx.Client() as client:  # bare client: the same GETs, the same conditional headers
        for i, url in enumerate(urls):
            client.get(url, headers={"if-none-match": f'"e{i}"'} if i % 3 == 0 else {})
        start = time.perf_counter()
        for i, url in enumerate(urls):
            _ = client.get(url, headers={"if-none-match": f'"e{i}"'} if i % 3 == 0 else {}).content
        bare_s = time.perf_counter() - start
    server.shutdown()
    result = {"sources": n, "delay_ms": args.delay_ms, "worker_polls_per_s": n / worker_s,
              "bare_polls_per_s": n / bare_s, "ratio": bare_s / worker_s}
    print(f"sources: {n} (1/3 304, 1/3 unchanged, 1/3 new item), SQLite, one process, server delay "
          f"{args.delay_ms:g} ms")
    print(f"  refresh_source   {n / worker_s:8.1f} polls/s")
    print(f"  bare httpx       {n / bare_s:8.1f} polls/s")
    print(f"  ratio            {bare_s / worker_s:8.2f}   goal >= 0.70")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
