"""The Celery app: broker from settings, reliable delivery options, queues and beat schedule.

``acks_late`` + ``worker_prefetch_multiplier=1`` mean a task killed mid-run is redelivered
rather than lost; the tasks are idempotent so a redelivery is harmless. The database stays
the record: the sweeper re-enqueues whatever it still calls pending, so even a broker that
loses messages (or the embedded SQLite broker after a crash) loses no work.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

from tasks import broker as embedded_broker
from tasks.runtime import get_runtime

SQL_BROKER_POLL = embedded_broker.POLL_INTERVAL  # seconds between polls of an empty queue (kombu: 1.0)
SWEEP_EVERY = 15.0  # seconds between sweeps: claims of dead local processes, lost messages


def make_app() -> Celery:
    rt = get_runtime()
    settings = rt.settings
    broker = settings.broker_url_value
    if broker.startswith("sqla+sqlite:///"):
        # the embedded broker's file: its directory may not exist yet when the data itself is on
        # PostgreSQL (nothing else creates REMON_DATA_DIR), and the worker would spin on "unable
        # to open database file"
        Path(broker.removeprefix("sqla+sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    embedded_broker.install()  # sqla+ URLs: kombu's SQLAlchemy transport with its fixes (tasks.broker)
    app = Celery("remon", broker=broker, include=["tasks.jobs"])
    beat = float(settings.beat_interval)
    maintain = float(settings.maintenance_interval)
    conf: dict[str, Any] = {
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_default_queue": "analyze",
        "task_routes": {
            "remon.poll_due_sources": {"queue": "poll"},
            "remon.sweep": {"queue": "poll"},
            "remon.maintain": {"queue": "poll"},
            "remon.refresh_source": {"queue": "fetch"},
            "remon.process_article": {"queue": "analyze"},
            "remon.deliver_alerts": {"queue": "notify"},
        },
        # the soft limit interrupts a stuck task (its article/source is recorded failed, see
        # tasks.jobs); the hard one kills a process stuck in C code, and steps.process_article
        # gives up on an article that keeps getting killed
        "task_soft_time_limit": settings.task_soft_time_limit,
        "task_time_limit": settings.task_time_limit,
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        "worker_hijack_root_logger": False,
        "beat_schedule": {
            "poll-due-sources": {"task": "remon.poll_due_sources", "schedule": timedelta(seconds=beat),
                                 "options": {"expires": beat}},
            "sweep": {"task": "remon.sweep", "schedule": timedelta(seconds=SWEEP_EVERY),
                      "options": {"expires": SWEEP_EVERY}},
            "maintain": {"task": "remon.maintain", "schedule": timedelta(seconds=maintain),
                         "options": {"expires": maintain}},
        },
        # Every entry is an interval and the database holds what is due, so beat needs no
        # schedule file: several beats (or a restarted one) never fight over one.
        "beat_scheduler": "celery.beat:Scheduler",
        "timezone": "UTC",
    }
    if broker.startswith("redis"):
        conf["broker_transport_options"] = {"visibility_timeout": 3600}
    # (the embedded broker polls its queues every SQL_BROKER_POLL seconds: tasks.broker.Transport)
    app.conf.update(conf)
    return app


def start(app: Celery, argv: list[str]) -> int:
    """Run a ``celery`` command (``worker``, ``beat``) in this process and return its exit code.

    ``Celery.start`` drops it: with click 8.2 ``main(standalone_mode=False)`` *returns* the code
    that ``ctx.exit()`` gives rather than raising, and ``Celery.start`` does not return what
    ``main`` returns, so a worker that stopped on "Unrecoverable error" exited 0 (issue 19).
    """
    from celery.bin.celery import celery as celery_cli
    from click.exceptions import Exit

    celery_cli.params[0].default = app  # what Celery.start does: the --app option defaults to ours
    try:
        code = celery_cli.main(args=argv, standalone_mode=False)
    except Exit as exc:
        code = exc.exit_code
    finally:
        celery_cli.params[0].default = None
    return code if isinstance(code, int) else 0


@worker_process_init.connect
def _fresh_connections(**_: Any) -> None:
    """A forked pool process must not reuse the parent's pooled database connections (data or broker)."""
    from storage.db import dispose_all

    dispose_all()
    embedded_broker.forget_engines(close=False)


app = make_app()
