"""Housekeeping on a schedule (``REMON_MAINTENANCE_INTERVAL``): the embedded default stays bounded.

* the embedded broker's table loses the rows of consumed messages older versions kept
  (``tasks.broker.prune``; this version deletes a message when it is taken);
* SQLite's write-ahead logs (data and broker) are checkpointed and truncated, so they do not keep
  the size of their busiest moment (``PRAGMA journal_size_limit`` bounds them in between);
* the data folder's free space is checked, with a warning while it is below ``REMON_MIN_FREE_MB``,
  before writes start to fail (``remon health --check disk`` reports the same);
* held (unconfirmed) items older than ``REMON_UNCONFIRMED_MAX_DAYS`` expire (issue 15).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import OperationalError

from storage.db import checkpoint
from storage.faults import DATA, where_of
from storage.models import utcnow
from storage.space import free_space
from tasks import alert_gate, broker
from tasks.runtime import Runtime

log = logging.getLogger("remon.maintenance")


def run(rt: Runtime) -> dict[str, Any]:
    settings = rt.settings
    out: dict[str, Any] = {}
    space = free_space(settings.data_dir)
    if space is not None:
        out["free_mb"] = space.free_mb
        if space.free_mb < settings.min_free_mb:
            log.warning("the data folder %s has %d MB free, less than REMON_MIN_FREE_MB=%d: free some space "
                        "there before writes fail (remon then waits until they work again)",
                        space.path, space.free_mb, settings.min_free_mb)
    try:
        if broker.is_sql(settings.broker_url_value):
            out["broker_rows_pruned"] = broker.prune(settings.broker_url_value)
        checkpoint(rt.db_url)
        out["unconfirmed_expired"] = alert_gate.expire(rt, now=utcnow())
    except OperationalError as exc:
        if DATA.failed(exc, where_of(rt.db_url), action="housekeeping runs again later") is None:
            raise
    return out
