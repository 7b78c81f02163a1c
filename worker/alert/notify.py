"""The one apprise wrapper: send a message to a channel, never leaking its URL.

Apprise logs, and its exceptions, can contain the URL and so its secrets. During a send a
filter on the ``apprise`` logger masks every record in place (so no handler anywhere sees the
raw text) and keeps this thread's warnings to explain a failure. Socket timeouts are set on
every plugin, and the send runs against a hard deadline, so a dead target cannot hang a worker.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
from dataclasses import dataclass
from typing import Any, Literal

import apprise

from worker.common.mask import mask_text
from worker.config import Channel

log = logging.getLogger("remon.notify")

Format = Literal["text", "markdown", "html"]
SEND_TIMEOUT = 15.0
"""Seconds allowed to connect and to wait for each read, per target."""
MAX_ATTEMPTS = 8
"""Sends of one delivery before it is marked failed (about 2 hours of backoff at the defaults)."""
RETRY_BASE = 30.0
RETRY_CAP = 3600.0

_FORMATS: dict[str, Format] = {"text": "text", "markdown": "markdown", "html": "html"}


@dataclass(frozen=True)
class SendResult:
    """The outcome of one send; ``error`` is masked, starts with ``alert.delivery_failed``."""

    ok: bool
    error: str | None = None


def retry_delay(attempts: int, *, base: float = RETRY_BASE, cap: float = RETRY_CAP,
                rng: random.Random | None = None) -> float:
    """Seconds before the next try after ``attempts`` failed ones: base·2^(n-1), capped, jittered.

    "Equal jitter": half the delay is fixed, half random, so retries of many deliveries to the
    same dead target spread out without ever retrying sooner than half the backoff.
    """
    delay = min(cap, base * (2.0 ** min(max(attempts - 1, 0), 30)))
    jitter: float = (rng or random.Random()).uniform(0, delay / 2)
    return delay / 2 + jitter


class _MaskingFilter(logging.Filter):
    """Masks secrets in every apprise record; keeps the warnings to explain a failure."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets
        self.lines: list[str] = []
        self.quiet = False  # keep the records to ourselves (a check that reports them in its own words)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record must not break the send
            message = str(record.msg)
        masked = mask_text(message, self.secrets)
        record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info), self.secrets)
            record.exc_info = None
        if record.levelno >= logging.WARNING and record.name == "apprise":
            self.lines.append(masked)
        return not self.quiet


def _plugins(notifier: apprise.Apprise) -> list[Any]:
    return list(notifier)


def _format_of(plugin: Any) -> Format:
    resolve = getattr(plugin, "resolve_format", None)
    value = resolve(None) if callable(resolve) else plugin.notify_format
    if isinstance(value, (tuple, list)):
        value = value[0]
    return _FORMATS.get(str(getattr(value, "value", value)).lower(), "text")


@functools.cache
def _known_schemes() -> frozenset[str]:
    found: set[str] = set()
    for schema in apprise.Apprise().details().get("schemas", []):
        for key in ("protocols", "secure_protocols"):
            value = schema.get(key) or ()
            found.update([value] if isinstance(value, str) else value)
    return frozenset(s.lower() for s in found)


def _reason(url: str, lines: list[str]) -> str:
    """apprise's own words for a refusal, without its "Could not load …" echo of the URL."""
    scheme = url.partition("://")[0].lower()
    if scheme not in _known_schemes():
        return f"no notification service is called {scheme!r} (apprise's schemes: mailto, json, slack, tgram, …)"
    said = [" ".join(line.replace("~", "").split()) for line in lines]
    useful = [line for line in said if line and not line.startswith(("Could not load", "Unparseable URL"))]
    return "; ".join(dict.fromkeys(useful)) or "apprise cannot read this URL"


def channel_problem(channel: Channel) -> str | None:
    """Why apprise refuses this channel's URL ("Invalid From email specified: …", an unknown
    scheme), or None when it accepts it. Nothing is sent; secrets are masked."""
    secret = channel.url.get_secret_value()
    with _masked_apprise_logs([secret]) as captured:
        captured.quiet = True
        accepted = apprise.Apprise().add(secret)
    if accepted:
        return None
    return mask_text(_reason(secret, captured.lines), [secret])


def channel_format(channel: Channel) -> Format:
    """The body format that suits the channel's service (apprise's ``notify_format``).

    Email prefers HTML, chat services Markdown, SMS and ``json://`` plain text. Render the
    message in this format, then ``send(..., body_format=fmt)``.
    """
    notifier = apprise.Apprise()
    with _masked_apprise_logs([channel.url.get_secret_value()]):
        if not notifier.add(channel.url.get_secret_value()):
            return "text"
    plugins = _plugins(notifier)
    return _format_of(plugins[0]) if plugins else "text"


