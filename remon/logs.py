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
    """Replace configured secrets in every record, whoever logged it (apprise, httpx, celery)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            from worker.alert.mask import mask_text

            message = record.getMessage()
            masked = mask_text(message, self.secrets)
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
    secrets = [c.url.get_secret_value() for c in settings.channels()]
    for url in (settings.database_url, settings.broker_url):
        password = urlsplit(url.get_secret_value()).password if url is not None else None
        if password:
            secrets.append(password)
    if settings.web_token is not None:
        secrets.append(settings.web_token.get_secret_value())
    handler.addFilter(MaskSecrets(secrets))
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for noisy in ("httpx", "httpcore", "trafilatura", "htmldate", "charset_normalizer", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    root._remon_configured = True  # type: ignore[attr-defined]
