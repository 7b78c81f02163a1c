"""Alert latency: an item appears in a local feed -> the alert reaches a local JSON receiver (apprise json://).

`remon run` as a subprocess with REMON_BEAT_INTERVAL=1 and --items sources, each polled every
--interval seconds (30, the minimum a source may set). Each feed is published with one new item just
after its first poll (the worst case for the poll interval), so:
  publish -> delivered   includes waiting for the next poll (about one source interval);
  seen -> delivered      from the first feed response that contains the item: fetch, article page,
                         analysis, alert, delivery (the pipeline's own latency).
Run on the embedded default (SQLite broker) and on Redis (a redis-server this bench starts).
Run: .venv/bin/python bench/bench_latency.py [--items 20] [--interval 30] [--quick] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.servers import (
    JsonReceiver,
    RedisServer,
    _Server,
    background,
    free_port,
    remon_cmd,
    remon_env,
    rss,
    run_remon,
)

OLD = {"title": "Weather", "link": "http://127.0.0.1/weather", "description": "Sunny.",
       "published": "2025-01-01T00:00:00Z"}


# each item states a number on its own metric (material x measure): a second value on one metric
# within the detector's window is debounced, which would hide items from the latency count
MATERIALS = [
    "gallium", "germanium", "graphite", "antimony", "tungsten", "dysprosium", "terbium", "neodymium",
    "praseodymium", "samarium", "yttrium", "indium", "heavy rare earths", "light rare earths", "rare earth oxides",
    "rare earth magnets"
]
MEASURES = ["refined", "mined"]
FILLER = [
    "port", "shipment", "quarter", "analyst", "smelter", "price", "contract", "buyer", "factory", "tonne",
    "inventory", "warehouse", "customs", "freight", "mine", "plant", "investor", "margin", "order", "demand",
    "output", "capacity", "auction", "permit"
]


def page(k: int) -> bytes:
    """An article distinct enough from the others not to be a near-duplicate, with a new number."""
    material = MATERIALS[k % len(MATERIALS)]
    measure = MEASURES[k // len(MATERIALS) % len(MEASURES)]
    rng = random.Random(k)
    filler = " ".join(rng.choice(FILLER) for _ in range(120))
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>China tightens rare earth "
            f"export controls, item {k}</title></head><body><main><article><h1>China tightens rare earth export "
            f"controls, item {k}</h1><p>China's Ministry of Commerce said on Monday it will tighten export controls "
            f"on rare earths and rare-earth magnet technology, requiring licences for shipments abroad.</p>"
            f"<p>China supplies {50 + k % 40}% of the world's {measure} {material}, according to the International "
            f"Energy Agency, and the United States relies on China for most of its rare-earth magnets.</p>"
            f"<p>Washington criticised the export controls and said it would work with allies to build "
            f"alternative supply chains for critical minerals.</p><p>{filler}.</p>"
            "</article></main></body></html>").encode()


class Feeds:
    """Feed k gets its new item just after its first request; times are recorded per item."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.published: dict[int, float] = {}
        self.seen: dict[int, float] = {}
        self.lock = threading.Lock()
        self.base = ""

    def feed(self, k: int) -> bytes:
        with self.lock:
            items = [OLD]
            if k in self.published:
                self.seen.setdefault(k, time.time())
                items = [{"title": f"China tightens rare earth export controls, item {k}",
                          "link": f"{self.base}/news/item{k}.html", "description": "Export controls.",
                          "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, OLD]
            else:
                threading.Timer(0.05, lambda: self.published.setdefault(k, time.time())).start()
        return rss(items, title=f"feed {k}")

    def start(self) -> _Server:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.startswith("/feed/"):
                    ctype, body = "application/rss+xml", outer.feed(int(self.path.split("/")[2].split(".")[0]))
                elif self.path.startswith("/news/item"):
                    ctype, body = "text/html; charset=utf-8", page(int(self.path[len("/news/item"):].split(".")[0]))
                else:
                    self.send_response(404)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        server = _Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def one(broker: str, broker_url: str | None, items: int, interval: int, beat: int, tmp: Path) -> dict[str, Any]:
    feeds = Feeds(items)
    server = feeds.start()
    receiver = JsonReceiver(port=free_port())
    receiver.start()
    delivered: dict[int, float] = {}
    extra = {"REMON_NOTIFY_URLS": receiver.url(), "REMON_BEAT_INTERVAL": str(beat), "REMON_LOG_LEVEL": "WARNING"}
    if broker_url:
        extra["REMON_BROKER_URL"] = broker_url
    env = remon_env(tmp, **extra)
    try:
        run_remon(env, "init")
        for k in range(items):
            run_remon(env, "sources", "add", f"{feeds.base}/feed/{k}.xml", "--name", f"feed {k}",
                      "--interval", str(interval), "--lang", "en")
        with background(remon_cmd("run", "--concurrency", "2"), env, tmp / "worker.log"):
            deadline = time.time() + 3 * interval + 90
            while time.time() < deadline and len(delivered) < items:
                now = time.time()
                for hook in list(receiver.received):
                    text = json.dumps(hook)
                    for k in range(items):
                        if k not in delivered and f"/news/item{k}.html" in text:
                            delivered[k] = now
                time.sleep(0.05)
    finally:
        server.shutdown()
        receiver.stop()
    pub = [delivered[k] - feeds.published[k] for k in delivered if k in feeds.published]
    seen = [delivered[k] - feeds.seen[k] for k in delivered if k in feeds.seen]
    res: dict[str, Any] = {"items": items, "delivered": len(delivered)}
    if pub:
        res.update({"p50_s": statistics.median(pub), "p95_s": pct(pub, 95)})
    if seen:
        res.update({"seen_p50_s": statistics.median(seen), "seen_p95_s": pct(seen, 95)})
    if not delivered:
        res["error"] = f"no alert delivered; see {tmp / 'worker.log'}"
    nan = float("nan")
    print(f"  {broker:9} delivered {len(delivered)}/{items}  publish->delivered p50 {res.get('p50_s', nan):.2f} s"
          f" p95 {res.get('p95_s', nan):.2f} s   seen->delivered p50 {res.get('seen_p50_s', nan):.2f} s"
          f" p95 {res.get('seen_p95_s', nan):.2f} s", flush=True)
    return res


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=20, help=f"at most {len(MATERIALS) * len(MEASURES)}")
    parser.add_argument("--interval", type=int, default=30, help="source poll interval (s), minimum 30")
    parser.add_argument("--beat", type=int, default=1, help="REMON_BEAT_INTERVAL (s)")
    parser.add_argument("--brokers", default="sqlite,redis")
    parser.add_argument("--quick", action="store_true", help="5 items")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    items = 5 if args.quick else args.items
    print(f"alert latency: {items} items, beat {args.beat} s, source interval {args.interval} s, item published "
          "just after a poll")
    result: dict[str, Any] = {"beat_interval": args.beat, "source_interval": args.interval, "brokers": {}}
    for broker in args.brokers.split(","):
        tmp = Path(tempfile.mkdtemp(prefix=f"remon-bench-latency-{broker}-"))
        if broker == "redis":
            redis = RedisServer(port=free_port(), workdir=tmp)
            try:
                redis.start()
                result["brokers"]["redis"] = one("redis", redis.url, items, args.interval, args.beat, tmp)
            except (RuntimeError, TimeoutError) as exc:
                result["brokers"]["redis"] = {"items": items, "delivered": 0, "error": str(exc)}
            finally:
                redis.stop()
        else:
            result["brokers"]["sqlite"] = one("sqlite", None, items, args.interval, args.beat, tmp)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
