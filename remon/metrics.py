"""Prometheus metrics computed from the database at scrape time.

Workers may run on several hosts; the database is the one place that sees all of them, so
counters live there (``task_metrics``, source and delivery rows) and /metrics reads them.
"""

from __future__ import annotations

from typing import Any

from storage.db import session_scope
from storage.ops import counters


def _line(name: str, value: float, labels: dict[str, Any] | None = None) -> str:
    if labels:
        inner = ",".join(f'{k}="{str(v).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
                         for k, v in labels.items())
        return f"{name}{{{inner}}} {value}"
    return f"{name} {value}"


def render_metrics(db_url: str, *, queue_depths: dict[str, int] | None = None) -> str:
    """The Prometheus text exposition of remon's counters and gauges."""
    out: list[str] = []

    def family(name: str, kind: str, help_text: str) -> None:
        out.append(f"# HELP {name} {help_text}")
        out.append(f"# TYPE {name} {kind}")

    with session_scope(db_url) as session:
        found = counters(session)
    tasks = found.tasks
    family("remon_task_runs_total", "counter", "Task runs by task name.")
    out += [_line("remon_task_runs_total", t.runs, {"task": t.name}) for t in tasks]
    family("remon_task_failures_total", "counter", "Task runs that raised.")
    out += [_line("remon_task_failures_total", t.failures, {"task": t.name}) for t in tasks]
    family("remon_task_duration_seconds_sum", "counter", "Total seconds spent in each task.")
    out += [_line("remon_task_duration_seconds_sum", round(t.total_seconds, 3), {"task": t.name}) for t in tasks]
    polls = next((t.runs for t in tasks if t.name == "refresh_source"), 0)
    family("remon_polls_total", "counter", "Source polls (refresh_source runs).")
    out.append(_line("remon_polls_total", polls))
    family("remon_fetch_errors", "gauge", "Sources whose last poll failed, by error code.")
    out += [_line("remon_fetch_errors", n, {"code": code}) for code, n in found.fetch_errors]
    family("remon_articles", "gauge", "Articles by pipeline status.")
    out += [_line("remon_articles", n, {"status": status}) for status, n in found.articles]
    family("remon_articles_processed_total", "counter", "Articles analysed, skipped as copies or irrelevant.")
    out.append(_line("remon_articles_processed_total", found.processed))
    family("remon_alert_deliveries", "gauge", "Alert deliveries by channel (masked) and status.")
    out += [_line("remon_alert_deliveries", n, {"channel": channel, "status": status})
            for channel, status, n in found.deliveries]
    if queue_depths is not None:
        family("remon_queue_depth", "gauge", "Messages waiting in each broker queue.")
        out += [_line("remon_queue_depth", n, {"queue": q}) for q, n in queue_depths.items()]
    return "\n".join(out) + "\n"


def queue_depths(broker_url: str, queues: tuple[str, ...]) -> dict[str, int]:
    """Waiting messages per queue, read from the broker (0 when it cannot be asked)."""
    from kombu.connection import Connection

    depths: dict[str, int] = {}
    try:
        with Connection(broker_url, connect_timeout=3) as conn:
            channel = conn.default_channel
            for queue in queues:
                try:
                    depths[queue] = int(channel.queue_declare(queue=queue, passive=True).message_count)
                except Exception:
                    depths[queue] = 0
    except Exception:
        return {q: 0 for q in queues}
    return depths
