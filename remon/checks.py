"""Checks of the notification channels, run when a command that sends starts and by ``remon health``.

Apprise reads a URL only when it is about to send, and says why it refuses one in a log line:
a channel with an unknown scheme (``bogus://``) or a bad sender address would otherwise pass
``remon health`` and ``remon poll`` and drop every alert in silence.
"""

from __future__ import annotations

from collections.abc import Sequence

from worker.config import Channel
from worker.errors import ConfigError

SETTING = "REMON_NOTIFY_URLS"


def channel_problems(channels: Sequence[Channel]) -> list[str]:
    """One masked line per channel apprise refuses: ``channel 2 (bogus://***): why``."""
    from worker.alert.notify import channel_problem

    out = []
    for number, channel in enumerate(channels, 1):
        problem = channel_problem(channel)
        if problem is not None:
            out.append(f"channel {number} ({channel.label}): {problem}")
    return out


def check_channels(channels: Sequence[Channel]) -> None:
    """Raise a ConfigError naming the setting when apprise refuses any channel."""
    problems = channel_problems(channels)
    if problems:
        raise ConfigError(f"{SETTING}: " + "; ".join(problems), code="config.notify_url")
