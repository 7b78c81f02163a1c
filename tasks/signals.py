"""Task lifecycle observed in one place: durations, failures and heartbeats for health/metrics."""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

from celery.signals import task_failure, task_postrun, task_prerun

from storage import queries
from storage.db import session_scope
from storage.faults import DATA, where_of
from tasks.runtime import get_runtime

log = logging.getLogger("remon.tasks")
_started: dict[str, float] = {}


class TaskTimeLimit(BaseException):
    """The task's soft time limit (REMON_TASK_SOFT_TIME_LIMIT) ran out.

    Celery raises ``SoftTimeLimitExceeded``, an ``Exception``: any ``except Exception`` on the
    way (trafilatura's guard, feedparser's) would swallow it and the task would run on until
    the hard limit kills its process. A ``BaseException`` reaches the task, which records why.
    """


def _time_limit_handler(signum: int, frame: Any) -> None:
    raise TaskTimeLimit()


# the tasks that catch TaskTimeLimit and record why (tasks.jobs); the others keep Celery's exception
CATCHES_TIME_LIMIT = frozenset({"remon.process_article", "remon.refresh_source"})


@task_prerun.connect
def _prerun(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.monotonic()
    # in a prefork pool process, billiard's handler of the soft-limit signal raises
    # SoftTimeLimitExceeded; raise the not-swallowed-by-accident TaskTimeLimit instead
    from billiard.pool import SIG_SOFT_TIMEOUT, soft_timeout_sighandler

    if SIG_SOFT_TIMEOUT is None or threading.current_thread() is not threading.main_thread():
        return
    current = signal.getsignal(SIG_SOFT_TIMEOUT)
    if current is soft_timeout_sighandler or current is _time_limit_handler:
        ours = getattr(task, "name", None) in CATCHES_TIME_LIMIT
        signal.signal(SIG_SOFT_TIMEOUT, _time_limit_handler if ours else soft_timeout_sighandler)


@task_failure.connect
def _failure(task_id: str | None = None, exception: BaseException | None = None, sender: Any = None,
             **_: Any) -> None:
    log.error("task %s failed: %s", getattr(sender, "name", "?"), exception, extra={"task_id": task_id})


@task_postrun.connect
def _postrun(task_id: str | None = None, task: Any = None, state: str | None = None, **_: Any) -> None:
    started = _started.pop(task_id or "", None)
    seconds = time.monotonic() - started if started is not None else 0.0
    name = getattr(task, "name", "unknown").removeprefix("remon.")
    url = get_runtime().db_url
    try:
        with session_scope(url) as session:
            queries.count_task(session, name=name, seconds=seconds, failed=state != "SUCCESS")
            if state == "SUCCESS":
                queries.beat(session, name="beat" if name == "poll_due_sources" else f"task.{name}")
    except Exception as exc:  # metrics must never fail a task
        if DATA.failed(exc, where_of(url), action="task metrics are not recorded meanwhile") is None:
            log.exception("could not record task metrics")
    else:
        DATA.succeeded(where_of(url))
