"""Task lifecycle observed in one place: durations, failures and heartbeats for health/metrics."""

from __future__ import annotations

import logging
import time
from typing import Any

from celery.signals import task_failure, task_postrun, task_prerun

from storage import queries
from storage.db import session_scope
from tasks.runtime import get_runtime

log = logging.getLogger("remon.tasks")
_started: dict[str, float] = {}


@task_prerun.connect
def _prerun(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.monotonic()


@task_failure.connect
def _failure(task_id: str | None = None, exception: BaseException | None = None, sender: Any = None,
             **_: Any) -> None:
    log.error("task %s failed: %s", getattr(sender, "name", "?"), exception, extra={"task_id": task_id})


@task_postrun.connect
def _postrun(task_id: str | None = None, task: Any = None, state: str | None = None, **_: Any) -> None:
    started = _started.pop(task_id or "", None)
    seconds = time.monotonic() - started if started is not None else 0.0
    name = getattr(task, "name", "unknown").removeprefix("remon.")
    try:
        with session_scope(get_runtime().db_url) as session:
            queries.count_task(session, name=name, seconds=seconds, failed=state != "SUCCESS")
            if state == "SUCCESS":
                queries.beat(session, name="beat" if name == "poll_due_sources" else f"task.{name}")
    except Exception:  # metrics must never fail a task
        log.exception("could not record task metrics")
