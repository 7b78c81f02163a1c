"""``remon init``, ``remon run`` and ``remon beat``: prepare the database and run the service.

``init`` and ``run`` are the only commands that create a database; both load the watch file's
sources (and the curated defaults when it asks for them) before anything polls.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated, Any

import typer

from remon.commands import context

log = logging.getLogger("remon")


def init() -> None:
    """Create or upgrade the database schema and load the watch file's sources."""
    rt = context.runtime()
    context.create_database(rt.db_url)
    added = sync_watch_sources(rt)
    from storage.location import describe

    typer.echo(f"database ready at {describe(rt.db_url)}; {added} source(s) added from the watch file")


def sync_watch_sources(rt: Any) -> int:
    """Add the watch file's sources (and the defaults when ``use_default_sources``); how many were new."""
    from remon.commands.sources import add_specs, default_specs

    specs = list(rt.watch.sources) + (default_specs() if rt.watch.use_default_sources else [])
    return sum(a.created for a in add_specs(rt, specs))


def _say_when_root() -> None:
    """Nothing in ``remon run`` needs root; Celery warns about it at length on every start."""
    import os

    if hasattr(os, "geteuid") and os.geteuid() == 0:
        log.warning("running as root: remon needs no privileges (only `make test` installs packages); "
                    "run it as an ordinary user, and Celery's superuser warning below goes away")


def _say_when_nothing_to_poll(rt: Any) -> None:
    """A new user's first ``make run`` has no source: say how to add one rather than idle in silence."""
    from remon.commands.poll import NO_SOURCES
    from remon.commands.sources import enabled_count

    if enabled_count(rt) == 0:
        log.warning("%s; the worker picks new sources up at its next tick", NO_SOURCES)


def run(
    no_beat: Annotated[bool, typer.Option("--no-beat", help="Do not run the scheduler here.")] = False,
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", min=1)] = 2,
    queues: Annotated[str, typer.Option("--queues", "-Q", help="Comma-separated queues.")] =
        "poll,fetch,analyze,notify",
    loglevel: Annotated[str, typer.Option("--loglevel")] = "INFO",
    restart: Annotated[bool | None, typer.Option(
        "--restart/--no-restart", help="Start the worker again when it stops on an error (default: "
        "REMON_RESTART, on with the embedded broker).")] = None,
) -> None:
    """Run the worker (and, unless --no-beat, the scheduler in the same process)."""
    rt = context.runtime()
    context.check_channels(rt)
    if rt.settings.restart_value if restart is None else restart:
        from remon.supervise import supervise

        child = [sys.executable, "-m", "remon", "run", f"--concurrency={concurrency}", f"--queues={queues}",
                 f"--loglevel={loglevel}", "--no-restart", *(["--no-beat"] if no_beat else [])]
        raise typer.Exit(supervise(child))
    context.create_database(rt.db_url)
    sync_watch_sources(rt)
    _say_when_nothing_to_poll(rt)
    _say_when_root()
    from tasks.app import app as celery_app
    from tasks.app import start as start_celery

    argv = ["worker", f"--concurrency={concurrency}", f"--queues={queues}", f"--loglevel={loglevel}",
            "--without-gossip", "--without-mingle"]
    if not no_beat:
        argv.append("--beat")
    if "analyze" in queues.split(","):
        from worker.extract.analyze import warm_up

        warm_up()  # compiled here once, inherited by every pool process (a fresh one after a crash too)
    from celery.signals import worker_shutting_down

    from tasks.jobs import recover_at_start

    recover_at_start()  # the claims of this host's gone processes (a killed run) and pending work
    asked_to_stop: list[str] = []  # a shutdown signal (TERM, INT, QUIT) arrived
    worker_shutting_down.connect(lambda sig=None, **_: asked_to_stop.append(str(sig)), weak=False)
    code = start_celery(celery_app, argv)
    if asked_to_stop:
        raise typer.Exit(0)
    if code == 0:  # a worker is a service: it never ends by itself
        log.error("the worker stopped without being asked to")
        code = 1
    raise typer.Exit(code)


def beat(loglevel: Annotated[str, typer.Option("--loglevel")] = "INFO") -> None:
    """Run only the scheduler (exactly one per deployment is useful; more are harmless)."""
    context.migrated_runtime()
    from tasks.app import app as celery_app
    from tasks.app import start as start_celery

    code = start_celery(celery_app, ["beat", f"--loglevel={loglevel}"])
    if code:
        raise typer.Exit(code)
