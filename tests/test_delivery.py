"""Issue 5, acceptance 2–4: delivery without loss or repeats, through real servers.

* SMTP down: alerts stay pending and retry; once it is up they arrive exactly once.
* A json:// receiver answering 500 is retried and its failure is visible.
* A digest channel gets one message with every alert of the period; an immediate one, one each.
* SIGKILL of the worker between analysis and delivery loses no alert and duplicates none.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
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
    wait_for,
)

pytestmark = [pytest.mark.slow]

ARTICLES = [
    ("China supplies 92% of the world's refined rare earths, officials said on Monday, as the "
     "Ministry of Commerce imposed new export controls on seven heavy rare earth elements.",
     "China tightens rare earth export controls"),
    ("The United States relies on China for 70% of its rare earth imports, the Commerce Department "
     "said, urging Beijing to lift the export restrictions on gallium and germanium.",
     "US urges China to lift gallium curbs"),
]


def publish(site: Site, n: int) -> None:
    items = []
    for i, (text, title) in enumerate(ARTICLES[:n]):
        path = f"/a/{i}.html"
        page = (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><article>"
                f"<h1>{title}</h1><p>{text}</p><p>{text.split(',')[0]} according to trade data for the "
                "first half of the year, and analysts expect the export control measures on rare earths "
                "to stay in place for months.</p></article></body></html>")
        site.pages[path] = ("text/html; charset=utf-8", page.encode())
        items.append({"title": title, "link": site.base + path, "published": f"2025-05-0{i + 1}T08:00:00Z"})
    site.pages["/feed.xml"] = ("application/rss+xml", rss(items))


def alerts(env: dict[str, str]) -> list[dict]:
    return json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)


def test_smtp_down_then_up_and_a_failing_receiver(tmp_path: Path, site: Site, json_receiver: JsonReceiver) -> None:
    smtp = SmtpServer(port=free_port())  # not started yet: the mail server is down
    json_receiver.status = 500
    env = remon_env(tmp_path, REMON_NOTIFY_URLS=f"{smtp.url()} {json_receiver.url()}",
                    REMON_RETRY_BASE="0.2", REMON_RETRY_MAX="0.5", REMON_RETRY_ATTEMPTS="5")
    publish(site, 1)
    run_cli(env, "init")
    run_cli(env, "sources", "add", f"{site.base}/feed.xml")
    run_cli(env, "poll", "--once")
    first = alerts(env)
    assert first, "the article must raise alerts"
    states = Counter(d["status"] for a in first for d in a["deliveries"])
    assert states["sent"] == 0 and states["pending"] > 0
    mail = [d for a in first for d in a["deliveries"] if d["channel"].startswith("mailto")]
    assert all(d["attempts"] == 1 and d["last_error"] for d in mail)
    assert all("s3cretSMTPpass" not in json.dumps(a) for a in first)

    for _ in range(2):  # still down: the sends are retried and stay pending
        time.sleep(0.6)
        run_cli(env, "poll", "--once")
    mail = [d for a in alerts(env) for d in a["deliveries"] if d["channel"].startswith("mailto")]
    assert all(d["status"] == "pending" and d["attempts"] == 3 for d in mail)

    smtp.start()  # the mail server is back: each alert arrives exactly once
    try:
        for _ in range(3):  # meanwhile the receiver keeps failing until its attempts run out
            time.sleep(0.6)
            run_cli(env, "poll", "--once")
        final = alerts(env)
        mail = [d for a in final for d in a["deliveries"] if d["channel"].startswith("mailto")]
        assert mail and all(d["status"] == "sent" for d in mail)
        assert len(smtp.messages) == len(final)
        subjects = Counter(str(m["Subject"]) for m in smtp.messages)
        assert max(subjects.values()) == 1
        hooks = [d for a in final for d in a["deliveries"] if d["channel"].startswith("json")]
        assert hooks and all(d["status"] == "failed" and d["attempts"] == 5 for d in hooks)
        assert all(d["last_error"] and "recv-token-123" not in d["last_error"] for d in hooks)
        listing = run_cli(env, "alerts", "list").stdout
        assert "failed" in listing and "recv-token-123" not in listing
        # a manual retry reaches the receiver once it is healthy, exactly once
        json_receiver.status = 200
        run_cli(env, "alerts", "retry", str(final[0]["id"]))
        assert len(json_receiver.received) == 1
        run_cli(env, "poll", "--once")
        assert len(json_receiver.received) == 1 and len(smtp.messages) == len(final)
    finally:
        smtp.stop()


def test_digest_channel_gets_one_message_immediate_gets_each(tmp_path: Path, site: Site,
                                                            json_receiver: JsonReceiver) -> None:
    digest = JsonReceiver(port=free_port())
    digest.start()
    watch = tmp_path / "watch.yaml"
    watch.write_text("routing:\n  tags:\n    daily: {mode: digest, every: hourly}\n    now: {mode: immediate}\n")
    env = remon_env(tmp_path, REMON_CONFIG=str(watch),
                    REMON_NOTIFY_URLS=f"now={json_receiver.url()} daily={digest.url('digest-token')}")
    try:
        publish(site, 2)
        run_cli(env, "init")
        run_cli(env, "sources", "add", f"{site.base}/feed.xml")
        run_cli(env, "poll", "--once")
        got = alerts(env)
        assert len(got) >= 2
        assert len(json_receiver.received) == len(got)
        assert len(digest.received) == 1, "the first digest goes out when its period starts"
        body = json.dumps(digest.received[0], ensure_ascii=False)
        assert all(a["title"].split(":")[0] in body for a in got)
        run_cli(env, "poll", "--once")
        assert len(digest.received) == 1, "nothing new, and the hour is not over"
    finally:
        digest.stop()


def test_sigkill_between_analysis_and_delivery(tmp_path: Path, site: Site, json_receiver: JsonReceiver,
                                               redis_server: RedisServer) -> None:
    env = remon_env(tmp_path, REMON_BROKER_URL=redis_server.url, REMON_NOTIFY_URLS=json_receiver.url(),
                    REMON_BEAT_INTERVAL="1", REMON_TASK_LEASE="5")
    publish(site, 2)
    run_cli(env, "init")
    run_cli(env, "sources", "add", f"{site.base}/feed.xml", "--interval", "3600")
    # 1) a worker that analyses but does not serve the notify queue: alerts pile up undelivered
    with background(remon_cmd("run", "-c", "1", "-Q", "poll,fetch,analyze"), env, tmp_path / "w1.log") as w1:
        found = wait_for(lambda: len(alerts(env)) >= 2 and not any(
            a["status"] in ("pending", "processing") for a in json.loads(run_cli(
                env, "articles", "list", "--format", "json").stdout)) and alerts(env), timeout=120,
            what="analysis done")
        os.killpg(w1.pid, signal.SIGKILL)
        w1.wait(10)
    assert json_receiver.received == []
    assert all(d["status"] == "pending" for a in found for d in a["deliveries"])
    # 2) a new worker serving every queue delivers each alert exactly once
    with background(remon_cmd("run", "-c", "1"), env, tmp_path / "w2.log"):
        wait_for(lambda: all(d["status"] == "sent" for a in alerts(env) for d in a["deliveries"]),
                 timeout=120, what="all deliveries sent")
        time.sleep(3)  # a duplicate would show up now
    titles = Counter(r.get("title") for r in json_receiver.received)
    assert len(json_receiver.received) == len(alerts(env)) and max(titles.values()) == 1


def test_a_flapping_metric_sends_one_alert_per_window(tmp_path: Path, site: Site,
                                                     json_receiver: JsonReceiver) -> None:
    env = remon_env(tmp_path, REMON_NOTIFY_URLS=json_receiver.url())
    run_cli(env, "init")
    run_cli(env, "sources", "add", f"{site.base}/feed.xml")
    items = []
    for i, share in enumerate((92, 85, 92)):
        path = f"/flap/{i}.html"
        filler = ("Carmakers in Europe said shipments of magnets had slowed and asked for faster licence reviews.",
                  "Japanese trading houses reported that stockpiles built after 2010 were running lower.",
                  "Shares of miners in Australia rose while traders weighed new supply from Malaysia.")[i]
        text = (f"{filler} China supplies {share}% of the world's refined rare earths, according to a "
                f"{('ministry', 'consultancy', 'bank')[i]} estimate on export controls. {filler}")
        site.pages[path] = ("text/html; charset=utf-8", f"<html><body><article><h1>Refining share {i}</h1>"
                            f"<p>{text}</p></article></body></html>".encode())
        items.insert(0, {"title": f"Refining share {i}", "link": site.base + path,
                         "published": f"2025-05-0{i + 1}T08:00:00Z"})
        site.pages["/feed.xml"] = ("application/rss+xml", rss(items))
        run_cli(env, "poll", "--once")
    stat_alerts = [a for a in alerts(env) if a["statistic"] and a["statistic"]["measure"] == "share_of_global_refining"]
    assert [a["kind"] for a in stat_alerts] == ["new_statistic", "changed_statistic", "changed_statistic"]
    delivered = [r for r in json_receiver.received if r.get("title", "").startswith("China · refining share")]
    assert len(delivered) == 1, "inside the debounce window only the first alert on the metric is sent"
    assert all(a["deliveries"] == [] for a in stat_alerts[1:])
