"""The one apprise wrapper: send a message to a channel, never leaking its URL.

Apprise logs and exception messages can contain the URL (and so its secrets); everything it
says during a send is captured and masked before it is returned or logged.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from typing import Any

import apprise

from worker.alert.mask import mask_text
from worker.config import Channel

log = logging.getLogger("remon.notify")
SEND_TIMEOUT = 15


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str | None = None


def retry_delay(attempts: int, *, base: float = 30.0, cap: float = 3600.0) -> float:
    """Exponential backoff with full jitter in its upper half: base·2^(n-1), capped."""
    delay = min(cap, base * (2 ** max(attempts - 1, 0)))
    return delay * random.uniform(0.5, 1.0)


def send(channel: Channel, title: str, body: str, *, payload: dict[str, Any] | None = None) -> SendResult:
    """Send ``title``/``body`` to one channel; the result's error is masked and readable."""
    secret = channel.url.get_secret_value()
    asset = apprise.AppriseAsset(async_mode=False)
    notifier = apprise.Apprise(asset=asset)
    with apprise.LogCapture(level=logging.WARNING) as captured:
        try:
            if not notifier.add(secret):
                return SendResult(False, f"apprise does not understand the URL {channel.label}")
            for server in notifier:
                server.socket_connect_timeout = SEND_TIMEOUT
                server.socket_read_timeout = SEND_TIMEOUT
                if hasattr(server, "timeout"):
                    server.timeout = SEND_TIMEOUT
            ok = notifier.notify(title=title, body=body or title, body_format=apprise.NotifyFormat.TEXT)
        except Exception as exc:  # a plugin bug must not take the worker down
            ok = False
            captured.write(f"{type(exc).__name__}: {exc}\n")
        said = captured.getvalue()
    if ok:
        return SendResult(True)
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    reason = mask_text(" | ".join(lines[-3:]) or "the target refused the message", [secret])
    log.warning("send to %s failed: %s", channel.label, reason)
    return SendResult(False, f"alert.delivery_failed: {reason}"[:1000])
