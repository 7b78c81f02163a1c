"""Health checks for `remon health`, compose healthchecks and the web app's /readyz."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from storage import ops
from storage.db import session_scope
from storage.models import utcnow
from storage.space import free_space
from worker.config import Settings

CHECKS = ("database", "broker", "beat", "tasks", "backlog", "notify", "disk")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database(settings: Settings) -> Check:
    from storage.location import database_exists, describe

    try:
        if not database_exists(settings.database_url_value):  # never create one here
            return Check("database", False, f"no database at {describe(settings.database_url_value)}; "
                                            "run `remon init`")
        with session_scope(settings.database_url_value) as session:
            version = ops.schema_version(session)
        return Check("database", True, f"reachable, schema {version}")
    except Exception as exc:
        return Check("database", False, f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:200]}")


def check_broker(settings: Settings) -> Check:
    """Reachable, and how many messages wait in each queue (a backlog that keeps growing means the workers
    do not keep up, or none consumes that queue)."""
    url = settings.broker_url_value
    if url.startswith("sqla+sqlite:///") and not Path(url.removeprefix("sqla+sqlite:///")).exists():
        # connecting (or building the Celery app) would create the file and its folder: a health
        # check must not make a data folder
        return Check("broker", True, f"embedded, not created yet at {url.removeprefix('sqla+sqlite:///')}; "
                                     "`remon run` creates it")
    from kombu.connection import Connection

    from tasks.broker import install
    from tasks.queues import QUEUES

    install()  # the embedded broker through remon's transport (tasks.broker), as the worker uses it
    try:
        with Connection(settings.broker_url_value, connect_timeout=5) as conn:
            conn.ensure_connection(max_retries=1, timeout=5)
            waiting = {queue: _waiting(conn, queue) for queue in QUEUES}
        total = sum(waiting.values())
        detail = ", ".join(f"{q} {n}" for q, n in waiting.items())
        return Check("broker", True, f"reachable; {total} message(s) waiting ({detail})")
    except Exception as exc:
        return Check("broker", False, f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:200]}")


def _waiting(conn: Any, queue: str) -> int:
    from kombu.exceptions import ChannelError

    try:
        return int(conn.default_channel.queue_declare(queue=queue, passive=True).message_count)
    except ChannelError:  # never declared (Redis: no message ever waited there)
        return 0


def check_disk(settings: Settings) -> Check:
    """Free space in the data folder: fails below REMON_MIN_FREE_MB, before writes start to fail."""
    space = free_space(settings.data_dir)
    if space is None:
        return Check("disk", False, f"cannot read the free space of {settings.data_dir}")
    detail = (f"data folder {space.path}: {space.free_mb:,} MB free of {space.total_mb:,} MB "
              f"({space.free_percent:.0f}%)")
    if space.free_mb < settings.min_free_mb:
        return Check("disk", False, f"{detail}, below REMON_MIN_FREE_MB={settings.min_free_mb}: free some space "
                                    "(writes wait while the disk is full)")
    return Check("disk", True, detail)


def _age(settings: Settings, name: str) -> timedelta | None:
    with session_scope(settings.database_url_value) as session:
        at = ops.heartbeat_at(session, name)
    return utcnow() - at if at else None


def check_beat(settings: Settings) -> Check:
    age = _age(settings, "beat")
    limit = timedelta(seconds=max(3 * settings.beat_interval, 120))
    if age is None:
        return Check("beat", False, "no beat tick recorded yet")
    detail = f"last tick {int(age.total_seconds())}s ago (limit {int(limit.total_seconds())}s)"
    return Check("beat", age <= limit, detail)


def check_tasks(settings: Settings) -> Check:
    with session_scope(settings.database_url_value) as session:
        latest = ops.last_task_success(session)
    if latest is None:
        return Check("tasks", True, "no task has run yet")
    return Check("tasks", True, f"last task success {int((utcnow() - latest).total_seconds())}s ago")


def check_backlog(settings: Settings) -> Check:
    with session_scope(settings.database_url_value) as session:
        found = ops.backlog(session)
    return Check("backlog", True, f"{found.pending_articles} articles pending, {found.due_deliveries} deliveries "
                                  f"due, {found.failed_deliveries} failed")


def check_notify(settings: Settings) -> Check:
    """Every channel in REMON_NOTIFY_URLS is one apprise can send to (nothing is sent)."""
    from remon.checks import channel_problems

    channels = settings.channels()
    problems = channel_problems(channels)
    if problems:
        return Check("notify", False, "REMON_NOTIFY_URLS: " + "; ".join(problems))
    return Check("notify", True, f"{len(channels)} channel(s) accepted" if channels else "no channel configured")


def run_checks(settings: Settings, names: list[str]) -> list[Check]:
    funcs = {"database": check_database, "broker": check_broker, "beat": check_beat,
             "tasks": check_tasks, "backlog": check_backlog, "notify": check_notify, "disk": check_disk}
    out: list[Check] = []
    for name in names:
        if name not in ("database", "broker", "notify", "disk") and out and not out[0].ok and out[0].name == "database":
            out.append(Check(name, False, "database unreachable"))
            continue
        out.append(funcs[name](settings))
    return out
