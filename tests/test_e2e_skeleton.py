"""Issue 2, acceptance 1–2: a feed item becomes a stored article and a delivered alert.

Real parts only: a feed and the seed article served on 127.0.0.1, a real Celery worker
process (`remon run`, worker + beat) on a real redis-server or on the embedded SQLite
broker, a real SMTP server (aiosmtpd) and a real HTTP receiver for apprise's json://.
"""

from __future__ import annotations

import html
import json
import sqlite3
from pathlib import Path

import pytest

from tests.inproc import run_cli
from tests.servers import (
    JsonReceiver,
    RedisServer,
    Site,
    SmtpServer,
    background,
    free_port,
    remon_cmd,
    remon_env,
    rss,
    run_remon,
    wait_for,
)

pytestmark = [pytest.mark.slow]


def seed_record(shared: Path) -> dict:
    return json.loads((shared / "eval" / "seed.jsonl").read_text(encoding="utf-8").splitlines()[0])


def seed_page(record: dict) -> bytes:
    """The seed article as a news page: boilerplate around paragraphs of the real text."""
    paragraphs = record["text"].split(" - ")
    body = "".join(f"<p>{html.escape(p.strip())}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(record['title'])}</title>"
        "<meta property='article:published_time' content='2025-06-01T01:24:00Z'></head><body>"
        "<header><nav><a href='/'>Home</a> | <a href='/markets'>Markets</a></nav></header>"
        f"<main><article><h1>{html.escape(record['title'])}</h1>{body}</article></main>"
        "<footer>© 2025 Sou Hu Cai Jing</footer></body></html>"
    ).encode()


def counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "statistics", "stances", "claims", "alerts", "deliveries")}
    finally:
        con.close()


@pytest.mark.parametrize("broker", ["redis", "embedded"])
def test_feed_item_to_delivered_alert(broker: str, tmp_path: Path, shared: Path, site: Site,
                                      smtp_server: SmtpServer, json_receiver: JsonReceiver) -> None:
    record = seed_record(shared)
    article_url = f"{site.base}/news/seed-article.html"
    site.pages["/news/seed-article.html"] = ("text/html; charset=utf-8", seed_page(record))
    site.pages["/feed.xml"] = ("application/rss+xml", rss([
        {"title": record["title"], "link": article_url, "published": "2025-06-01T01:24:00Z",
         "description": "US and China rare earths"}]))

    redis = None
    extra = {"REMON_NOTIFY_URLS": f"{smtp_server.url()} {json_receiver.url()}",
             "REMON_BEAT_INTERVAL": "1", "REMON_DATABASE_URL": f"sqlite:///{tmp_path}/data/remon.db"}
    if broker == "redis":
        redis = RedisServer(port=free_port(), workdir=tmp_path)
        redis.start()
        extra["REMON_BROKER_URL"] = redis.url
    env = remon_env(tmp_path, **extra)
    try:
        run_remon(env, "init")  # the real binary, as a user runs it
        run_cli(env, "sources", "add", f"{site.base}/feed.xml", "--name", "local wire", "--interval", "3600")
        with background(remon_cmd("run", "--concurrency", "1"), env, tmp_path / "worker.log") as proc:
            def delivered() -> bool:
                mails = [b for b in smtp_server.bodies() if "92%" in b]
                hooks = [r for r in json_receiver.received if "92%" in json.dumps(r, ensure_ascii=False)]
                return bool(mails and hooks)

            try:
                wait_for(delivered, timeout=120, what="the 92% alert by mail and json")
            except TimeoutError:
                raise AssertionError((tmp_path / "worker.log").read_text()[-5000:]) from None
            assert proc.poll() is None, "the worker must still be running"
            # let the worker finish delivering every alert it created
            wait_for(lambda: all(a["deliveries"] and all(d["status"] == "sent" for d in a["deliveries"])
                                 for a in json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)),
                     timeout=60, what="every delivery sent")
    finally:
        if redis:
            redis.stop()

    mail = next(b for b in smtp_server.bodies() if "92%" in b)
    assert article_url in mail
    assert "supplying 92% of refined rare earths" in mail
    hook = next(r for r in json_receiver.received if "92%" in json.dumps(r, ensure_ascii=False))
    hook_text = json.dumps(hook, ensure_ascii=False)
    assert article_url in hook_text and "supplying 92% of refined rare earths" in hook_text

    db = tmp_path / "data" / "remon.db"
    before = counts(db)
    assert before["articles"] == 1 and before["statistics"] >= 4 and before["alerts"] >= 4
    sent_mail, sent_hooks = len(smtp_server.messages), len(json_receiver.received)

    # Acceptance 2: the cycle again (twice, without a broker) stores and sends nothing new.
    for _ in range(2):
        run_remon(env, "poll", "--once")
    assert counts(db) == before
    assert len(smtp_server.messages) == sent_mail
    assert len(json_receiver.received) == sent_hooks

    alerts = json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)
    stat_values = {a["statistic"]["value"] for a in alerts if a["kind"] == "new_statistic"}
    assert {61.0, 92.0, 99.0, 87.0} <= stat_values
    assert all(d["status"] == "sent" and "s3cretSMTPpass" not in d["channel"]
               for a in alerts for d in a["deliveries"])
