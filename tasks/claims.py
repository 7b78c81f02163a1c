"""Who holds a claim, and when another may take it over.

A worker claims a row before it works on it (a source it polls, an article it analyses, a delivery
it sends) and writes its *owner token* on the row (``claimed_by``)::

    <host>:<boot id>:<pid>:<process start time>/<task id>/<retries>

The first half names the process (the boot id and start time tell a dead process from a new one
that got the same pid); the second half names the Celery task run. That makes three recoveries
possible without waiting for a long lease (issue 19: a kill used to stall work for 10 minutes):

* a process on the same host that is gone (killed, crashed, the machine rebooted) is seen to be
  gone at once (``gone``), so the sweeper, which also runs when a worker starts, releases its
  claims;
* a retry of the same task (Celery keeps the task id and counts ``retries``) takes over the claim
  its earlier run left behind, instead of finding it "held" and doing nothing;
* a claim by a process elsewhere (another host or container) lasts ``REMON_TASK_LEASE`` seconds
  unless renewed; the worker renews the claims of running tasks every third of that
  (``tasks.lease``), so only a dead worker's claims run out.

A live process on this host whose lease ran out (its renewals failed: a full disk blocks them as
well) keeps its claim for one more lease before another may take it: it will most likely finish,
and taking over a delivery in flight would send it twice.
"""

from __future__ import annotations

import functools
import os
import socket
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from storage.claims import Decide


@functools.cache
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "")[:12]
    except OSError:
        return "-"


def _start_time(pid: int) -> str | None:
    """The process's start time (clock ticks since boot) from /proc; None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return "-"
    return stat.rsplit(")", 1)[1].split()[19]


def _alive_without_proc(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@functools.cache
def _instance(pid: int) -> str:
    return f"{socket.gethostname()}:{_boot_id()}:{pid}:{_start_time(pid) or '-'}"


def instance() -> str:
    """This process: ``host:boot:pid:start`` (computed per pid, so a forked pool process gets its own)."""
    return _instance(os.getpid())


def token(task_id: str | None = None, retries: int = 0) -> str:
    return f"{instance()}/{task_id or '-'}/{int(retries)}"


def current_owner() -> str:
    """The owner token of the Celery task running here (its id and retry count), else of this process."""
    if "celery" in sys.modules:
        from celery import current_task

        request = getattr(current_task, "request", None)
        task_id = getattr(request, "id", None)
        if task_id:
            return token(str(task_id), int(getattr(request, "retries", 0) or 0))
    return token()


@dataclass(frozen=True)
class Holder:
    host: str
    boot: str
    pid: int
    start: str
    task: str
    run: int

    @property
    def local(self) -> bool:
        return self.host == socket.gethostname()


def parse(owner: str | None) -> Holder | None:
    """The parts of an owner token; None for anything else (a claim written by an older version)."""
    if not owner:
        return None
    try:
        process, task, run = owner.rsplit("/", 2)
        host, boot, pid, start = process.rsplit(":", 3)
        return Holder(host=host, boot=boot, pid=int(pid), start=start, task=task, run=int(run))
    except ValueError:
        return None


def gone(owner: str | None) -> bool:
    """True when the owner is a process of this host that no longer runs (another host: never known)."""
    holder = parse(owner)
    if holder is None or not holder.local:
        return False
    if holder.boot != _boot_id():
        return True  # the machine (or container) started again since
    if holder.start == "-" or _boot_id() == "-":
        return not _alive_without_proc(holder.pid)
    return _start_time(holder.pid) != holder.start


def decider(*, now: datetime, me: str, lease: timedelta) -> Decide:
    """The takeover rule for ``storage.claims``: may ``me`` take a row held by ``holder`` until ``until``,
    and does taking it count as an interrupted run (``attempts + 1``) or not (a retry of the same task)."""
    mine = parse(me)

    def decide(holder: str | None, until: datetime | None) -> tuple[bool, int]:
        held = parse(holder)
        if held is not None and mine is not None and held.task == mine.task != "-" and held.run != mine.run:
            return True, 0  # a retry of the run that holds it: that run has ended
        if held is not None and gone(holder):
            return True, 1
        if until is not None and until > now:
            return False, 0
        if held is not None and held.local and until is not None:
            return until <= now - lease, 1  # alive here: one more lease before it is taken from it
        return True, 1

    return decide