# Loggers that write during a send: apprise itself and the HTTP stack under it (urllib3 logs
# request lines with the URL path, where tokens live). Logger filters only see records created
# on that very logger, hence the full names.
_SEND_LOGGERS = ("apprise", "urllib3.connectionpool", "urllib3.connection", "urllib3.util.retry",
                 "requests", "requests.packages.urllib3.connectionpool")


class _masked_apprise_logs:  # a context manager, named like one
    def __init__(self, secrets: list[str]) -> None:
        self.filter = _MaskingFilter(secrets)
        self.loggers = [logging.getLogger(name) for name in _SEND_LOGGERS]

    def __enter__(self) -> _MaskingFilter:
        for logger in self.loggers:
            logger.addFilter(self.filter)
        return self.filter

    def __exit__(self, *_: object) -> None:
        for logger in self.loggers:
            logger.removeFilter(self.filter)


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message, from memory: ``name`` is what an HTML body references as
    ``cid:NAME`` (an image is then shown in place, not as a download)."""

    name: str
    content: bytes
    mimetype: str = "image/png"


def _attach(attachments: tuple[Attachment, ...], plugins: list[Any]) -> apprise.AppriseAttachment | None:
    """apprise's attachments from memory; email plugins are switched to inline images (RFC 2387:
    ``multipart/related`` with a ``Content-ID`` per image, apprise ≥ 2.3, the ``?inline=yes`` of a
    ``mailto://`` URL), so ``<img src="cid:NAME">`` in the HTML body shows the picture."""
    if not attachments:
        return None
    from apprise.attachment.memory import AttachMemory

    found = apprise.AppriseAttachment()
    for item in attachments:
        found.add(AttachMemory(content=item.content, name=item.name,  # type: ignore[no-untyped-call]
                               mimetype=item.mimetype))
    for plugin in plugins:
        if hasattr(plugin, "inline"):
            plugin.inline = True
    return found


def send(channel: Channel, title: str, body: str, *, body_format: Format = "text",
         payload: Any = None, timeout: float = SEND_TIMEOUT,
         attachments: tuple[Attachment, ...] = ()) -> SendResult:
    """Send one message to one channel; never raises, never returns or logs the raw URL.

    ``body_format`` is the format ``body`` is written in; apprise converts it when the service
    wants another one. ``payload`` is accepted for callers that keep one; it is not sent.
    ``attachments`` go to services that take them (apprise leaves them out, with a warning, for
    the others); callers send them only to HTML channels (email).
    """
    secret = channel.url.get_secret_value()
    secrets = [secret]
    body = body if body.strip() else (title or "(no details)")
    outcome: dict[str, Any] = {}

    def work() -> None:
        with _masked_apprise_logs(secrets) as captured:
            try:
                notifier = apprise.Apprise(asset=apprise.AppriseAsset(async_mode=False))
                if not notifier.add(secret):
                    outcome["error"] = f"apprise refuses the URL {channel.label}: {_reason(secret, captured.lines)}"
                    return
                for plugin in _plugins(notifier):
                    plugin.socket_connect_timeout = timeout
                    plugin.socket_read_timeout = timeout
                attach = _attach(attachments, _plugins(notifier))
                outcome["ok"] = bool(notifier.notify(title=title, body=body,
                                                     body_format=apprise.NotifyFormat(body_format),
                                                     attach=attach))
            except Exception as exc:  # a plugin bug must not take the worker down
                outcome["error"] = f"{type(exc).__name__}: {exc}"
            finally:
                outcome["lines"] = list(captured.lines)

    thread = threading.Thread(target=work, name="remon-notify", daemon=True)
    thread.start()
    thread.join(timeout * 3 + 5)  # connect + read + a slow server's reply, with slack
    if thread.is_alive():
        reason = f"no answer within {timeout * 3 + 5:.0f}s"
    elif outcome.get("ok"):
        return SendResult(True)
    else:
        lines = [line.strip() for line in outcome.get("lines", []) if line.strip()]
        reason = outcome.get("error") or " | ".join(lines[-3:]) or "the target refused the message"
    reason = mask_text(str(reason), secrets)
    log.warning("send to %s failed: %s", channel.label, reason)
    return SendResult(False, f"alert.delivery_failed: {reason}"[:1000])
