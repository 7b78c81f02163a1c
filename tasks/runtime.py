"""What a process needs to run the pipeline: settings, watch file, channels, fetch options.

Built once per process from the environment (``get_runtime``), or explicitly in tests and
by the CLI. Domain code receives pieces of it as arguments; it never reads settings itself.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from worker.config import Channel, Settings, WatchConfig, load_settings
from worker.fetch.client import FetchOptions

log = logging.getLogger("remon")


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    watch: WatchConfig
    channels: tuple[Channel, ...]
    fetch_options: FetchOptions
    secrets: tuple[str, ...] = field(default=())
    gate: Any = None  # tasks.politeness.HostGate: the per-host limit across workers

    @property
    def db_url(self) -> str:
        return self.settings.database_url_value


def build_runtime(settings: Settings) -> Runtime:
    watch = settings.watch()
    channels = tuple(settings.channels())
    from tasks.politeness import HostGate

    options = FetchOptions(
        user_agent=settings.user_agent,
        connect_timeout=min(10.0, settings.fetch_timeout),
        read_timeout=min(15.0, settings.fetch_timeout),
        total_timeout=settings.fetch_timeout,
        max_bytes=settings.max_body_bytes,
        allow_private=settings.allow_private_networks,
        allow_hosts=tuple(watch.allow_hosts),
    )
    secrets = tuple(c.url.get_secret_value() for c in channels)
    return Runtime(settings=settings, watch=watch, channels=channels, fetch_options=options, secrets=secrets,
                   gate=HostGate(settings))


@functools.cache
def get_runtime() -> Runtime:
    """The process-wide runtime, from the environment (validated once)."""
    return build_runtime(load_settings())
