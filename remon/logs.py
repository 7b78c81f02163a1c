"""Logging set-up: plain or JSON lines, with bound ids and every configured secret masked."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any
from urllib.parse import urlsplit

from worker.config import Settings

_CONTEXT_KEYS = ("source_id", "article_id", "alert_id", "delivery_id", "task_id")


class MaskSecrets(logging.Filter):
    """Replace configured secrets in every record, whoever logged it (apprise, httpx, celery).

    Notification URLs are masked whole and piece by piece (``mask_text``); database and broker
    passwords where they appear in a URL's user-info (``:password@``), so a short password that
    is also an ordinary word does not blank that word everywhere; tokens wherever they appear.
    """

    def __init__(self, urls: list[str], passwords: list[str] | None = None, tokens: list[str] | None = None
                 ) -> None:
        super().__init__()
        self.urls = [s for s in urls if s]
        self.passwords = [p for p in passwords or [] if p]
        self.tokens = [t for t in tokens or [] if t]

    def mask(self, message: str) -> str:
        from worker.common.mask import mask_text

        if self.urls:
            message = mask_text(message, self.urls)
        for password in self.passwords:
            message = message.replace(f":{password}@", ":***@")
        for token in self.tokens:
            message = message.replace(token, "***")
        return message

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {"ts": self.formatTime(record), "level": record.levelname,
                               "logger": record.name, "msg": record.getMessage()}
        for key in _CONTEXT_KEYS:
            if hasattr(record, key):
                out[key] = getattr(record, key)
        if "task_id" not in out:
            task = _current_task()
            if task is not None:
                out["task_id"], out["task"] = task
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def _current_task() -> tuple[str, str] | None:
    """The Celery task this record was logged in, if any (without importing Celery otherwise)."""
    import sys as _sys

    if "celery" not in _sys.modules:
        return None
    from celery import current_task

    request = getattr(current_task, "request", None)
    task_id = getattr(request, "id", None)
    return (task_id, current_task.name) if task_id else None


def setup_logging(settings: Settings) -> None:
    root = logging.getLogger()
    if getattr(root, "_remon_configured", False):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.log_json else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    urls = [c.url.get_secret_value() for c in settings.channels()]
    passwords = [p for u in (settings.database_url_value, settings.broker_url_value)
                 for p in [urlsplit(u).password] if p]
    if settings.database_password is not None and settings.database_password.get_secret_value():
        passwords.append(settings.database_password.get_secret_value())
    tokens = [settings.web_token.get_secret_value()] if settings.web_token is not None else []
    handler.addFilter(MaskSecrets(urls, passwords, tokens))
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for noisy in ("httpx", "httpcore", "trafilatura", "htmldate", "charset_normalizer", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    root._remon_configured = True  # type: ignore[attr-defined]
