"""``remon demo``: a bundled sample timeline through the real pipeline, then the review app.

A newcomer sees remon working without configuring anything: a local HTTP server on 127.0.0.1
publishes the sample articles (``remon/demo_data/timeline.yaml``, written for this project) in
feeds, step by step; after each step the ordinary poll-and-analyse path runs (``run_once``), so
every number, stance, claim and alert shown afterwards came out of the same code as in
production. Only 127.0.0.1 is opened to the fetcher, and no notification is sent.
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from worker.common.data import read_mapping
from worker.config import Settings

log = logging.getLogger("remon.demo")


def load_timeline() -> dict[str, Any]:
    """The bundled sample timeline: ``sources`` and ``steps`` (lists of items to publish)."""
    return read_mapping("remon", "demo_data/timeline.yaml")


def page_html(item: dict[str, Any]) -> bytes:
    """An article page as a news site would serve it (everything escaped)."""
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in str(item["body"]).splitlines() if p.strip())
    lang = item.get("lang", "en")
    return (f"<!doctype html><html lang='{html.escape(lang)}'><head><meta charset='utf-8'>"
            f"<title>{html.escape(item['title'])}</title>"
            f"<meta property='article:published_time' content='{html.escape(item['published'])}'></head>"
            f"<body><header><nav><a href='/'>Home</a></nav></header><article><h1>{html.escape(item['title'])}</h1>"
            f"<time datetime='{html.escape(item['published'])}'>{html.escape(item['published'][:10])}</time>"
            f"{paras}</article><footer>remon demo site</footer></body></html>").encode()


def rss(title: str, items: list[dict[str, Any]], base: str) -> bytes:
    parts = [f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{escape(title)}</title>"
             f"<link>{escape(base)}/</link><description>remon demo feed</description>"]
    for it in items:
        link = f"{base}/{it['source']}/{it['slug']}.html"
        pub = format_datetime(datetime.fromisoformat(it["published"].replace("Z", "+00:00")))
        parts.append(f"<item><title>{escape(it['title'])}</title><link>{escape(link)}</link>"
                     f"<guid>{escape(link)}</guid><pubDate>{pub}</pubDate></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


class DemoSite:
    """The sample sources: a threaded HTTP server on 127.0.0.1 serving feeds and pages from memory.

    Once the timeline is loaded, ``redirect_articles`` makes every article link answer with a
    redirect to the stored article in the review app: the links shown in the app and in alerts
    keep working for as long as the demo runs, and lead to what remon made of the page.
    """

    def __init__(self, port: int = 0) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.redirects: dict[str, str] = {}
        pages, redirects = self.pages, self.redirects

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                target = redirects.get(path)
                if target is not None:
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                found = pages.get(path)
                if found is None:
                    self.send_error(404)
                    return
                ctype, body = found
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> DemoSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def redirect_articles(self, db_url: str, review_url: str) -> int:
        """Send each stored article's page to ``review_url``/articles/ID; returns how many."""
        from storage.db import session_scope
        from storage.review import article_links

        with session_scope(db_url) as session:
            rows = article_links(session, prefix=self.base)
        for article_id, url in rows:
            self.redirects[url[len(self.base):]] = f"{review_url.rstrip('/')}/articles/{article_id}"
        return len(rows)


def demo_settings(directory: Path, *, database_url: str | None = None,
                  base_url: str = "http://127.0.0.1:8080") -> Settings:
    """Settings of a self-contained demo under ``directory``: its own SQLite (unless ``database_url``),
    no notification channel, only 127.0.0.1 open to the fetcher; ``base_url`` is where the review
    app will answer (the "Review:" link of every alert). The confidence gate is off: the invented
    articles have one source each, and the demo shows every kind of alert (docs/alerts.md)."""
    directory.mkdir(parents=True, exist_ok=True)
    watch = directory / "watch.yaml"
    watch.write_text("allow_hosts: ['127.0.0.1']\n", encoding="utf-8")
    db = directory / "remon.db"
    return Settings(data_dir=directory, database_url=database_url or f"sqlite:///{db}",
                    broker_url=f"sqla+sqlite:///{directory / 'broker.db'}", notify_urls="", config=watch,
                    web_token=None, base_url=base_url, alert_min_confidence=0.0)


def seed(settings: Settings, timeline: dict[str, Any] | None = None,
         progress: Callable[[str], None] = log.info, site: DemoSite | None = None) -> dict[str, int]:
    """Publish ``timeline`` step by step on a local site and run the pipeline after each step.

    The site is started (and stopped) here unless the caller passes one it keeps running.
    """
    from storage import queries
    from storage.db import migrate, session_scope
    from tasks.runtime import build_runtime
    from tasks.steps import run_once

    timeline = timeline or load_timeline()
    migrate(settings.database_url_value)
    rt = build_runtime(settings)
    own = site is None
    site = site or DemoSite().start()
    totals: dict[str, int] = {"steps": 0, "articles": 0, "alerts": 0}
    try:
        published: dict[str, list[dict[str, Any]]] = {key: [] for key in timeline["sources"]}
        with session_scope(rt.db_url) as session:
            for key, meta in timeline["sources"].items():
                site.pages[f"/{key}.xml"] = ("application/rss+xml", rss(meta["name"], [], site.base))
                queries.add_source(session, url=f"{site.base}/{key}.xml", name=meta["name"], lang=meta.get("lang"))
        for number, step in enumerate(timeline["steps"], 1):
            for item in step:
                meta = timeline["sources"][item["source"]]
                item = {**item, "lang": item.get("lang") or meta.get("lang", "en")}
                site.pages[f"/{item['source']}/{item['slug']}.html"] = ("text/html; charset=utf-8", page_html(item))
                published[item["source"]].insert(0, item)
                site.pages[f"/{item['source']}.xml"] = ("application/rss+xml",
                                                        rss(meta["name"], published[item["source"]], site.base))
            counts = run_once(rt)
            totals["steps"] += 1
            totals["articles"] += counts.get("articles", 0)
            totals["alerts"] += counts.get("alerts", 0)
            progress(f"step {number}/{len(timeline['steps'])}: {counts.get('articles', 0)} article(s) analysed, "
                     f"{counts.get('alerts', 0)} alert(s)")
    finally:
        if own:
            site.stop()
    return totals
