"""Issue 7, acceptance 1–3: every docker-compose service command, run natively at scale.

There is no container engine here, so the test reads docker-compose.yml and runs each remon
service's command as a process against a real redis-server and a real PostgreSQL: migrate
once, two workers, two beats, the web app; 200 sources on 127.0.0.1 with new items. Every
article is processed once, no alert is duplicated, `remon health` is green and /metrics
reports the work. A SIGKILLed worker and a restarted redis-server lose nothing.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import time
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg
import pytest
import yaml

from tests.inproc import run_cli
from tests.servers import (
    REPO,
    RedisServer,
    Site,
    background,
    free_port,
    remon_cmd,
    remon_env,
    rss,
    wait_for,
)

pytestmark = [pytest.mark.slow]

MATERIALS = ["gallium", "germanium", "antimony", "graphite", "dysprosium", "terbium", "tungsten", "indium"]
WORDS = ["harbour", "logistics", "quota", "smelter", "customs", "licence", "permit", "tariff", "shipment",
         "audit", "ledger", "refinery", "magnet", "turbine", "battery", "inventory", "warehouse", "freight",
         "broker", "ministry", "council", "exporter"]


def compose_commands() -> dict[str, list[str]]:
    spec = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    out = {}
    for name, service in spec["services"].items():
        command = service.get("command")
        if isinstance(command, str) and command.startswith("remon"):
            out[name] = shlex.split(command)
    return out


def synthetic_article(i: int) -> tuple[str, str]:
    """A distinct story per source (random filler), each stating one share of one material."""
    import random

    rng = random.Random(i)
    material = MATERIALS[i % len(MATERIALS)]
    filler = " ".join(rng.choice(WORDS) + rng.choice(("", "s", "ed", "ing")) + str(rng.randint(0, 999))
                      for _ in range(60))
    title = f"Export controls on {material}: report {i}"
    text = (f"China accounts for {50 + i % 45}% of global {material} production, according to analysts. "
            f"{filler}. Beijing said the export controls on {material} would remain in place while licence "
            f"applications are reviewed.")
    page = (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{text}</p></article></body></html>")
    return title, page


def db_rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.timeout(1200)
def test_compose_services_natively_at_scale(tmp_path: Path, site: Site, pg_url: str) -> None:
    commands = compose_commands()
    assert {"migrate", "worker", "worker-notify", "beat", "web"} <= set(commands)
    redis = RedisServer(port=free_port(), workdir=tmp_path)
    redis.start()
    receiver_hits: list[dict] = []
    from tests.servers import JsonReceiver

    receiver = JsonReceiver(port=free_port(), received=receiver_hits)
    receiver.start()
    web_port = free_port()
    env = remon_env(tmp_path, REMON_DATABASE_URL=pg_url, REMON_BROKER_URL=redis.url, REMON_BEAT_INTERVAL="2",
                    REMON_NOTIFY_URLS=receiver.url(), REMON_TASK_LEASE="20")
    n_sources = 200
    for i in range(n_sources):
        title, page = synthetic_article(i)
        site.pages[f"/a/{i}.html"] = ("text/html; charset=utf-8", page.encode())
        site.pages[f"/f/{i}.xml"] = ("application/rss+xml", rss([{"title": title, "link": f"{site.base}/a/{i}.html",
                                                                   "published": "2025-06-01T08:00:00Z"}]))
    try:
        run_cli(env, *commands["migrate"][1:])
        sources = "\n".join(f"  - {{url: '{site.base}/f/{i}.xml', interval: 3600}}" for i in range(n_sources))
        watch = tmp_path / "watch.yaml"
        watch.write_text("sources:\n" + sources + "\n")
        env["REMON_CONFIG"] = str(watch)
        run_cli(env, *commands["migrate"][1:])  # loads the watch file's 200 sources
        logs = tmp_path / "logs"
        logs.mkdir()

        def start(name: str, idx: int, extra: list[str] | None = None) -> object:
            cmd = remon_cmd(*commands[name][1:], *(extra or []))
            cmd = [c.replace("8080", str(web_port)) if name == "web" else c for c in cmd]
            return background(cmd, env, logs / f"{name}-{idx}.log")

        with start("worker", 1) as w1, start("worker", 2), start("worker-notify", 1), \
                start("beat", 1), start("beat", 2), start("web", 1):
            killed = False
            restarted = False

            def progress() -> bool:
                nonlocal killed, restarted
                done = db_rows(pg_url, "SELECT count(*) FROM articles WHERE status IN "
                                       "('analysed','irrelevant','duplicate','failed')")[0][0]
                if done >= 40 and not killed:  # acceptance 2: SIGKILL one worker mid-run
                    os.killpg(w1.pid, signal.SIGKILL)  # type: ignore[attr-defined]
                    killed = True
                if done >= 100 and not restarted:  # acceptance 3: restart redis-server mid-run
                    redis.stop()
                    time.sleep(1)
                    redis.start()
                    restarted = True
                return done >= n_sources

            wait_for(progress, timeout=600, interval=1, what="every article processed")
            wait_for(lambda: db_rows(pg_url, "SELECT count(*) FROM deliveries WHERE status <> 'sent'")[0][0] == 0
                     and db_rows(pg_url, "SELECT count(*) FROM deliveries")[0][0] > 0,
                     timeout=300, interval=1, what="every alert delivered")
            health = run_cli(env, "health", "--check", "database,broker,beat,tasks,backlog", check=False)
            assert health.returncode == 0, health.stdout + health.stderr
            metrics = urllib.request.urlopen(f"http://127.0.0.1:{web_port}/metrics", timeout=10).read().decode()
            assert "remon_polls_total" in metrics and "remon_articles_processed_total" in metrics
            processed = [line for line in metrics.splitlines() if line.startswith("remon_articles_processed_total")]
            assert float(processed[0].split()[-1]) >= n_sources
        assert killed and restarted
        statuses = dict(db_rows(pg_url, "SELECT status, count(*) FROM articles GROUP BY status"))
        assert sum(statuses.values()) == n_sources and statuses.get("failed", 0) == 0, statuses
        # every article processed once: one analysis row set per article, no duplicate statistic rows
        dup_stats = db_rows(pg_url, "SELECT article_id, idx, count(*) FROM statistics "
                                    "GROUP BY 1, 2 HAVING count(*) > 1")
        assert dup_stats == []
        assert statuses.get("analysed", 0) == n_sources, statuses  # distinct stories: none is a copy
        n_alerts = db_rows(pg_url, "SELECT count(*) FROM alerts")[0][0]
        assert n_alerts >= len(MATERIALS)
        dup_alerts = db_rows(pg_url, "SELECT dedup_key FROM alerts GROUP BY 1 HAVING count(*) > 1")
        assert dup_alerts == []
        sent = db_rows(pg_url, "SELECT count(*) FROM deliveries WHERE status = 'sent'")[0][0]
        keys = Counter(json.dumps(h, sort_keys=True) for h in receiver_hits)
        # every delivery arrived; at most the sends in flight at the SIGKILL may repeat
        assert len(keys) == sent
        assert sum(c - 1 for c in keys.values()) <= 2, [k for k, c in keys.items() if c > 1][:3]
    finally:
        receiver.stop()
        redis.stop()
